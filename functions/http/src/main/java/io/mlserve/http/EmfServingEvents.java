package io.mlserve.http;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.serving.ServingEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving events as CloudWatch EMF metrics ({@link EmfMetrics}, flushed by the handler once per invocation)
 * and structured JSON log lines — the same metrics and lines as {@link PowertoolsServingEvents}, without
 * Powertools' per-flush cost.
 */
public final class EmfServingEvents implements ServingEvents {
    private static final Logger LOG = LoggerFactory.getLogger(EmfServingEvents.class);

    private final EmfMetrics metrics;

    /** @param metrics the function's metrics (flushed by the handler after each call) */
    public EmfServingEvents(EmfMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void predictionLogIncomplete(ModelRef model, String requestId, int failedRows, String reason) {
        // Flushed at once and logged at ERROR: a lost log row must never go unnoticed.
        metrics.flushSingle("PredictionLogWriteFailures", failedRows, "Count", "model", model.name());
        LOG.error("prediction log write incomplete; predictions were still returned",
                entry("event", "PredictionLogIncomplete"), entry("model", model.name()), entry("version", model.version()),
                entry("requestId", requestId), entry("failedRows", failedRows), entry("reason", reason));
    }

    @Override
    public void predicted(ModelRef model, int rows, double inferenceMs) {
        metrics.add(EmfMetrics.Metric.PREDICTED_ROWS, rows);
        metrics.add(EmfMetrics.Metric.INFERENCE_LATENCY, inferenceMs);
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
