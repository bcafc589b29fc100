package io.mlserve.core.store;

import io.mlserve.core.model.ModelRef;
import java.time.Instant;
import java.util.Map;

/**
 * One predicted row, as written to the prediction log.
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
        String error) {}
