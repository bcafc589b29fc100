package io.mlserve.core.quality;

import io.mlserve.core.model.ModelRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The logged predictions of one version that feedback has labelled, in a window of <em>prediction</em> time (labels
 * arrive late, so a window is judged by when its predictions were made): DynamoDB in production, reading every shard
 * of the version.
 */
public interface LabelledRows {

    /**
     * One labelled prediction.
     *
     * @param timestamp when the prediction was made
     * @param output what the model answered (response shape: {@code label} and maybe {@code probabilities}, or {@code value})
     * @param actual the ground truth feedback recorded: a String label or a Number value
     */
    record LabelledRow(Instant timestamp, Map<String, Object> output, Object actual) {}

    /**
     * @param predictions rows the version answered in the window (failed requests not counted), labelled or not
     * @param labelled those that carry an actual, oldest first
     */
    record Window(long predictions, List<LabelledRow> labelled) {}

    /**
     * @param version the model version
     * @param from start of the window (prediction time), inclusive
     * @param to end, exclusive
     * @return the window's prediction count and labelled rows
     */
    Window labelled(ModelRef version, Instant from, Instant to);
}
