package io.mlserve.core.testing;

import io.mlserve.core.store.PredictionLog;
import io.mlserve.core.store.PredictionRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A prediction log in memory; can be told to lose every write. */
public final class InMemoryPredictionLog implements PredictionLog {
    public final List<PredictionRecord> records = new CopyOnWriteArrayList<>();
    public volatile boolean failing;

    @Override
    public WriteResult write(List<PredictionRecord> batch) {
        if (failing) {
            return new WriteResult(0, batch.size(), "simulated outage");
        }
        records.addAll(batch);
        return new WriteResult(batch.size(), 0, null);
    }

    @Override
    public void retract(PredictionRecord record) {
        if (!failing) {
            records.remove(record);
        }
    }
}
