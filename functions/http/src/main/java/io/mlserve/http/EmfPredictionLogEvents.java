package io.mlserve.http;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.PredictionLogEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spill's events as EMF metrics, written at once ({@code PredictionLogRowsSpilled}, {@code PredictionLogRowsLost},
 * dimension {@code model}), and JSON log lines ({@code event}: {@code PredictionLogSpilled} with {@code rows},
 * {@code PredictionLogRowsLost} at ERROR, {@code PredictionLogBreaker} with {@code open}).
 */
public final class EmfPredictionLogEvents implements PredictionLogEvents {
    private static final Logger LOG = LoggerFactory.getLogger(EmfPredictionLogEvents.class);

    private final EmfMetrics metrics;

    /** @param metrics the function's metrics */
    public EmfPredictionLogEvents(EmfMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void spilled(ModelRef model, String requestId, int rows, boolean breakerOpen, String reason) {
        metrics.flushSingle("PredictionLogRowsSpilled", rows, "Count", "model", model.name());
        LOG.atWarn().setMessage("prediction log rows spilled; the replay function will write them")
                .addKeyValue("event", "PredictionLogSpilled").addKeyValue("model", model.name()).addKeyValue("version", model.version())
                .addKeyValue("requestId", requestId).addKeyValue("rows", rows).addKeyValue("breakerOpen", breakerOpen)
                .addKeyValue("reason", reason).log();
    }

    @Override
    public void lost(ModelRef model, String requestId, int rows, String reason) {
        metrics.flushSingle("PredictionLogRowsLost", rows, "Count", "model", model.name());
        LOG.atError().setMessage("prediction log rows lost: neither the log nor its spill took them")
                .addKeyValue("event", "PredictionLogRowsLost").addKeyValue("model", model.name()).addKeyValue("version", model.version())
                .addKeyValue("requestId", requestId).addKeyValue("rows", rows).addKeyValue("reason", reason).log();
    }

    @Override
    public void breaker(boolean open, String reason) {
        var line = open ? LOG.atWarn().setMessage("prediction log circuit breaker opened: writes go to the spill")
                : LOG.atInfo().setMessage("prediction log circuit breaker closed: the log takes writes again");
        line.addKeyValue("event", "PredictionLogBreaker").addKeyValue("open", open).addKeyValue("reason", reason).log();
    }
}
