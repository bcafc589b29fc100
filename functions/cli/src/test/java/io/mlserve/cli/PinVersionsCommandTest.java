package io.mlserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.ObjectVersionBackfill;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.registry.VersionStatus;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code pin-versions} over in-memory stores: one JSON line per version, exit 2 while any version stays unpinned. */
class PinVersionsCommandTest {
    private final InMemoryModelStore store = new InMemoryModelStore();
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry();

    private int run(StringWriter out, String... args) {
        var command = new PinVersionsCommand((table, bucket) -> new ObjectVersionBackfill(registry, store,
                new MutableClock(Instant.parse("2026-12-04T10:00:00Z"))));
        return new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter())).execute(args);
    }

    @Test
    void pinVersions_shouldExit2AndNameTheVersion_whenItsBytesAreGone() throws Exception {
        // GIVEN a legacy version whose manifest names a sha256 no stored model.onnx has
        var ref = new ModelRef("m", "1");
        store.put(ref, "{\"sha256\":\"00\"}".getBytes(StandardCharsets.UTF_8), "graph".getBytes(StandardCharsets.UTF_8));
        registry.put(new RegisteredVersion("m", "1", VersionStatus.CANDIDATE, "s3://b/models/m/1/", "ab".repeat(32),
                "classification", Map.of(), "2026-11-01T00:00:00Z", "upload"));

        var out = new StringWriter();
        int exit = run(out, "--registry-table", "t", "--models-bucket", "b");

        assertThat(exit).isEqualTo(2);
        var line = Json.MAPPER.readTree(out.toString().strip());
        assertThat(line.get("model").asText()).isEqualTo("m");
        assertThat(line.get("result").asText()).isEqualTo("NOT_FOUND");
        assertThat(registry.version("m", "1").orElseThrow().objectVersions()).isNull();
    }

    @Test
    void pinVersions_shouldExit0_whenEveryVersionIsAlreadyPinned() {
        registry.put(new RegisteredVersion("m", "1", VersionStatus.CANDIDATE, "s3://b/models/m/1/", "ab".repeat(32),
                "classification", Map.of(), "2026-11-01T00:00:00Z", "upload", Map.of("model.onnx", "a", "manifest.json", "b"), null));

        var out = new StringWriter();
        assertThat(run(out, "--registry-table", "t", "--models-bucket", "b", "--model", "m")).isZero();
        assertThat(out.toString()).contains("ALREADY_PINNED");
    }
}
