package io.mlserve.core.access;

import java.util.Locale;

/**
 * What a caller may do. Roles are ordered: each covers the ones below it, so an {@code admin} key
 * may call every {@code predict} route, and every key may call the public ones.
 */
public enum Role {
    /** No key needed: health and the API description. */
    PUBLIC,
    /** Predict and read models, versions and stats. */
    PREDICT,
    /** Everything: register, promote, roll back, the audit trail and the logged inputs. */
    ADMIN;

    /** @return the spelling used in the API, the keys table and the authorizer context */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name {@code public}, {@code predict} or {@code admin} (case-insensitive)
     * @return the role
     * @throws IllegalArgumentException when the name is null or no role has it
     */
    public static Role fromApi(String name) {
        if (name != null) {
            for (var role : values()) {
                if (role.apiName().equalsIgnoreCase(name.trim())) {
                    return role;
                }
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "' (expected public, predict or admin)");
    }

    /**
     * @param required the role a route needs
     * @return whether a caller holding this role may call it
     */
    public boolean mayCall(Role required) {
        return compareTo(required) >= 0;
    }
}
