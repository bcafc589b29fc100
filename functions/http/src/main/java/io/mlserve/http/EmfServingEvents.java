package io.mlserve.http;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.serving.ServingEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving events as CloudWatch EMF metrics ({@link EmfMetrics}, flushed by the handler once per invocation)
 * and structured JSON log lines (SLF4J key-value pairs: top-level fields with {@link io.mlserve.http.log.JsonLogProvider})
 * — the same metrics and fields as {@link PowertoolsServingEvents}, without Powertools' per-flush cost.
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
        LOG.atError().setMessage("prediction log write incomplete; predictions were still returned")
                .addKeyValue("event", "PredictionLogIncomplete").addKeyValue("model", model.name()).addKeyValue("version", model.version())
                .addKeyValue("requestId", requestId).addKeyValue("failedRows", failedRows).addKeyValue("reason", reason).log();
    }

    @Override
    public void predicted(ModelRef model, int rows, double inferenceMs) {
        metrics.add(EmfMetrics.Metric.PREDICTED_ROWS, rows);
        metrics.add(EmfMetrics.Metric.INFERENCE_LATENCY, inferenceMs);
    }

    @Override
    public void registryUnavailable(String model, String reason, boolean servedStale) {
        LOG.atWarn().setMessage(servedStale ? "registry unreadable; serving the last known aliases" : "registry unreadable; no aliases known")
                .addKeyValue("event", "RegistryUnavailable").addKeyValue("model", model).addKeyValue("servedStale", servedStale)
                .addKeyValue("reason", reason).log();
    }

    @Override
    public void modelLoaded(ModelRef model, double loadMs) {
        LOG.atInfo().setMessage("model loaded").addKeyValue("event", "ModelLoaded").addKeyValue("model", model.name())
                .addKeyValue("version", model.version()).addKeyValue("loadMs", loadMs).log();
    }
}
