package io.mlserve.core.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The prediction log with a durable overflow: rows the log still could not store after its retries (or deadline) go to a
 * {@link PredictionSpill}, from which a replay writes them into the log later. A {@link CircuitBreaker} opens after
 * repeated failed writes and then sends rows straight to the spill for a cool-down, so during an outage a request pays
 * one spill call instead of the log's retries; one write per cool-down probes the log.
 *
 * <p>A write reports a row as failed only when the spill did not take it either (it is then lost, and reported as such).
 *
 * <p>N.B. in-flight markers ({@link PredictionRecord#INCOMPLETE}) are never spilled: a marker replayed after its
 * request has finished could no longer be retracted and would count as a failed request. While the breaker is open
 * they are not written at all and {@link #retract} does nothing.
 */
public final class SpillingPredictionLog implements PredictionLog {
    private final PredictionLog log;
    private final PredictionSpill spill;
    private final CircuitBreaker breaker;
    private final PredictionLogEvents events;

    /**
     * @param log the log (DynamoDB in production), already retrying within its deadline
     * @param spill where rows the log did not take go
     * @param breaker opens after repeated failed log writes
     * @param events metrics and log lines
     */
    public SpillingPredictionLog(PredictionLog log, PredictionSpill spill, CircuitBreaker breaker, PredictionLogEvents events) {
        this.log = log;
        this.spill = spill;
        this.breaker = breaker;
        this.events = events;
    }

    @Override
    public WriteResult write(List<PredictionRecord> records) {
        if (records.isEmpty()) {
            return new WriteResult(0, 0, null);
        }
        if (!breaker.allowRequest()) {
            return spill(records, records, true, "circuit breaker open after repeated prediction log failures");
        }
        WriteResult result;
        try {
            result = log.write(records);
        } catch (RuntimeException e) { // the port promises not to throw; a bug must not lose rows either
            result = new WriteResult(0, records.size(), String.valueOf(e));
        }
        if (result.complete()) {
            if (breaker.recordSuccess()) {
                events.breaker(false, null);
            }
            return result;
        }
        if (breaker.recordFailure()) {
            events.breaker(true, result.lastError());
        }
        // Rows the log cannot name are spilled too: the replay's conditional write makes a second copy a no-op.
        var unwritten = result.unwritten().isEmpty() ? records : result.unwritten();
        return spill(records, unwritten, false, result.lastError());
    }

    private WriteResult spill(List<PredictionRecord> all, List<PredictionRecord> unwritten, boolean breakerOpen, String reason) {
        var rows = new ArrayList<PredictionRecord>(unwritten.size());
        int markers = 0;
        for (var record : unwritten) {
            if (PredictionRecord.INCOMPLETE.equals(record.error())) {
                markers++;
            } else {
                rows.add(record);
            }
        }
        int lost = 0;
        String lastError = null;
        if (!rows.isEmpty()) {
            var spilled = spill.spill(rows);
            var first = rows.get(0);
            if (spilled.written() > 0) {
                events.spilled(first.model(), first.requestId(), spilled.written(), breakerOpen, reason);
            }
            if (!spilled.complete()) {
                lost = spilled.failed();
                lastError = "spill failed: " + spilled.lastError() + "; log: " + reason;
                events.lost(first.model(), first.requestId(), lost, lastError);
            }
        }
        int failed = lost + markers;
        return new WriteResult(all.size() - failed, failed, failed == 0 ? null : (lastError != null ? lastError : reason));
    }

    @Override
    public void retract(PredictionRecord record) {
        // An open breaker means the log is failing: a delete would only add its retries to the request.
        if (breaker.state() == CircuitBreaker.State.CLOSED) {
            log.retract(record);
        }
    }
}
