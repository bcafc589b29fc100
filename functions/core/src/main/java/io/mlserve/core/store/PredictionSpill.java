package io.mlserve.core.store;

import java.util.List;

/**
 * Durable overflow of the prediction log (an SQS queue in production): rows the log could not take go here and a
 * replay function writes them into the log once it accepts writes again.
 */
public interface PredictionSpill {

    /**
     * Stores the rows for a later replay; never throws for a storage failure.
     *
     * @param records rows the log did not take
     * @return {@code written} = rows spilled, {@code failed} = rows lost (the spill itself failed, or a row is too large
     *     for it), {@code lastError} = why
     */
    PredictionLog.WriteResult spill(List<PredictionRecord> records);
}
