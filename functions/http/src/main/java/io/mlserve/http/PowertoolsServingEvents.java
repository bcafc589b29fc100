package io.mlserve.http;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.serving.ServingEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** Serving events as CloudWatch EMF metrics (Powertools) and structured JSON log lines. */
public final class PowertoolsServingEvents implements ServingEvents {
    private static final Logger LOG = LoggerFactory.getLogger(PowertoolsServingEvents.class);

    private final Metrics metrics;
    private final String namespace;

    /**
     * @param metrics the function's metrics instance (flushed by the handler after each call)
     * @param namespace CloudWatch namespace for metrics flushed on their own
     */
    public PowertoolsServingEvents(Metrics metrics, String namespace) {
        this.metrics = metrics;
        this.namespace = namespace;
    }

    @Override
    public void predictionLogIncomplete(ModelRef model, String requestId, int failedRows, String reason) {
        // Flushed at once and logged at ERROR: a lost log row must never go unnoticed.
        metrics.flushSingleMetric("PredictionLogWriteFailures", failedRows, MetricUnit.COUNT, namespace,
                DimensionSet.of("model", model.name()));
        LOG.error("prediction log write incomplete; predictions were still returned",
                entry("event", "PredictionLogIncomplete"), entry("model", model.name()), entry("version", model.version()),
                entry("requestId", requestId), entry("failedRows", failedRows), entry("reason", reason));
    }

    @Override
    public void predicted(ModelRef model, int rows, double inferenceMs) {
        metrics.addMetric("PredictedRows", rows, MetricUnit.COUNT);
        metrics.addMetric("InferenceLatency", inferenceMs, MetricUnit.MILLISECONDS);
    }

    @Override
    public void registryUnavailable(String model, String reason, boolean servedStale) {
        LOG.warn(servedStale ? "registry unreadable; serving the last known aliases" : "registry unreadable; no aliases known",
                entry("event", "RegistryUnavailable"), entry("model", model), entry("servedStale", servedStale),
                entry("reason", reason));
    }

    @Override
    public void modelLoaded(ModelRef model, double loadMs) {
        LOG.info("model loaded", entry("event", "ModelLoaded"), entry("model", model.name()),
                entry("version", model.version()), entry("loadMs", loadMs));
    }
}
