package io.mlserve.core.error;

/** The client sent something the API cannot accept ({@link ErrorKind#INVALID_INPUT}). */
public final class InvalidInputException extends MlServeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param code stable error code
     * @param message what is wrong, in words
     * @param details which fields/rows are wrong, or {@code null}
     */
    public InvalidInputException(String code, String message, Object details) {
        super(ErrorKind.INVALID_INPUT, code, message, details);
    }
}
