package io.mlserve.core.training;

import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.MlServeException;
import java.util.Map;

/** A training job cannot produce a version (every candidate failed); the job fails with this message as its reason. */
public final class TrainingFailedException extends MlServeException {
    private static final long serialVersionUID = 1L;

    /** @param message why, for the job's failure reason */
    public TrainingFailedException(String message) {
        super(ErrorKind.UNPROCESSABLE, "TRAINING_FAILED", message, Map.of());
    }
}
