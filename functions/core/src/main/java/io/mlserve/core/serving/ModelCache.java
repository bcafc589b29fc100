package io.mlserve.core.serving;

import io.mlserve.core.error.MlServeException;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.Aliases;
import io.mlserve.core.registry.ModelRegistry;
import io.mlserve.core.store.ModelStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loads each model version once per container and keeps it; re-reads a model's aliases (production,
 * canary and its weight) at most every {@code aliasTtl}, so warm containers follow a promotion or
 * rollback within that time without a restart. Failures that are the model's fault (missing, rejected) are remembered for the
 * same time so a broken model does not cost an S3 download per request; transient store errors
 * are not remembered.
 *
 * <p>N.B. versions are never evicted: a container serves a handful of versions in its life, and
 * closing a session another thread may be using needs reference counting that is not worth it yet.
 */
public final class ModelCache implements AutoCloseable {
    private final ModelStore store;
    private final ModelRegistry registry;
    private final ModelLoader loader;
    private final ServingEvents events;
    private final Clock clock;
    private final Duration aliasTtl;
    private final ConcurrentHashMap<String, AliasEntry> aliases = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ModelRef, Slot> models = new ConcurrentHashMap<>();

    private record AliasEntry(Aliases aliases, Instant readAt) {}

    private record Slot(CompletableFuture<LoadedModel> future, Instant createdAt) {}

    /**
     * @param store where packages live
     * @param registry where aliases live
     * @param loader turns bytes into predictors
     * @param events metrics sink
     * @param clock time source
     * @param aliasTtl how long an alias lookup (or a model's failure) is trusted
     */
    public ModelCache(
            ModelStore store, ModelRegistry registry, ModelLoader loader, ServingEvents events, Clock clock, Duration aliasTtl) {
        this.store = store;
        this.registry = registry;
        this.loader = loader;
        this.events = events;
        this.clock = clock;
        this.aliasTtl = aliasTtl;
    }

    /**
     * @param name model name (already validated)
     * @param version a pinned version, or null to follow the aliases (production, or the canary
     *     for its share of traffic)
     * @param callerKey keeps one caller on one side of a canary split, or null for a random side
     * @return the loaded model
     * @throws NotFoundException when the model or version does not exist
     * @throws ModelRejectedException when the version exists but cannot be served
     */
    public LoadedModel get(String name, String version, String callerKey) {
        var ref = new ModelRef(name, version != null ? version : resolveAlias(name, callerKey));
        var now = clock.instant();
        var created = new Slot[1];
        var slot = models.compute(ref, (r, existing) -> {
            if (existing == null || expiredFailure(existing, now)) {
                created[0] = new Slot(new CompletableFuture<>(), now);
                return created[0];
            }
            return existing;
        });
        if (slot == created[0]) { // exactly one caller loads a new slot; the others wait on its future
            load(ref, slot);
        }
        try {
            return slot.future().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** @return every version loaded in this container */
    public List<LoadedModel> loaded() {
        return models.values().stream()
                .map(Slot::future)
                .filter(f -> f.isDone() && !f.isCompletedExceptionally())
                .map(CompletableFuture::join)
                .toList();
    }

    private void load(ModelRef ref, Slot slot) {
        long started = System.nanoTime();
        try {
            var stored = store.fetch(ref).orElseThrow(() -> NotFoundException.version(ref.name(), ref.version()));
            var manifest = parseManifest(ref, stored.manifestJson());
            ManifestChecks.requireValid(ref, manifest, stored.onnx());
            var predictor = loader.load(manifest, stored.onnx());
            slot.future().complete(new LoadedModel(ref, manifest, predictor, clock.instant()));
            events.modelLoaded(ref, (System.nanoTime() - started) / 1e6);
        } catch (MlServeException e) {
            slot.future().completeExceptionally(e); // remembered until aliasTtl passes
        } catch (RuntimeException e) {
            models.remove(ref, slot); // transient (network, throttling): the next request tries again
            slot.future().completeExceptionally(e);
        }
    }

    private static ModelManifest parseManifest(ModelRef ref, byte[] json) {
        try {
            return ModelManifest.parse(json);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelRejectedException(ref.name(), ref.version(), List.of("manifest.json is not a valid manifest: " + e.getMessage()));
        }
    }

    private boolean expiredFailure(Slot slot, Instant now) {
        return slot.future().isCompletedExceptionally() && slot.createdAt().plus(aliasTtl).isBefore(now);
    }

    private String resolveAlias(String name, String callerKey) {
        var now = clock.instant();
        var cached = aliases.get(name);
        if (cached == null || !cached.readAt().plus(aliasTtl).isAfter(now)) {
            cached = new AliasEntry(registry.aliases(name), now);
            aliases.put(name, cached);
        }
        var version = cached.aliases().choose(callerKey, ThreadLocalRandom.current().nextInt(100));
        if (version == null) {
            throw NotFoundException.model(name);
        }
        return version;
    }

    @Override
    public void close() {
        loaded().forEach(m -> m.predictor().close());
        models.clear();
    }
}
