package io.mlserve.core.feedback;

import io.mlserve.core.store.PredictionId;
import java.time.Instant;

/**
 * One checked actual to record on one logged row.
 *
 * @param prediction the row
 * @param actual the ground truth
 * @param observedAt when the caller observed it, or null
 */
public record Label(PredictionId prediction, Actual actual, Instant observedAt) {}
