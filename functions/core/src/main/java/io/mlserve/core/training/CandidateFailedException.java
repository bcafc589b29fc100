package io.mlserve.core.training;

/** One candidate could not be trained; the others still compete. */
public final class CandidateFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message why, for the job's candidate entry
     * @param cause the library's exception, or null
     */
    public CandidateFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
