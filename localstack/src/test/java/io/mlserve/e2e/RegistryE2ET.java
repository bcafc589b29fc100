package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Safe rollout on the emulator: register v2 → validated → canary 50% → both versions answer →
 * promote → only v2 answers → roll back → only v1 answers, with the audit trail showing each step;
 * a corrupt upload is refused while v1 keeps serving. Steps share one model, so they run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryE2ET {
    private static final Path IRIS = Path.of("..", "models", "iris");
    /** Warm predict containers re-read aliases every MODEL_ALIAS_TTL_SECONDS (5 s in the stack). */
    private static final long ALIAS_PROPAGATION_MS = 6_000;

    private Emulator emulator;
    private String name;
    private String request;

    @BeforeAll
    void setUp() throws Exception {
        emulator = Emulator.fromOutputs();
        name = "rollout-" + Long.toString(System.currentTimeMillis(), 36); // the emulator may be reused between runs
        request = Files.readString(IRIS.resolve("sample-request.json"));
    }

    private Emulator.Response alias(String alias, String body) {
        return emulator.put("models/" + name + "/aliases/" + alias, body);
    }

    /** Which versions answered {@code calls} requests, each from its own caller key. */
    private Map<String, Integer> versionsAnswering(int calls) {
        var seen = new HashMap<String, Integer>();
        for (int i = 0; i < calls; i++) {
            var response = emulator.post("models/" + name + "/predict", request, "caller-" + i);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            seen.merge(response.json().path("version").asText(), 1, Integer::sum);
        }
        return seen;
    }

    private static void waitForAliasPropagation() throws InterruptedException {
        Thread.sleep(ALIAS_PROPAGATION_MS);
    }

    @Test
    @Order(1)
    void register_shouldValidateAndRecordCandidates() throws Exception {
        var v1 = emulator.uploadAndRegister(IRIS, name, "1", null);
        assertThat(v1.status()).as(v1.body()).isEqualTo(201);
        assertThat(v1.json().path("status").asText()).isEqualTo("candidate");
        assertThat(alias("production", "{\"version\": \"1\"}").status()).isEqualTo(200);

        var v2 = emulator.uploadAndRegister(IRIS, name, "2", null);
        assertThat(v2.status()).as(v2.body()).isEqualTo(201);
        assertThat(v2.json().path("version").asText()).isEqualTo("2");
        assertThat(v2.json().path("sha256").asText()).hasSize(64);

        var again = emulator.uploadAndRegister(IRIS, name, "2", null);
        assertThat(again.status()).isEqualTo(409);

        var versions = emulator.get("models/" + name + "/versions").json().path("versions");
        assertThat(StreamSupport.stream(versions.spliterator(), false).map(v -> v.path("version").asText() + ":" + v.path("status").asText()))
                .containsExactly("1:serving", "2:candidate");
        var listed = emulator.get("models").json().path("models");
        assertThat(StreamSupport.stream(listed.spliterator(), false).filter(m -> m.path("name").asText().equals(name))
                .map(m -> m.path("production").asText())).containsExactly("1");
    }

    @Test
    @Order(2)
    void canary_shouldSplitTrafficStickyPerCaller() throws Exception {
        var response = alias("canary", "{\"version\": \"2\", \"weight\": 50}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("canaryWeight").asInt()).isEqualTo(50);
        waitForAliasPropagation();

        var seen = versionsAnswering(40);

        assertThat(seen.keySet()).containsExactlyInAnyOrder("1", "2");
        assertThat(seen.get("2")).isBetween(8, 32);
        // the same caller key always lands on the same version
        var first = emulator.post("models/" + name + "/predict", request, "sticky-caller").json().path("version").asText();
        for (int i = 0; i < 5; i++) {
            assertThat(emulator.post("models/" + name + "/predict", request, "sticky-caller").json().path("version").asText())
                    .isEqualTo(first);
        }
        // ?version= pins a version whatever the split says
        assertThat(emulator.post("models/" + name + "/predict?version=1", request, "caller-x").json().path("version").asText())
                .isEqualTo("1");
    }

    @Test
    @Order(3)
    void promote_shouldServeOnlyV2() throws Exception {
        var response = alias("production", "{\"version\": \"2\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("canary").isNull() || response.json().path("canary").isMissingNode()).isTrue();
        waitForAliasPropagation();

        assertThat(versionsAnswering(15).keySet()).containsExactly("2");
    }

    @Test
    @Order(4)
    void rollback_shouldServeOnlyV1_inOneCall() throws Exception {
        assertThat(alias("production", "{\"version\": \"1\"}").status()).isEqualTo(200);
        waitForAliasPropagation();

        assertThat(versionsAnswering(15).keySet()).containsExactly("1");
    }

    @Test
    @Order(5)
    void corruptUpload_shouldBeRefused_whileV1KeepsServing() throws Exception {
        var bytes = Files.readAllBytes(IRIS.resolve("model.onnx"));
        var corrupt = java.util.Arrays.copyOf(bytes, bytes.length / 2); // truncated upload

        var response = emulator.uploadAndRegister(IRIS, name, "3", corrupt);

        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.json().path("error").path("code").asText()).isEqualTo("VALIDATION_FAILED");
        assertThat(response.json().path("error").path("message").asText()).contains("sha256");
        assertThat(alias("production", "{\"version\": \"3\"}").status()).isEqualTo(404);
        assertThat(versionsAnswering(5).keySet()).containsExactly("1");
    }

    @Test
    @Order(6)
    void badAliasChanges_shouldGet4xx_andLeaveTheRegistryAsItWas() {
        var before = emulator.get("models/" + name).json();

        assertThat(alias("production", "{\"version\": \"9\"}").status()).isEqualTo(404);
        assertThat(alias("canary", "{\"version\": \"2\", \"weight\": 150}").json().path("error").path("code").asText())
                .isEqualTo("INVALID_WEIGHT");
        assertThat(alias("canary", "{\"version\": \"2\", \"weight\": -1}").status()).isEqualTo(400);
        assertThat(alias("canary", "{\"version\": \"2\"").json().path("error").path("code").asText()).isEqualTo("MALFORMED_JSON");
        assertThat(alias("staging", "{\"version\": \"2\"}").status()).isEqualTo(400);

        var after = emulator.get("models/" + name).json();
        assertThat(after.path("production")).isEqualTo(before.path("production"));
        assertThat(after.path("canary")).isEqualTo(before.path("canary"));
        assertThat(after.path("canaryWeight")).isEqualTo(before.path("canaryWeight"));
    }

    @Test
    @Order(7)
    void audit_shouldShowEveryStep() {
        JsonNode entries = emulator.get("models/" + name + "/audit").json().path("entries");

        List<String> steps = StreamSupport.stream(entries.spliterator(), false)
                .map(e -> e.path("action").asText() + ":" + e.path("version").asText()).toList();
        assertThat(steps).containsExactly(
                "REGISTERED:1", "PRODUCTION_SET:1", "REGISTERED:2", "CANARY_SET:2", "PRODUCTION_SET:2", "PRODUCTION_SET:1");
        Set<String> actors = new HashSet<>();
        entries.forEach(e -> actors.add(e.path("actor").asText()));
        assertThat(actors).doesNotContain("", "null");
    }
}
