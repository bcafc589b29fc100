package io.mlserve.core.access;

import java.util.List;
import java.util.Objects;

/**
 * The authorizer's decision, free of AWS types: which role, if any, a presented key value holds.
 * The key value is hashed at once and never kept, returned or put into a reason.
 */
public final class AccessPolicy {
    private final KeyStore keys;

    /** @param keys the keys table */
    public AccessPolicy(KeyStore keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** What the authorizer answers. */
    public sealed interface Decision permits Allowed, Denied {}

    /**
     * The key is active.
     *
     * @param role its role
     * @param keyName its name (safe to log)
     */
    public record Allowed(Role role, String keyName) implements Decision {
        /** @return the routes this key must still be refused: the ones its role does not cover */
        public List<Route> deniedRoutes() {
            return Routes.deniedTo(role);
        }
    }

    /**
     * No access at all.
     *
     * @param reason why, for the log (never contains the key value)
     */
    public record Denied(String reason) implements Decision {}

    /**
     * @param presentedKey the {@code x-api-key} header as sent, possibly null or blank
     * @return allowed with the key's role and name, or denied with the reason
     */
    public Decision decide(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank()) {
            return new Denied("no API key");
        }
        var key = keys.findByHash(KeyHash.of(presentedKey));
        if (key.isEmpty()) {
            return new Denied("unknown API key");
        }
        var record = key.get();
        if (!record.active()) {
            return new Denied("API key '" + record.name() + "' is revoked");
        }
        return new Allowed(record.role(), record.name());
    }

    /**
     * @param role a caller's role
     * @return the routes to deny explicitly (for {@code predict}: every admin route)
     */
    public static List<Route> deniedRoutes(Role role) {
        return Routes.deniedTo(role);
    }
}
