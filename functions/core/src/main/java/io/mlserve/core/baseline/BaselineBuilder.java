package io.mlserve.core.baseline;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.Task;
import java.util.List;

/** Summarises reference rows and their predictions into a {@link Baseline}. OWNER: helper C. */
public final class BaselineBuilder {
    /** Largest numeric sample kept per column. */
    public static final int MAX_SAMPLE = 10_000;

    private BaselineBuilder() {}

    /**
     * @param ref the version
     * @param source {@code training} or {@code reference}
     * @param data where the rows came from
     * @param createdAt ISO-8601
     * @param features the manifest's features (string features are categorical, the rest numeric)
     * @param rows text cells per row, in {@code features} order
     * @param task the version's task
     * @param predictions the version's prediction for each row, same order
     * @return the baseline
     */
    public static Baseline build(ModelRef ref, String source, String data, String createdAt, List<Feature> features, List<String[]> rows,
            Task task, List<Prediction> predictions) {
        throw new UnsupportedOperationException("helper C");
    }
}
