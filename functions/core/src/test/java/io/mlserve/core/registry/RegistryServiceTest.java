package io.mlserve.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.inference.FeatureBatch;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.Predictor;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.Manifests;
import io.mlserve.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryServiceTest {
    private final byte[] onnx = "graph".getBytes(StandardCharsets.UTF_8);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final InMemoryModelStore store = new InMemoryModelStore();
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry();
    private boolean loaderRejects;
    private final ModelLoader loader = (manifest, bytes) -> {
        if (loaderRejects) {
            throw new ModelRejectedException(manifest.name(), manifest.version(), List.of("ONNX input 'x' does not exist in the graph"));
        }
        return new Predictor() {
            @Override
            public List<Prediction> predict(FeatureBatch batch) {
                return List.of();
            }

            @Override
            public void close() {}
        };
    };
    private final RegistryService service = new RegistryService(registry, store, loader, "models-bucket", clock);

    private void upload(String version, byte[] bytes) {
        var m = Manifests.mixed(ManifestChecks.sha256Hex(onnx));
        var manifest = new ModelManifest(1, "mixed", version, m.task(), null, m.features(), m.input(), m.output(), m.metrics(),
                m.sha256(), m.createdAt(), null, null);
        store.put(new ModelRef("mixed", version), Json.write(manifest).getBytes(StandardCharsets.UTF_8), bytes);
    }

    private RegisteredVersion register(String version) {
        upload(version, onnx);
        clock.advance(Duration.ofSeconds(1));
        return service.register("mixed", "s3://models-bucket/models/mixed/" + version + "/", "test-key");
    }

    @Test
    void register_shouldRecordCandidateWithAudit_whenPackageValid() {
        var registered = register("1");

        assertThat(registered.status()).isEqualTo(VersionStatus.CANDIDATE);
        assertThat(registered.location()).isEqualTo("s3://models-bucket/models/mixed/1/");
        assertThat(registered.sha256()).isEqualTo(ManifestChecks.sha256Hex(onnx));
        assertThat(service.audit("mixed")).extracting(AuditEntry::action).containsExactly("REGISTERED");
    }

    @Test
    void register_shouldRecordTheLogShardCount_whenGivenOrByDefault() {
        var byDefault = register("1");
        upload("2", onnx);
        var given = service.register("mixed", "s3://models-bucket/models/mixed/2/", 16, "k", (ref, manifest, bytes) -> {});
        upload("3", onnx);
        var stackDefault = new RegistryService(registry, store, loader, "models-bucket", clock, 8)
                .register("mixed", "s3://models-bucket/models/mixed/3/", "k");

        assertThat(byDefault.logShards()).isEqualTo(RegistryService.DEFAULT_LOG_SHARDS);
        assertThat(given.logShards()).isEqualTo(16);
        assertThat(stackDefault.logShards()).isEqualTo(8);
        assertThat(registry.version("mixed", "2")).get().extracting(RegisteredVersion::logShardCount).isEqualTo(16);
    }

    @Test
    void register_shouldRefuseWith422AndRegisterNothing_whenLogShardsOutOfRange() {
        upload("1", onnx);
        for (int shards : new int[] {0, -1, 65}) {
            assertThatThrownBy(() -> service.register("mixed", "s3://models-bucket/models/mixed/1/", shards, "k", (r, m, b) -> {}))
                    .isInstanceOfSatisfying(MlServeException.class, e -> {
                        assertThat(e.kind()).isEqualTo(io.mlserve.core.error.ErrorKind.UNPROCESSABLE);
                        assertThat(e.code()).isEqualTo(RegistryService.INVALID_LOG_SHARDS);
                    });
        }
        assertThat(registry.versions("mixed")).isEmpty();
    }

    @Test
    void register_shouldConflict_whenVersionExists() {
        register("1");

        assertThatThrownBy(() -> register("1")).isInstanceOfSatisfying(MlServeException.class, e -> assertThat(e.kind()).isEqualTo(io.mlserve.core.error.ErrorKind.CONFLICT));
    }

    @Test
    void register_shouldRefuseWith422AndRegisterNothing_whenPackageCorruptOrMismatched() {
        upload("2", "tampered".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> service.register("mixed", "s3://models-bucket/models/mixed/2/", "k"))
                .isInstanceOfSatisfying(MlServeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(io.mlserve.core.error.ErrorKind.UNPROCESSABLE);
                    assertThat(e.getMessage()).contains("sha256");
                });

        upload("3", onnx);
        loaderRejects = true;
        assertThatThrownBy(() -> service.register("mixed", "s3://models-bucket/models/mixed/3/", "k"))
                .isInstanceOfSatisfying(MlServeException.class, e -> assertThat(e.getMessage()).contains("ONNX input 'x'"));

        assertThatThrownBy(() -> service.register("mixed", "s3://models-bucket/models/mixed/4/", "k"))
                .isInstanceOfSatisfying(MlServeException.class, e -> assertThat(e.kind()).isEqualTo(io.mlserve.core.error.ErrorKind.UNPROCESSABLE));
        assertThat(registry.versions("mixed")).isEmpty();
    }

    @Test
    void register_shouldReject400_whenLocationOutsideTheModelsFolder() {
        for (var location : List.of("s3://other-bucket/models/mixed/1/", "s3://models-bucket/models/other/1/", "https://x/y", "")) {
            assertThatThrownBy(() -> service.register("mixed", location, "k"))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_LOCATION"));
        }
    }

    @Test
    void rollout_shouldMoveAliasesAndStatuses_andAuditEveryStep() {
        // GIVEN two registered versions, v1 in production
        register("1");
        register("2");
        service.setProduction("mixed", "1", "alice");

        // WHEN v2 goes canary at 50%, then is promoted, then production rolls back to v1
        var canary = service.setCanary("mixed", "2", 50, null, "alice");
        assertThat(canary.production()).isEqualTo("1");
        assertThat(canary.canary()).isEqualTo("2");
        assertThat(canary.guard()).isEqualTo(CanaryGuard.DEFAULT);

        var promoted = service.setProduction("mixed", "2", "alice");
        assertThat(promoted.production()).isEqualTo("2");
        assertThat(promoted.canary()).isNull();
        assertThat(registry.version("mixed", "1").orElseThrow().status()).isEqualTo(VersionStatus.ARCHIVED);

        var rolledBack = service.setProduction("mixed", "1", "bob");

        // THEN v1 serves alone again, and the audit trail tells the story
        assertThat(rolledBack.production()).isEqualTo("1");
        assertThat(registry.version("mixed", "1").orElseThrow().status()).isEqualTo(VersionStatus.SERVING);
        assertThat(registry.version("mixed", "2").orElseThrow().status()).isEqualTo(VersionStatus.ARCHIVED);
        assertThat(service.audit("mixed")).extracting(AuditEntry::action, AuditEntry::version, AuditEntry::previous)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("REGISTERED", "1", null),
                        org.assertj.core.groups.Tuple.tuple("REGISTERED", "2", null),
                        org.assertj.core.groups.Tuple.tuple("PRODUCTION_SET", "1", null),
                        org.assertj.core.groups.Tuple.tuple("CANARY_SET", "2", null),
                        org.assertj.core.groups.Tuple.tuple("PRODUCTION_SET", "2", "1"),
                        org.assertj.core.groups.Tuple.tuple("PRODUCTION_SET", "1", "2"));
    }

    @Test
    void aliasChanges_shouldBeRejectedAndLeaveRegistryUnchanged_whenInputBad() {
        register("1");
        service.setProduction("mixed", "1", "a");
        var before = registry.aliases("mixed");

        assertThatThrownBy(() -> service.setProduction("mixed", "9", "a")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.setCanary("mixed", "1", 10, null, "a"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("CANARY_IS_PRODUCTION"));
        for (var weight : new Integer[] {-1, 101, null}) {
            assertThatThrownBy(() -> service.setCanary("mixed", "1", weight, null, "a"))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_WEIGHT"));
        }
        assertThat(registry.aliases("mixed")).isEqualTo(before);
    }

    @Test
    void rollBackCanary_shouldConflict_whenAliasesChangedSinceTheDecision() {
        register("1");
        register("2");
        service.setProduction("mixed", "1", "a");
        var seen = service.setCanary("mixed", "2", 30, null, "a");
        service.setCanary("mixed", "2", 60, null, "b"); // someone else moved it meanwhile

        assertThatThrownBy(() -> service.rollBackCanary("mixed", seen, "canary-guard", "p95 900 ms"))
                .isInstanceOfSatisfying(MlServeException.class, e -> assertThat(e.kind()).isEqualTo(io.mlserve.core.error.ErrorKind.CONFLICT));
        assertThat(registry.aliases("mixed").canaryWeight()).isEqualTo(60);
    }
}
