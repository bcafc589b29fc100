package io.mlserve.core.registry;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.LogShards;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Shard counts as registered: a version's {@code logShards} never changes after registration, so each version is
 * looked up once per container and then answered from memory (the writer asks on every request).
 */
public final class RegistryLogShards implements LogShards {
    private final ModelRegistry registry;
    private final ConcurrentMap<ModelRef, Integer> known = new ConcurrentHashMap<>();

    /** @param registry where versions are registered */
    public RegistryLogShards(ModelRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param version a model version
     * @return its registered shard count; {@value LogShards#MIN} for a version registered before sharding, and (not
     *     remembered) for one not registered (yet)
     * @throws RuntimeException when the registry cannot be read: a reader must not pretend a version has fewer shards
     */
    @Override
    public int shards(ModelRef version) {
        var count = known.get(version);
        if (count != null) {
            return count;
        }
        var registered = registry.version(version.name(), version.version());
        if (registered.isEmpty()) {
            return MIN;
        }
        int shards = clamp(registered.get().logShardCount());
        known.put(version, shards);
        return shards;
    }

    /**
     * Not cached: a version registered later may have more shards, and model-wide reads are not on the hot path.
     *
     * @param model model name
     * @return the largest shard count over its versions ({@value LogShards#MIN} when it has none)
     */
    @Override
    public int maxShards(String model) {
        return registry.versions(model).stream().mapToInt(v -> clamp(v.logShardCount())).max().orElse(MIN);
    }

    private static int clamp(int shards) {
        return Math.max(MIN, Math.min(MAX, shards));
    }
}
