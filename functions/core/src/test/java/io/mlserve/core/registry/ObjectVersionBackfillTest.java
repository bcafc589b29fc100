package io.mlserve.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.json.Json;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.ObjectVersionBackfill.Result;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.Manifests;
import io.mlserve.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectVersionBackfillTest {
    private final byte[] onnx = "graph".getBytes(StandardCharsets.UTF_8);
    private final String sha = ManifestChecks.sha256Hex(onnx);
    private final InMemoryModelStore store = new InMemoryModelStore();
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry();
    private final ObjectVersionBackfill backfill = new ObjectVersionBackfill(registry, store,
            new MutableClock(Instant.parse("2026-12-04T10:00:00Z")));

    private byte[] manifest(String version, String sha256) {
        var m = Manifests.mixed(sha256);
        return Json.write(new ModelManifest(1, "mixed", version, m.task(), null, m.features(), m.input(), m.output(), m.metrics(),
                sha256, m.createdAt(), null, null)).getBytes(StandardCharsets.UTF_8);
    }

    /** A version registered before pinning: sha256 recorded, no object versions. */
    private ModelRef legacy(String version) {
        var ref = new ModelRef("mixed", version);
        store.put(ref, manifest(version, sha), onnx);
        registry.put(new RegisteredVersion("mixed", version, VersionStatus.SERVING, "s3://b/models/mixed/" + version + "/", sha,
                "classification", Map.of(), "2026-11-01T00:00:0" + version + "Z", "upload"));
        return ref;
    }

    @Test
    void run_shouldPinTheObjectVersionsHoldingTheRegisteredBytes_evenWhenOverwrittenSince() {
        // GIVEN version 1 untouched, and version 2 whose model.onnx and manifest were overwritten after registration
        var one = legacy("1");
        var two = legacy("2");
        var twoOnnx = store.currentVersion(two, "model.onnx");
        var twoManifest = store.currentVersion(two, "manifest.json");
        var other = "other".getBytes(StandardCharsets.UTF_8);
        store.putFile(two, "model.onnx", other);
        store.putFile(two, "manifest.json", manifest("2", ManifestChecks.sha256Hex(other)));

        // WHEN the backfill runs
        var outcomes = backfill.run(null, false, "cli:test");

        // THEN both are pinned to the checked bytes, with an audit entry, and a second run changes nothing
        assertThat(outcomes).extracting(ObjectVersionBackfill.Outcome::result).containsExactly(Result.PINNED, Result.PINNED);
        assertThat(registry.version("mixed", "1").orElseThrow().objectVersions()).isEqualTo(Map.of(
                "model.onnx", store.currentVersion(one, "model.onnx"), "manifest.json", store.currentVersion(one, "manifest.json")));
        assertThat(registry.version("mixed", "2").orElseThrow().objectVersions())
                .isEqualTo(Map.of("model.onnx", twoOnnx, "manifest.json", twoManifest));
        assertThat(registry.audit("mixed")).extracting(AuditEntry::action)
                .containsExactly(ObjectVersionBackfill.PINNED_ACTION, ObjectVersionBackfill.PINNED_ACTION);
        assertThat(backfill.run("mixed", false, "cli:test")).extracting(ObjectVersionBackfill.Outcome::result)
                .containsExactly(Result.ALREADY_PINNED, Result.ALREADY_PINNED);
    }

    @Test
    void run_shouldPinNothing_whenNoObjectVersionHasTheRegisteredSha256() {
        // GIVEN a version whose checked model.onnx was deleted for good and replaced by other bytes
        var ref = legacy("1");
        store.deleteVersion(ref, "model.onnx", store.currentVersion(ref, "model.onnx"));
        store.putFile(ref, "model.onnx", "swapped".getBytes(StandardCharsets.UTF_8));

        var outcome = backfill.run("mixed", false, "cli:test").getFirst();

        assertThat(outcome.result()).isEqualTo(Result.NOT_FOUND);
        assertThat(outcome.reason()).contains(sha);
        assertThat(registry.version("mixed", "1").orElseThrow().objectVersions()).isNull();
    }

    @Test
    void run_shouldRecordNothing_whenDryRun() {
        legacy("1");

        var outcome = backfill.run("mixed", true, "cli:test").getFirst();

        assertThat(outcome.result()).isEqualTo(Result.PINNED);
        assertThat(outcome.objectVersions()).containsOnlyKeys("model.onnx", "manifest.json");
        assertThat(registry.version("mixed", "1").orElseThrow().objectVersions()).isNull();
        assertThat(registry.audit("mixed")).isEmpty();
    }
}
