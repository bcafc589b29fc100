package io.mlserve.core.training;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.model.Task;
import java.util.List;
import java.util.Map;

/** Held-out metrics from predictions, the same code for candidates and the serving version. OWNER: helper A. */
public final class Metrics {
    private Metrics() {}

    /**
     * @param task classification (accuracy, macro-f1, log-loss; log-loss needs probabilities) or regression (rmse, mae, r2)
     * @param actual per row: label text or Double
     * @param predicted per row, the model's prediction (labels compared as text)
     * @return every metric of the task, keyed by {@link Metric#specName()}
     */
    public static Map<String, Double> compute(Task task, List<Object> actual, List<Prediction> predicted) {
        throw new UnsupportedOperationException("helper A");
    }
}
