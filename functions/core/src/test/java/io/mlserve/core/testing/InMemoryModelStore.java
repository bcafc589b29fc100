package io.mlserve.core.testing;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.ModelStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A model store in memory, counting fetches so tests can see caching. */
public final class InMemoryModelStore implements ModelStore {
    private final Map<ModelRef, StoredModel> models = new ConcurrentHashMap<>();
    public final AtomicInteger fetches = new AtomicInteger();

    public InMemoryModelStore put(ModelRef ref, byte[] manifest, byte[] onnx) {
        models.put(ref, new StoredModel(manifest, onnx));
        return this;
    }

    @Override
    public Optional<StoredModel> fetch(ModelRef ref) {
        fetches.incrementAndGet();
        return Optional.ofNullable(models.get(ref));
    }
}
