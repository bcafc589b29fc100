package io.mlserve.function.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.feedback.FeedbackFileJob;
import io.mlserve.core.feedback.FeedbackService;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import io.mlserve.core.store.PredictionId;
import io.mlserve.core.testing.InMemoryBlobStore;
import io.mlserve.core.testing.InMemoryFeedbackStore;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.Manifests;
import io.mlserve.http.HttpEdge;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The feedback function's two payloads — API events through the edge, file uploads — over in-memory ports. */
class FeedbackHandlerTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final ModelRef CHURN = new ModelRef("churn", "1");
    private final InMemoryFeedbackStore store = new InMemoryFeedbackStore();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final FeedbackHandler handler;

    FeedbackHandlerTest() {
        var m = Manifests.mixed("0".repeat(64));
        var manifest = new ModelManifest(1, "churn", "1", Task.CLASSIFICATION, null, m.features(), m.input(),
                new OutputSpec(List.of("no", "yes"), "probabilities", null, null, null), null, null, null, null, null);
        var clock = Clock.fixed(NOW, ZoneOffset.UTC);
        var service = new FeedbackService(store, ref -> ref.equals(CHURN) ? Optional.of(manifest) : Optional.empty(), Duration.ofDays(30),
                clock);
        handler = new FeedbackHandler(new FeedbackApi(service).routes(HttpEdge.builder(1 << 20)).build(),
                new FeedbackFileJob(service, blobs, jobs, clock, 1 << 20));
    }

    static Map<String, Object> event(String path, String role, String body) {
        var event = new LinkedHashMap<String, Object>();
        event.put("httpMethod", "POST");
        event.put("path", path);
        event.put("resource", "/models/{name}/feedback");
        event.put("headers", Map.of("Content-Type", "application/json", "x-api-key", "k"));
        event.put("multiValueHeaders", Map.of());
        event.put("queryStringParameters", null);
        event.put("pathParameters", Map.of("name", path.split("/")[2]));
        event.put("requestContext", Map.of("resourcePath", "/models/{name}/feedback", "stage", "prod", "requestId", "r-1",
                "authorizer", Map.of("role", role, "keyName", "app", "principalId", "app")));
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return event;
    }

    @Test
    void api_shouldAnswer200WithPerItemResults_evenWhenEveryItemIsRejected() {
        var id = new PredictionId(CHURN, 0, NOW.minusSeconds(30), "req", 0);
        store.logged(id);

        var good = handler.handle(event("/models/churn/feedback", "predict",
                "{\"items\": [{\"predictionId\": \"" + id.encode() + "\", \"actual\": \"yes\"}, {\"predictionId\": \"x\", \"actual\": \"no\"}]}"),
                "r-1");
        var allBad = handler.handle(event("/models/churn/feedback", "predict", "{\"items\": [{\"actual\": \"no\"}]}"), "r-2");
        var malformed = handler.handle(event("/models/churn/feedback", "predict", "{\"items\": 3}"), "r-3");
        var notJson = handler.handle(event("/models/churn/feedback", "predict", "{"), "r-4");

        assertThat(good.get("statusCode")).isEqualTo(200);
        var body = Json.parseRequest((String) good.get("body"));
        assertThat(body.get("accepted").asInt()).isEqualTo(1);
        assertThat(body.get("results").get(0).get("status").asText()).isEqualTo("accepted");
        assertThat(body.get("results").get(0).has("duplicate")).isFalse();
        assertThat(body.get("results").get(1).get("problem").get("code").asText()).isEqualTo("UNKNOWN_PREDICTION");
        assertThat(allBad.get("statusCode")).isEqualTo(200);
        assertThat(malformed.get("statusCode")).isEqualTo(400);
        assertThat((String) malformed.get("body")).contains("INVALID_BODY");
        assertThat(notJson.get("statusCode")).isEqualTo(400);
    }

    @Test
    void fileEvent_shouldRunTheJob() {
        var id = new PredictionId(CHURN, 0, NOW.minusSeconds(30), "req", 0);
        store.logged(id);
        blobs.putText("data", "feedback/churn/a.csv", "predictionId,actual\n" + id.encode() + ",no\n");

        var out = handler.handle(Map.of("step", "file", "bucket", "data", "key", "feedback/churn/a.csv", "etag", "e"), "r");

        assertThat(out).containsEntry("status", "SUCCEEDED").containsEntry("rowsRead", 1L).containsEntry("rowsRejected", 0L);
        assertThat(jobs.find((String) out.get("jobId"))).isPresent();
        assertThatThrownBy(() -> handler.handle(Map.of("step", "other"), "r")).isInstanceOf(IllegalArgumentException.class);
    }
}
