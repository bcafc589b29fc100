package io.mlserve.core.batch;

/**
 * The input (file, key or model choice) makes the whole job impossible. The message is the job's
 * {@code failureReason}: written for a person, it says what is wrong and, where it can, how to fix it.
 */
public final class BatchInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, for a person */
    public BatchInputException(String message) {
        super(message);
    }
}
