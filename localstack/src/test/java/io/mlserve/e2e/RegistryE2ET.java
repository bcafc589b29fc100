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

    @Test
    @Order(8)
    void predictionLog_shouldPageThroughEveryRowWithFilters() throws Exception {
        // GIVEN 200 more rows for v1, sent after a known instant
        var marker = java.time.Instant.now().minusMillis(5);
        var rows = new java.util.StringJoiner(",", "{\"instances\": [", "]}");
        for (int i = 0; i < 100; i++) {
            rows.add("{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": " + (0.1 + i / 1000.0) + "}");
        }
        for (int i = 0; i < 2; i++) {
            assertThat(emulator.post("models/" + name + "/predict?version=1", rows.toString(), "bulk").status()).isEqualTo(200);
        }
        long storedV1;
        try (var dynamo = emulator.dynamoDb()) {
            storedV1 = LogItems.ofVersion(dynamo, emulator.output("PredictionsTableName"), name, "1").size();
        }

        // WHEN the log API is paged 50 rows at a time for v1
        var seen = new HashSet<String>();
        String cursor = null;
        java.time.Instant previous = null;
        int pages = 0;
        do {
            var response = emulator.get("predictions?model=" + name + "&version=1&limit=50"
                    + (cursor == null ? "" : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            for (var item : response.json().path("items")) {
                assertThat(item.path("version").asText()).isEqualTo("1");
                assertThat(seen.add(item.path("requestId").asText() + "/" + item.path("row").asInt())).isTrue();
                var at = java.time.Instant.parse(item.path("timestamp").asText());
                if (previous != null) {
                    assertThat(at).as("newest first").isBeforeOrEqualTo(previous);
                }
                previous = at;
            }
            cursor = response.json().path("nextCursor").asText(null);
            pages++;
        } while (cursor != null && pages < 50);

        // THEN every stored v1 row came back exactly once
        assertThat(storedV1).isGreaterThanOrEqualTo(200);
        assertThat(seen).hasSize((int) storedV1);
        assertThat(pages).isGreaterThanOrEqualTo(5);

        // AND a time filter keeps only the rows after the marker
        var recent = emulator.get("predictions?model=" + name + "&version=1&limit=500&from=" + marker);
        assertThat(recent.json().path("count").asInt()).isEqualTo(200);

        // AND stats agree with the log
        var stats = emulator.get("models/" + name + "/stats?version=1").json();
        assertThat(stats.path("count").asLong()).isEqualTo(storedV1);
        assertThat(stats.path("errorCount").asInt()).isZero();
        assertThat(stats.path("latencyMs").path("p95").isNumber()).isTrue();
        long perClass = 0;
        for (var count : stats.path("classes")) {
            perClass += count.asLong();
        }
        assertThat(perClass).isEqualTo(storedV1);

        // AND bad parameters are 400s
        assertThat(emulator.get("predictions?model=" + name + "&cursor=not-a-cursor").json().path("error").path("code").asText())
                .isEqualTo("INVALID_CURSOR");
        assertThat(emulator.get("predictions?model=" + name + "&from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z").json()
                .path("error").path("code").asText()).isEqualTo("INVALID_TIME_RANGE");
        assertThat(emulator.get("predictions").status()).isEqualTo(400);
    }

    @Test
    @Order(9)
    void canaryGuard_shouldRollBackABreachingCanary_andPublishCanaryRolledBack() throws Exception {
        // GIVEN a queue that receives the registry's CanaryRolledBack events
        try (var sqs = emulator.sqs(); var events = emulator.eventBridge()) {
            var queueUrl = sqs.createQueue(b -> b.queueName("mlserve-e2e-" + name)).queueUrl();
            var queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                    .attributeNames(software.amazon.awssdk.services.sqs.model.QueueAttributeName.QUEUE_ARN))
                    .attributes().get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.QUEUE_ARN);
            events.putRule(b -> b.name("mlserve-e2e-" + name)
                    .eventPattern("{\"source\": [\"mlserve.registry\"], \"detail-type\": [\"CanaryRolledBack\"]}"));
            events.putTargets(b -> b.rule("mlserve-e2e-" + name)
                    .targets(software.amazon.awssdk.services.eventbridge.model.Target.builder().id("queue").arn(queueArn).build()));

            // AND a canary whose latency limit any real request breaks
            var response = alias("canary", "{\"version\": \"2\", \"weight\": 100, "
                    + "\"guard\": {\"maxP95LatencyMs\": 0, \"minRequests\": 1, \"windowMinutes\": 5}}");
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json().path("canaryWeight").asInt()).isEqualTo(100);

            // WHEN the scheduled guard runs (EventBridge, every minute) while traffic flows. It may
            // judge v2 on this traffic or on v2's requests from the steps before: both break the limit.
            JsonNode model = null;
            long deadline = System.currentTimeMillis() + 150_000;
            while (System.currentTimeMillis() < deadline) {
                assertThat(emulator.post("models/" + name + "/predict", request, "guarded").status()).isEqualTo(200);
                model = emulator.get("models/" + name).json();
                if (model.path("canaryWeight").asInt() == 0) {
                    break;
                }
                Thread.sleep(3_000);
            }

            // THEN the canary takes no traffic, the audit says why, and the event went out
            assertThat(model.path("canaryWeight").asInt()).as("canary weight after the guard ran").isZero();
            assertThat(model.path("production").asText()).isEqualTo("1");
            var last = emulator.get("models/" + name + "/audit").json().path("entries");
            var rollback = last.get(last.size() - 1);
            assertThat(rollback.path("action").asText()).isEqualTo("CANARY_ROLLED_BACK");
            assertThat(rollback.path("actor").asText()).isEqualTo("canary-guard");
            assertThat(rollback.path("reason").asText()).contains("p95 latency");
            String event = null;
            for (int i = 0; i < 10 && event == null; i++) {
                for (var message : sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(2).maxNumberOfMessages(10)).messages()) {
                    if (message.body().contains(name)) {
                        event = message.body();
                    }
                }
            }
            assertThat(event).as("CanaryRolledBack event on the bus").isNotNull().contains("CanaryRolledBack");
            waitForAliasPropagation();
            assertThat(versionsAnswering(5).keySet()).containsExactly("1");
        }
    }
}
