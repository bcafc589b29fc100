package io.mlserve.core.testing;

import io.mlserve.core.store.PredictionLog;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.store.PredictionSpill;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A spill in memory; can be told to fail (then every row is lost). */
public final class InMemoryPredictionSpill implements PredictionSpill {
    public final List<PredictionRecord> records = new CopyOnWriteArrayList<>();
    public volatile boolean failing;

    @Override
    public PredictionLog.WriteResult spill(List<PredictionRecord> batch) {
        if (failing) {
            return new PredictionLog.WriteResult(0, batch.size(), "simulated spill outage");
        }
        records.addAll(batch);
        return new PredictionLog.WriteResult(batch.size(), 0, null);
    }
}
