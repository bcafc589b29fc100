package io.mlserve.core.store;

import io.mlserve.core.model.ModelRef;

/** What the spilling prediction log reports to metrics and logs ({@link SpillingPredictionLog}). */
public interface PredictionLogEvents {

    /**
     * Rows went to the spill instead of the log; they will be replayed.
     *
     * @param model the version of the first row
     * @param requestId the request of the first row
     * @param rows rows spilled
     * @param breakerOpen true when the circuit breaker sent them straight to the spill (no log write was tried)
     * @param reason the log's error, or why the breaker is open
     */
    void spilled(ModelRef model, String requestId, int rows, boolean breakerOpen, String reason);

    /**
     * Rows neither the log nor the spill took: they are gone.
     *
     * @param model the version of the first row
     * @param requestId the request of the first row
     * @param rows rows lost
     * @param reason the spill's error
     */
    void lost(ModelRef model, String requestId, int rows, String reason);

    /**
     * The circuit breaker opened (writes go straight to the spill for a cool-down) or closed again.
     *
     * @param open true when it opened
     * @param reason the failure that opened it, or null when it closed
     */
    void breaker(boolean open, String reason);

    /** Discards everything: for tests and tools. */
    PredictionLogEvents NONE = new PredictionLogEvents() {
        @Override
        public void spilled(ModelRef model, String requestId, int rows, boolean breakerOpen, String reason) {}

        @Override
        public void lost(ModelRef model, String requestId, int rows, String reason) {}

        @Override
        public void breaker(boolean open, String reason) {}
    };
}
