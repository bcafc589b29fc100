package io.mlserve.core.error;

/** The client sent something the API cannot accept (HTTP 400). */
public final class InvalidInputException extends MlServeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param code stable error code
     * @param message what is wrong, in words
     * @param details which fields/rows are wrong, or {@code null}
     */
    public InvalidInputException(String code, String message, Object details) {
        super(code, message, details);
    }

    @Override
    public int status() {
        return 400;
    }
}
