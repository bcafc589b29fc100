package io.mlserve.core.logquery;

import java.time.Instant;
import java.util.Map;

/**
 * One item of the prediction log as read back: a predicted row, or a failed request.
 *
 * @param model model name
 * @param version model version that answered
 * @param requestId the API request (or batch job) id
 * @param row the row's index within the request (0 for a failed request)
 * @param timestamp when the prediction was made (millisecond precision)
 * @param inputs feature name to value as validated; empty for failed requests and when the reader
 *     did not load inputs (see {@link PredictionLogReader#outcomes})
 * @param output the prediction in response shape ({@code label}/{@code probabilities} or
 *     {@code value}), or null when the request failed
 * @param error the error code of a failed request, or null for a predicted row
 * @param latencyMs inference time of the whole request, in milliseconds (the same for every row)
 * @param source who asked: {@code api}, {@code batch}, …
 */
public record LoggedPrediction(
        String model,
        String version,
        String requestId,
        int row,
        Instant timestamp,
        Map<String, Object> inputs,
        Map<String, Object> output,
        String error,
        double latencyMs,
        String source) {

    /** @return true when this item records a failed request rather than a predicted row */
    public boolean failed() {
        return error != null;
    }
}
