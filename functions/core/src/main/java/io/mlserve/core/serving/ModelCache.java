package io.mlserve.core.serving;

import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.Aliases;
import io.mlserve.core.registry.ModelRegistry;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.registry.VersionUnavailableException;
import io.mlserve.core.store.ModelStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loads each model version once per container and keeps the most recently used ones; re-reads a
 * model's aliases (production, canary and its weight) at most every {@code aliasTtl}, so warm
 * containers follow a promotion or rollback within that time without a restart.
 *
 * <p>Only registered versions are served, and only with the bytes registration checked: the object
 * versions registration pinned are read (so overwriting the files changes nothing), and the
 * registry's sha256 must match model.onnx, besides the manifest's own checks. Failures that are the
 * model's fault (unregistered, rejected) are remembered for {@code aliasTtl} so a broken model does
 * not cost a download per request; transient registry or store errors are not remembered. When the
 * registry cannot be read, the last aliases read keep serving (stale beats down).
 *
 * <p>Both maps are bounded (least recently used out), so caller-chosen names and versions cannot
 * grow a container's memory. N.B. an evicted version's session is closed at once: Lambda sends a
 * container one request at a time, so no other request can be using it.
 */
public final class ModelCache implements AutoCloseable {
    /** Aliases remembered per container: one entry per model name asked for. */
    static final int MAX_ALIAS_ENTRIES = 256;

    private final ModelStore store;
    private final ModelRegistry registry;
    private final ModelLoader loader;
    private final ServingEvents events;
    private final Clock clock;
    private final Duration aliasTtl;
    private final int maxVersions;
    private final Map<String, AliasEntry> aliases = lru(MAX_ALIAS_ENTRIES, null);
    private final Map<ModelRef, Slot> models;

    private record AliasEntry(Aliases aliases, Instant readAt) {}

    private record Slot(CompletableFuture<LoadedModel> future, Instant createdAt) {}

    /**
     * How a request's version was chosen.
     *
     * @param ref the version
     * @param canary true when the aliases sent this request to the canary
     */
    public record Resolved(ModelRef ref, boolean canary) {}

    /**
     * @param store where packages live
     * @param registry where aliases and registrations live
     * @param loader turns bytes into predictors
     * @param events metrics sink
     * @param clock time source
     * @param aliasTtl how long an alias lookup (or a model's failure) is trusted
     * @param maxVersions versions kept loaded at once (least recently used are closed)
     */
    public ModelCache(ModelStore store, ModelRegistry registry, ModelLoader loader, ServingEvents events, Clock clock,
            Duration aliasTtl, int maxVersions) {
        this.store = store;
        this.registry = registry;
        this.loader = loader;
        this.events = events;
        this.clock = clock;
        this.aliasTtl = aliasTtl;
        this.maxVersions = maxVersions;
        this.models = lru(maxVersions, ModelCache::closeEvicted);
    }

    /** Keeps up to 8 versions loaded. */
    public ModelCache(ModelStore store, ModelRegistry registry, ModelLoader loader, ServingEvents events, Clock clock, Duration aliasTtl) {
        this(store, registry, loader, events, clock, aliasTtl, 8);
    }

    /**
     * Forgets every alias read, so the next request of each model reads its aliases again (after a
     * SnapStart restore: the snapshot's aliases may be hours old). Loaded versions stay: they are immutable.
     */
    public void forgetAliases() {
        synchronized (aliases) {
            aliases.clear();
        }
    }

    /**
     * @param name model name (already validated)
     * @param version a pinned version, or null to follow the aliases
     * @param callerKey keeps one caller on one side of a canary split, or null
     * @return the loaded model
     */
    public LoadedModel get(String name, String version, String callerKey) {
        return load(resolve(name, version, callerKey).ref());
    }

    /**
     * Chooses the version for a request: the pinned one, or production / the canary for its share.
     *
     * @param name model name (already validated)
     * @param version a pinned version, or null to follow the aliases
     * @param callerKey keeps one caller on one side of a canary split, or null for a random side
     * @return the version and how it was chosen
     * @throws NotFoundException when the model has no production version
     * @throws MlServeException {@code REGISTRY_UNAVAILABLE} when the registry cannot be read and no aliases are known
     */
    public Resolved resolve(String name, String version, String callerKey) {
        if (version != null) {
            return new Resolved(new ModelRef(name, version), false);
        }
        var current = aliases(name);
        var chosen = current.choose(callerKey, ThreadLocalRandom.current().nextInt(100));
        if (chosen == null) {
            throw NotFoundException.model(name);
        }
        return new Resolved(new ModelRef(name, chosen), chosen.equals(current.canary()) && !chosen.equals(current.production()));
    }

