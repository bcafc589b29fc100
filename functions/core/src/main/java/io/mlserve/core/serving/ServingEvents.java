package io.mlserve.core.serving;

import io.mlserve.core.model.ModelRef;

/** What the serving core reports to metrics and logs; adapters decide where it goes. */
public interface ServingEvents {

    /**
     * Some predicted rows could not be logged; the predictions were still returned.
     *
     * @param model the model that answered
     * @param requestId the request
     * @param failedRows rows not logged
     * @param reason the storage error
     */
    void predictionLogIncomplete(ModelRef model, String requestId, int failedRows, String reason);

    /**
     * A request was answered.
     *
     * @param model the model that answered
     * @param rows instances predicted
     * @param inferenceMs time spent in the model
     */
    void predicted(ModelRef model, int rows, double inferenceMs);

    /**
     * A model version was loaded into this container.
     *
     * @param model the version
     * @param loadMs time to fetch, check and load it
     */
    void modelLoaded(ModelRef model, double loadMs);

    /**
     * The registry could not be read for a model's aliases.
     *
     * @param model model name
     * @param reason the storage error
     * @param servedStale true when the last known aliases were used instead
     */
    default void registryUnavailable(String model, String reason, boolean servedStale) {}

    /** Discards everything: for tests and tools. */
    ServingEvents NONE = new ServingEvents() {
        @Override
        public void predictionLogIncomplete(ModelRef model, String requestId, int failedRows, String reason) {}

        @Override
        public void predicted(ModelRef model, int rows, double inferenceMs) {}

        @Override
        public void modelLoaded(ModelRef model, double loadMs) {}
    };
}
