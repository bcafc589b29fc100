package io.mlserve.core.access;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.random.RandomGenerator;

/**
 * Key administration ({@code mlserve keys create|list|revoke}): keeps the keys table and API
 * Gateway's keys in step.
 */
public final class KeyService {
    /** Length of a generated key: 40 base62 characters are 238 bits of randomness. */
    public static final int KEY_LENGTH = 40;
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final KeyStore store;
    private final UsagePlanKeys gateway;
    private final RandomGenerator random;
    private final Clock clock;

    /**
     * @param store the keys table
     * @param gateway API Gateway's keys and usage plans
     * @param random source of key values; pass a {@link java.security.SecureRandom}
     * @param clock time source
     */
    public KeyService(KeyStore store, UsagePlanKeys gateway, RandomGenerator random, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param random source of randomness
     * @return a fresh key value: {@value #KEY_LENGTH} base62 characters, each drawn uniformly
     */
    public static String generateValue(RandomGenerator random) {
        var value = new StringBuilder(KEY_LENGTH);
        for (int i = 0; i < KEY_LENGTH; i++) {
            value.append(BASE62.charAt(random.nextInt(BASE62.length()))); // nextInt(bound) is unbiased
        }
        return value.toString();
    }

    /**
     * Makes a key: a fresh value, an API Gateway key with that value in the role's usage plan, and
     * the table item. The name is checked before anything is created; if the table write still loses
     * a race, the gateway key is deleted again.
     *
     * @param name key name: letters, digits, {@code . _ -}, up to 64 characters
     * @param role {@link Role#PREDICT} or {@link Role#ADMIN}
     * @return the stored record and the value (shown once)
     * @throws IllegalArgumentException for a malformed name or the public role
     * @throws KeyConflictException when an active key already has that name
     */
    public CreatedKey create(String name, Role role) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "key name must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (role == null || role == Role.PUBLIC) {
            throw new IllegalArgumentException("a key's role is predict or admin");
        }
        if (store.findByName(name).filter(ApiKeyRecord::active).isPresent()) {
            throw new KeyConflictException("an active key named '" + name + "' exists; revoke it first or pick another name");
        }
        var value = generateValue(random);
        var apiKeyId = gateway.create(name, role, value);
        var record = new ApiKeyRecord(KeyHash.of(value), name, role, KeyStatus.ACTIVE, apiKeyId, now(), null);
        try {
            store.create(record);
        } catch (RuntimeException e) {
            gateway.delete(apiKeyId); // no gateway key without its table item
            throw e;
        }
        return new CreatedKey(record, value);
    }

    /** Milliseconds are plenty for a key's timestamps, and keep listings readable. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** @return every key, oldest first */
    public List<ApiKeyRecord> list() {
        return store.list();
    }

    /**
     * Revokes the active key of that name and disables its API Gateway key. Revoking a revoked key
     * disables its gateway key again and changes nothing else.
     *
     * @param name key name
     * @return the revoked key
     * @throws KeyNotFoundException when no key ever had that name
     */
    public ApiKeyRecord revoke(String name) {
        var revoked = store.revoke(name, now()).orElseThrow(() -> new KeyNotFoundException(name));
        if (revoked.apiKeyId() != null) {
            gateway.disable(revoked.apiKeyId());
        }
        return revoked;
    }
}
