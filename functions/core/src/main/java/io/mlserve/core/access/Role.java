package io.mlserve.core.access;

import java.util.Locale;

/** Who may call what: {@code public} needs no key; {@code admin} covers everything {@code predict} may do. */
public enum Role {
    PUBLIC,
    PREDICT,
    ADMIN;

    /** @return the name used in the API, the keys table and the OpenAPI spec */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name an API name
     * @return the role
     * @throws IllegalArgumentException for an unknown name
     */
    public static Role fromApi(String name) {
        for (var role : values()) {
            if (role.apiName().equals(name)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "'");
    }

    /**
     * @param required the role a route needs
     * @return whether a caller with this role may call it
     */
    public boolean mayCall(Role required) {
        return required == PUBLIC || this == ADMIN || this == required;
    }
}
