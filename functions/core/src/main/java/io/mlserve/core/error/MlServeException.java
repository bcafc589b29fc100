package io.mlserve.core.error;

import java.util.Map;

/**
 * A failure that maps to one HTTP status and a stable error code for clients.
 *
 * <p>Subclasses are the only exceptions the API layer turns into a 4xx/5xx JSON error; anything
 * else is an unexpected server fault.
 */
public abstract class MlServeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final transient Object details;

    /**
     * @param code stable machine-readable error code, e.g. {@code INVALID_INSTANCE}
     * @param message human-readable explanation
     * @param details structured details (a map or list), or {@code null}
     */
    protected MlServeException(String code, String message, Object details) {
        super(message);
        this.code = code;
        this.details = details == null ? Map.of() : details;
    }

    /** @return the HTTP status this failure maps to */
    public abstract int status();

    /** @return the stable error code */
    public String code() {
        return code;
    }

    /** @return structured details for the client (never null) */
    public Object details() {
        return details;
    }
}
