package io.mlserve.core.testing;

import io.mlserve.core.training.TrainingSpecStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Training specs in memory. */
public final class InMemoryTrainingSpecStore implements TrainingSpecStore {
    private final Map<String, StoredSpec> specs = new ConcurrentHashMap<>();

    @Override
    public Optional<StoredSpec> find(String model) {
        return Optional.ofNullable(specs.get(model));
    }

    @Override
    public void put(String model, StoredSpec spec) {
        specs.put(model, spec);
    }
}