    /**
     * @param ref a version
     * @return it, loaded (once per container)
     * @throws NotFoundException when the version is not registered
     * @throws ModelRejectedException when it is registered but cannot be served
     * @throws MlServeException {@code REGISTRY_UNAVAILABLE} / {@code MODEL_UNAVAILABLE} when storage cannot be read now
     */
    public LoadedModel load(ModelRef ref) {
        var now = clock.instant();
        Slot slot;
        boolean mine = false;
        synchronized (models) {
            slot = models.get(ref);
            if (slot == null || expiredFailure(slot, now)) {
                slot = new Slot(new CompletableFuture<>(), now);
                models.put(ref, slot);
                mine = true;
            }
        }
        if (mine) { // exactly one caller loads a new slot; the others wait on its future
            fill(ref, slot);
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
        List<Slot> slots;
        synchronized (models) {
            slots = new ArrayList<>(models.values());
        }
        return slots.stream()
                .map(Slot::future)
                .filter(f -> f.isDone() && !f.isCompletedExceptionally())
                .map(CompletableFuture::join)
                .toList();
    }

    private void fill(ModelRef ref, Slot slot) {
        long started = System.nanoTime();
        try {
            var registered = registered(ref);
            var stored = fetch(registered);
            if (registered.sha256() != null && !registered.sha256().equalsIgnoreCase(ManifestChecks.sha256Hex(stored.onnx()))) {
                throw new ModelRejectedException(ref.name(), ref.version(),
                        List.of("model.onnx does not match the sha256 recorded when the version was registered"));
            }
            var manifest = parseManifest(ref, stored.manifestJson());
            ManifestChecks.requireValid(ref, manifest, stored.onnx());
            var predictor = loader.load(manifest, stored.onnx());
            slot.future().complete(new LoadedModel(ref, manifest, predictor, clock.instant()));
            events.modelLoaded(ref, (System.nanoTime() - started) / 1e6);
        } catch (MlServeException e) {
            if (e.kind() == ErrorKind.UNAVAILABLE && !(e instanceof ModelRejectedException)) {
                forget(ref, slot); // storage trouble, not the model's fault: the next request tries again
            }
            slot.future().completeExceptionally(e); // the model's fault: remembered until aliasTtl passes
        } catch (RuntimeException e) {
            forget(ref, slot);
            slot.future().completeExceptionally(e);
        }
    }

    private RegisteredVersion registered(ModelRef ref) {
        try {
            return registry.version(ref.name(), ref.version()).orElseThrow(() -> NotFoundException.version(ref.name(), ref.version()));
        } catch (MlServeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable("REGISTRY_UNAVAILABLE", "the model registry cannot be read right now; try again", ref.name(), e);
        }
    }

    /** Reads exactly the object versions registration pinned (the current files for versions registered before pinning). */
    private ModelStore.StoredModel fetch(RegisteredVersion registered) {
        var ref = registered.ref();
        try {
            var stored = store.fetch(ref, registered.objectVersions());
            if (stored.isEmpty() && registered.objectVersions() != null) { // permanently deleted: a 409, as promotion answers
                throw new VersionUnavailableException(ref, registered.objectVersions());
            }
            return stored.orElseThrow(() -> new ModelRejectedException(ref.name(), ref.version(),
                    List.of("the registered version's files are missing from the model store")));
        } catch (MlServeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unavailable("MODEL_UNAVAILABLE", "the model's files cannot be read right now; try again", ref.name(), e);
        }
    }

    private static MlServeException unavailable(String code, String message, String model, RuntimeException cause) {
        var error = new MlServeException(ErrorKind.UNAVAILABLE, code, message, Map.of("model", model));
        error.initCause(cause);
        return error;
    }

    private void forget(ModelRef ref, Slot slot) {
        synchronized (models) {
            models.remove(ref, slot);
        }
    }

    private static ModelManifest parseManifest(ModelRef ref, byte[] json) {
        try {
            return ModelManifest.parse(json);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelRejectedException(ref.name(), ref.version(), List.of("manifest.json is not a valid manifest"));
        }
    }

    private boolean expiredFailure(Slot slot, Instant now) {
        return slot.future().isCompletedExceptionally() && slot.createdAt().plus(aliasTtl).isBefore(now);
    }

    private Aliases aliases(String name) {
        var now = clock.instant();
        AliasEntry cached;
        synchronized (aliases) {
            cached = aliases.get(name);
        }
        if (cached != null && cached.readAt().plus(aliasTtl).isAfter(now)) {
            return cached.aliases();
        }
        Aliases read;
        try {
            read = registry.aliases(name);
        } catch (RuntimeException e) {
            if (cached != null) { // serve the last known aliases, and try the registry again after another TTL
                events.registryUnavailable(name, String.valueOf(e), true);
                synchronized (aliases) {
                    aliases.put(name, new AliasEntry(cached.aliases(), now));
                }
                return cached.aliases();
            }
            events.registryUnavailable(name, String.valueOf(e), false);
            throw unavailable("REGISTRY_UNAVAILABLE", "the model registry cannot be read right now; try again", name, e);
        }
        synchronized (aliases) {
            aliases.put(name, new AliasEntry(read, now));
        }
        return read;
    }

    private static void closeEvicted(Slot slot) {
        var future = slot.future();
        if (future.isDone() && !future.isCompletedExceptionally()) {
            future.join().predictor().close();
        }
    }

    /** An access-ordered map that drops its least recently used entry beyond {@code max}. */
    private static <K, V> Map<K, V> lru(int max, java.util.function.Consumer<V> onEvict) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                if (size() <= max) {
                    return false;
                }
                if (onEvict != null) {
                    onEvict.accept(eldest.getValue());
                }
                return true;
            }
        };
    }

    /** @return versions this cache keeps loaded at most */
    public int maxVersions() {
        return maxVersions;
    }

    @Override
    public void close() {
        loaded().forEach(m -> m.predictor().close());
        synchronized (models) {
            models.clear();
        }
    }
}
