package io.mlserve.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.inference.FeatureBatch;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.Predictor;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.Manifests;
import io.mlserve.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelCacheTest {
    private final byte[] onnx = "graph".getBytes(StandardCharsets.UTF_8);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T00:00:00Z"));
    private final AtomicInteger loads = new AtomicInteger();
    private final ModelLoader loader = (manifest, bytes) -> {
        loads.incrementAndGet();
        return new Predictor() {
            @Override
            public List<Prediction> predict(FeatureBatch batch) {
                return List.of();
            }

            @Override
            public void close() {}
        };
    };

    private InMemoryModelStore storeWith(String version) {
        var m = Manifests.mixed(ManifestChecks.sha256Hex(onnx));
        var manifest = new io.mlserve.core.model.ModelManifest(m.schemaVersion(), m.name(), version, m.task(), null,
                m.features(), m.input(), m.output(), m.metrics(), m.sha256(), m.createdAt(), null, null);
        return new InMemoryModelStore().put(new ModelRef("mixed", version), Json.write(manifest).getBytes(StandardCharsets.UTF_8), onnx);
    }

    @Test
    void get_shouldFetchOnce_whenCalledRepeatedlyAndConcurrently() throws Exception {
        // GIVEN a published model
        var store = storeWith("1");
        var cache = new ModelCache(store, new InMemoryModelRegistry().serving("mixed", "1"), loader, ServingEvents.NONE, clock,
                Duration.ofSeconds(30));

        // WHEN 8 threads ask for it at once, twice each
        try (var pool = Executors.newFixedThreadPool(8)) {
            var futures = new java.util.ArrayList<Future<LoadedModel>>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> cache.get("mixed", null, null)));
            }
            for (var f : futures) {
                assertThat(f.get().ref()).isEqualTo(new ModelRef("mixed", "1"));
            }
        }

        // THEN it was downloaded and loaded exactly once
        assertThat(store.fetches.get()).isEqualTo(1);
        assertThat(loads.get()).isEqualTo(1);
        assertThat(cache.loaded()).hasSize(1);
    }

    @Test
    void get_shouldFollowAliasChange_onlyAfterTtl() {
        var store = storeWith("1");
        var two = storeWith("2");
        store.put(new ModelRef("mixed", "2"), two.fetch(new ModelRef("mixed", "2")).orElseThrow().manifestJson(), onnx);
        var registry = new InMemoryModelRegistry().serving("mixed", "1");
        var cache = new ModelCache(store, registry, loader, ServingEvents.NONE, clock, Duration.ofSeconds(30));
        assertThat(cache.get("mixed", null, null).ref().version()).isEqualTo("1");

        registry.serving("mixed", "2");
        clock.advance(Duration.ofSeconds(10));
        assertThat(cache.get("mixed", null, null).ref().version()).isEqualTo("1");
        assertThat(registry.aliasReads.get()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(21));
        assertThat(cache.get("mixed", null, null).ref().version()).isEqualTo("2");
        assertThat(cache.get("mixed", "1", null).ref().version()).isEqualTo("1");
    }

    @Test
    void get_shouldThrowNotFound_whenModelOrVersionUnknown() {
        var cache = new ModelCache(storeWith("1"), new InMemoryModelRegistry(), loader, ServingEvents.NONE, clock,
                Duration.ofSeconds(30));

        assertThatThrownBy(() -> cache.get("mixed", null, null)).isInstanceOfSatisfying(NotFoundException.class,
                e -> assertThat(e.code()).isEqualTo("MODEL_NOT_FOUND"));
        assertThatThrownBy(() -> cache.get("mixed", "7", null)).isInstanceOfSatisfying(NotFoundException.class,
                e -> assertThat(e.code()).isEqualTo("VERSION_NOT_FOUND"));
    }

    @Test
    void get_shouldRejectAndRememberForTtl_whenBytesDoNotMatchSha() {
        var store = storeWith("1");
        var manifest = store.fetch(new ModelRef("mixed", "1")).orElseThrow().manifestJson();
        store.put(new ModelRef("mixed", "1"), manifest, "tampered".getBytes(StandardCharsets.UTF_8));
        store.fetches.set(0);
        var cache = new ModelCache(store, new InMemoryModelRegistry().serving("mixed", "1"), loader, ServingEvents.NONE, clock,
                Duration.ofSeconds(30));

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> cache.get("mixed", null, null)).isInstanceOf(ModelRejectedException.class)
                    .hasMessageContaining("sha256");
        }
        assertThat(store.fetches.get()).isEqualTo(1);
        assertThat(loads.get()).isZero();

        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> cache.get("mixed", null, null)).isInstanceOf(ModelRejectedException.class);
        assertThat(store.fetches.get()).isEqualTo(2);
    }

    @Test
    void get_shouldRefuseAPinnedVersion_whenItWasNeverRegistered() {
        // GIVEN files uploaded for version 'ghost' but never registered (issue 13, failure 2)
        var store = storeWith("1");
        store.put(new ModelRef("mixed", "ghost"), store.fetch(new ModelRef("mixed", "1")).orElseThrow().manifestJson(), onnx);
        var cache = new ModelCache(store, new InMemoryModelRegistry().serving("mixed", "1"), loader, ServingEvents.NONE, clock,
                Duration.ofSeconds(30));

        // THEN pinning it is a 404, and nothing is loaded
        assertThatThrownBy(() -> cache.get("mixed", "ghost", null)).isInstanceOfSatisfying(NotFoundException.class,
                e -> assertThat(e.code()).isEqualTo("VERSION_NOT_FOUND"));
        assertThat(loads.get()).isZero();
    }

    @Test
    void get_shouldReject_whenBytesDoNotMatchTheSha256RecordedAtRegistration() {
        // GIVEN a registered version whose model and manifest were both replaced (the manifest's own sha256 matches)
        var store = storeWith("1");
        var registry = new InMemoryModelRegistry().serving("mixed", "1", ManifestChecks.sha256Hex("original".getBytes(StandardCharsets.UTF_8)));
        var cache = new ModelCache(store, registry, loader, ServingEvents.NONE, clock, Duration.ofSeconds(30));

        assertThatThrownBy(() -> cache.get("mixed", null, null)).isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("recorded when the version was registered");
        assertThat(loads.get()).isZero();
    }

    @Test
    void load_shouldKeepAtMostMaxVersions_andCloseTheEvicted() {
        // GIVEN a cache of 2 versions and 4 registered versions
        var store = storeWith("1");
        var registry = new InMemoryModelRegistry().serving("mixed", "1");
        for (var v : List.of("2", "3", "4")) {
            store.put(new ModelRef("mixed", v), storeWith(v).fetch(new ModelRef("mixed", v)).orElseThrow().manifestJson(), onnx);
            registry.serving("mixed", v);
        }
        var cache = new ModelCache(store, registry, loader, ServingEvents.NONE, clock, Duration.ofSeconds(30), 2);

        // WHEN all four are pinned in turn
        for (var v : List.of("1", "2", "3", "4")) {
            cache.get("mixed", v, null);
        }

        // THEN only the last two stay loaded
        assertThat(cache.loaded()).extracting(m -> m.ref().version()).containsExactlyInAnyOrder("3", "4");
    }

    @Test
    void get_shouldServeTheLastKnownAliases_whenTheRegistryFails() {
        var store = storeWith("1");
        var registry = new InMemoryModelRegistry().serving("mixed", "1");
        var cache = new ModelCache(store, registry, loader, ServingEvents.NONE, clock, Duration.ofSeconds(5));
        assertThat(cache.get("mixed", null, null).ref().version()).isEqualTo("1");

        registry.failing = true;
        clock.advance(Duration.ofSeconds(6));

        assertThat(cache.get("mixed", null, null).ref().version()).isEqualTo("1");
        assertThatThrownBy(() -> cache.get("other", null, null)).isInstanceOfSatisfying(io.mlserve.core.error.MlServeException.class,
                e -> assertThat(e.code()).isEqualTo("REGISTRY_UNAVAILABLE"));
    }

    /** A registry holding version 1 as production, pinned to the store's current object versions. */
    private static InMemoryModelRegistry pinnedRegistry(InMemoryModelStore store, String sha256) {
        var ref = new ModelRef("mixed", "1");
        var registry = new InMemoryModelRegistry().serving("mixed", "1", sha256);
        var pins = java.util.Map.of("model.onnx", store.currentVersion(ref, "model.onnx"),
                "manifest.json", store.currentVersion(ref, "manifest.json"));
        return registry.put(registry.version("mixed", "1").orElseThrow().withObjectVersions(pins));
    }

    @Test
    void get_shouldServePinnedBytes_whenFilesOverwrittenAndDeletedAfterRegistration() {
        // GIVEN a pinned version whose model.onnx and manifest were then overwritten and plain-deleted
        var store = storeWith("1");
        var registry = pinnedRegistry(store, ManifestChecks.sha256Hex(onnx));
        var ref = new ModelRef("mixed", "1");
        store.putFile(ref, "model.onnx", "swapped".getBytes(StandardCharsets.UTF_8));
        store.delete(ref, "manifest.json");
        var cache = new ModelCache(store, registry, loader, ServingEvents.NONE, clock, Duration.ofSeconds(30));

        // WHEN a container loads it THEN it serves the validated bytes
        assertThat(cache.get("mixed", null, null).ref()).isEqualTo(ref);
        assertThat(loads.get()).isEqualTo(1);
    }

    @Test
    void get_shouldAnswer409VersionUnavailable_whenPinnedObjectVersionPermanentlyDeleted() {
        var store = storeWith("1");
        var registry = pinnedRegistry(store, ManifestChecks.sha256Hex(onnx));
        var ref = new ModelRef("mixed", "1");
        store.deleteVersion(ref, "model.onnx", registry.version("mixed", "1").orElseThrow().objectVersions().get("model.onnx"));
        store.putFile(ref, "model.onnx", onnx); // a later upload of the same path is not the pinned object
        var cache = new ModelCache(store, registry, loader, ServingEvents.NONE, clock, Duration.ofSeconds(30));

        assertThatThrownBy(() -> cache.get("mixed", "1", null))
                .isInstanceOfSatisfying(io.mlserve.core.registry.VersionUnavailableException.class,
                        e -> assertThat(e.kind()).isEqualTo(io.mlserve.core.error.ErrorKind.CONFLICT));
        assertThat(loads.get()).isZero();
    }
}
