package io.mlserve.core.store;

import io.mlserve.core.model.ModelRef;
import java.time.Instant;
import java.util.Map;

/**
 * One item of the prediction log, as written and as read back: a predicted row, or (with
 * {@code error} set, {@code row} 0 and no output) a failed request.
 *
 * @param model which model version answered
 * @param requestId the API request (or batch job) id
 * @param row the row's index within the request
 * @param timestamp when the prediction was made
 * @param inputs feature name to value, as validated
 * @param output the prediction in response shape, or null when the request failed
 * @param latencyMs inference time of the whole request, in milliseconds
 * @param source who asked: {@code api}, {@code batch}, …
 * @param error error code when the model failed to answer (one record per failed request), else null
 */
public record PredictionRecord(
        ModelRef model,
        String requestId,
        int row,
        Instant timestamp,
        Map<String, Object> inputs,
        Map<String, Object> output,
        double latencyMs,
        String source,
        String error) {

    /** Error code of an in-flight marker: a request that started and has not (yet) finished. */
    public static final String INCOMPLETE = "INCOMPLETE";
    /** Row index of an in-flight marker. */
    public static final int MARKER_ROW = 99_999;

    /**
     * A record written before risky work starts, so a request that dies (timeout, out of memory)
     * still counts as failed; removed with {@link PredictionLog#retract} when the request finishes.
     *
     * @param model the version that will answer
     * @param requestId the request
     * @param at when the work starts
     * @param source who asked
     * @return the marker
     */
    public static PredictionRecord inFlight(ModelRef model, String requestId, Instant at, String source) {
        return new PredictionRecord(model, requestId, MARKER_ROW, at, Map.of(), null, 0, source, INCOMPLETE);
    }

    /** @return true when this item records a failed request rather than a predicted row */
    public boolean failed() {
        return error != null;
    }
}
