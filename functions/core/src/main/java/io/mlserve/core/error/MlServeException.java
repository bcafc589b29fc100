package io.mlserve.core.error;

import java.util.Map;

/**
 * A failure with a stable error code for clients and a {@link ErrorKind kind}; the HTTP edge maps the
 * kind to a status. Anything that is not an {@code MlServeException} is an unexpected server fault.
 */
public class MlServeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String code;
    private final transient Object details;

    /**
     * @param kind what kind of failure this is
     * @param code stable machine-readable error code, e.g. {@code INVALID_INSTANCES}
     * @param message explanation written for the caller (no class or library names)
     * @param details structured details (a map or list), or {@code null}
     */
    public MlServeException(ErrorKind kind, String code, String message, Object details) {
        super(message);
        this.kind = kind;
        this.code = code;
        this.details = details == null ? Map.of() : details;
    }

    /** @return the kind of failure */
    public ErrorKind kind() {
        return kind;
    }

    /** @return the stable error code */
    public String code() {
        return code;
    }

    /** @return structured details for the client (never null) */
    public Object details() {
        return details;
    }
}
