package io.mlserve.core.access;

import java.util.Locale;

/** Whether a key still opens the API. */
public enum KeyStatus {
    /** The authorizer accepts it. */
    ACTIVE,
    /** Refused by the authorizer (within its cache TTL) and disabled in API Gateway; kept for the record. */
    REVOKED;

    /** @return the spelling stored in the keys table */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name {@code active} or {@code revoked}
     * @return the status
     * @throws IllegalArgumentException for anything else
     */
    public static KeyStatus fromApi(String name) {
        for (var status : values()) {
            if (status.apiName().equals(name)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown key status '" + name + "'");
    }
}
