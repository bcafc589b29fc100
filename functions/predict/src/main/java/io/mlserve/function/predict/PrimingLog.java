package io.mlserve.function.predict;

import io.mlserve.core.store.PredictionLog;
import io.mlserve.core.store.PredictionRecord;
import java.util.List;

/** The prediction log, muted while SnapStart priming runs synthetic requests: they are not predictions anyone asked for. */
final class PrimingLog implements PredictionLog {
    private final PredictionLog log;
    private volatile boolean muted;

    PrimingLog(PredictionLog log) {
        this.log = log;
    }

    void mute(boolean muted) {
        this.muted = muted;
    }

    @Override
    public WriteResult write(List<PredictionRecord> records) {
        return muted ? new WriteResult(records.size(), 0, null) : log.write(records);
    }

    @Override
    public void retract(PredictionRecord record) {
        if (!muted) {
            log.retract(record);
        }
    }
}
