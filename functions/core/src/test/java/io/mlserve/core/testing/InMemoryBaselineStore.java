package io.mlserve.core.testing;

import io.mlserve.core.baseline.Baseline;
import io.mlserve.core.baseline.BaselineStore;
import io.mlserve.core.model.ModelRef;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Baselines in memory, by version. */
public final class InMemoryBaselineStore implements BaselineStore {
    public final Map<ModelRef, Baseline> baselines = new ConcurrentHashMap<>();

    @Override
    public void put(ModelRef ref, Baseline baseline) {
        baselines.put(ref, baseline);
    }

    @Override
    public Optional<Baseline> find(ModelRef ref) {
        return Optional.ofNullable(baselines.get(ref));
    }
}
