package io.mlserve.core.training;

import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.MlServeException;
import java.util.List;
import java.util.Map;

/** The training data cannot train anything; the job fails with every problem named. */
public final class TrainingDataException extends MlServeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    /** @param problems what is wrong, one sentence each */
    public TrainingDataException(List<String> problems) {
        super(ErrorKind.UNPROCESSABLE, "TRAINING_DATA_REJECTED", "the training data cannot be used: " + String.join("; ", problems),
                Map.of("problems", List.copyOf(problems)));
        this.problems = List.copyOf(problems);
    }

    /** @return each problem */
    public List<String> problems() {
        return problems;
    }
}
