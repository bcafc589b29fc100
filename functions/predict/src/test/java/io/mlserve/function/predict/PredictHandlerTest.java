package io.mlserve.function.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.core.inference.FeatureBatch;
import io.mlserve.core.inference.InstanceParser;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.Predictor;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.serving.ModelCache;
import io.mlserve.core.serving.PredictionService;
import io.mlserve.core.serving.ServingEvents;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.InMemoryPredictionLog;
import io.mlserve.core.testing.Manifests;
import io.mlserve.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import io.mlserve.http.EmfMetrics;
import java.io.OutputStream;

/** Routing and the error contract, with a stand-in predictor (the ONNX path is tested in mlserve-onnx). */
class PredictHandlerTest {
    private static final String ROW = "{\"amount\": 12.5, \"ratio\": 0.25, \"count\": 3, \"plan\": \"pro\"}";

    private final byte[] onnx = "graph".getBytes(StandardCharsets.UTF_8);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final InMemoryPredictionLog log = new InMemoryPredictionLog();
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry().serving("mixed", "1");
    private volatile boolean predictorExplodes;
    private final List<String> lostLogs = new ArrayList<>();

    private final ModelLoader loader = (manifest, bytes) -> new Predictor() {
        @Override
        public List<Prediction> predict(FeatureBatch batch) {
            if (predictorExplodes) {
                throw new IllegalStateException("native crash with secret internals");
            }
            var out = new ArrayList<Prediction>();
            for (int i = 0; i < batch.rows(); i++) {
                var yes = batch.doubles(0)[i] > 50 ? 0.8 : 0.1;
                out.add(new Prediction.Classification(yes > 0.5 ? "yes" : "no", Map.of("no", 1 - yes, "yes", yes)));
            }
            return out;
        }

        @Override
        public void close() {}
    };

    private final PredictHandler handler = handler();

    private PredictHandler handler() {
        var manifest = Manifests.mixed(ManifestChecks.sha256Hex(onnx));
        var store = new InMemoryModelStore()
                .put(new ModelRef("mixed", "1"), Json.write(manifest).getBytes(StandardCharsets.UTF_8), onnx);
        var events = new ServingEvents() {
            @Override
            public void predictionLogIncomplete(ModelRef model, String requestId, int failedRows, String reason) {
                lostLogs.add(requestId + ":" + failedRows);
            }

            @Override
            public void predicted(ModelRef model, int rows, double inferenceMs) {}

            @Override
            public void modelLoaded(ModelRef model, double loadMs) {}
        };
        var config = FunctionConfig.fromEnv(Map.of(
                "MODELS_BUCKET", "b", "PREDICTIONS_TABLE", "t", "REGISTRY_TABLE", "r", "MAX_INSTANCES_PER_REQUEST", "5",
                "MAX_REQUEST_BYTES", "2000"));
        var cache = new ModelCache(store, registry, loader, events, clock, Duration.ofSeconds(30));
        // four log shards: the answered ids must name the shard the writer uses
        var service = new PredictionService(cache, new InstanceParser(config.maxInstancesPerRequest()), log, events, clock, v -> 4);
        var metrics = new EmfMetrics("mlserve-test", Map.of(), OutputStream.nullOutputStream());
        return new PredictHandler(new Wiring(config, service, metrics, clock));
    }

    private APIGatewayProxyResponseEvent call(String method, String path, String body) {
        var event = new APIGatewayProxyRequestEvent().withRequestContext(FakeContext.authorized("predict")).withHttpMethod(method).withPath(path).withBody(body);
        return handler.handleRequest(event, new FakeContext("req-" + System.nanoTime()));
    }

    private static JsonNode json(APIGatewayProxyResponseEvent response) {
        return Json.parseRequest(response.getBody());
    }

    @Test
    void predict_shouldAnswerAndLogEveryRow_whenInstancesValid() {
        var response = call("POST", "/models/mixed/predict",
                "{\"instances\": [" + ROW + ", " + ROW.replace("12.5", "75") + "]}");

        assertThat(response.getStatusCode()).isEqualTo(200);
        var body = json(response);
        assertThat(body.get("model").asText()).isEqualTo("mixed");
        assertThat(body.get("version").asText()).isEqualTo("1");
        assertThat(body.get("predictions")).hasSize(2);
        assertThat(body.at("/predictions/0/label").asText()).isEqualTo("no");
        assertThat(body.at("/predictions/1/label").asText()).isEqualTo("yes");
        assertThat(body.at("/predictions/1/probabilities/yes").asDouble()).isEqualTo(0.8);
        assertThat(log.records).hasSize(2);
        assertThat(log.records.get(1).row()).isEqualTo(1);
        assertThat(log.records.get(1).inputs()).containsEntry("amount", 75.0);
        assertThat(log.records.get(1).output()).containsEntry("label", "yes");
        assertThat(log.records.get(0).requestId()).isEqualTo(body.get("requestId").asText());
        assertThat(log.records.get(0).source()).isEqualTo("api");
        for (int i = 0; i < 2; i++) {
            assertThat(io.mlserve.core.store.PredictionId.decode(body.at("/predictions/" + i + "/predictionId").asText()))
                    .contains(io.mlserve.core.store.PredictionId.of(log.records.get(i), 4));
        }
        assertThat(body.at("/predictions/0/predictionId").asText()).isNotEqualTo(body.at("/predictions/1/predictionId").asText());
    }

    @Test
    void predict_shouldAnswer409AndLogAFailure_whenThePinnedObjectVersionsAreGone() {
        // GIVEN version 1 pinned to object versions the store no longer holds (deleted for good)
        registry.put(registry.version("mixed", "1").orElseThrow()
                .withObjectVersions(Map.of("model.onnx", "deleted", "manifest.json", "deleted")));

        var response = call("POST", "/models/mixed/predict", "{\"instances\": [" + ROW + "]}");

        // THEN 409 in the error contract, and a failed request the canary guard and the stats count
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(409);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("VERSION_UNAVAILABLE");
        assertThat(log.records).singleElement().satisfies(r -> assertThat(r.error()).isEqualTo("VERSION_UNAVAILABLE"));
    }

    @Test
    void predict_shouldStillAnswer_whenPredictionLogFails() {
        log.failing = true;

        var response = call("POST", "/models/mixed/predict", "{\"instances\": [" + ROW + "]}");

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(lostLogs).singleElement().asString().endsWith(":1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed json    | POST | /models/mixed/predict | {\"instances\": [          | 400 | MALFORMED_JSON",
        "empty body        | POST | /models/mixed/predict |                           | 400 | MALFORMED_JSON",
        "empty instances   | POST | /models/mixed/predict | {\"instances\": []}       | 400 | EMPTY_INSTANCES",
        "too many          | POST | /models/mixed/predict | {\"instances\": [{},{},{},{},{},{}]} | 400 | TOO_MANY_INSTANCES",
        "bad instance      | POST | /models/mixed/predict | {\"instances\": [{\"amount\": NaN}]} | 400 | INVALID_INSTANCES",
        "unknown model     | POST | /models/nope/predict  | {\"instances\": [{}]}     | 404 | MODEL_NOT_FOUND",
        "invalid name      | POST | /models/NOPE!/predict | {\"instances\": [{}]}     | 400 | INVALID_MODEL_NAME",
        "unknown route     | GET  | /nothing              |                           | 404 | ROUTE_NOT_FOUND",
        "wrong method      | GET  | /models/mixed/predict |                           | 405 | METHOD_NOT_ALLOWED",
        "registry route    | GET  | /models/mixed         |                           | 404 | ROUTE_NOT_FOUND",
    })
    void handle_shouldAnswerJsonError_whenRequestBad(String caseName, String method, String path, String body, int status, String code) {
        var response = call(method, path, body);

        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
        var error = json(response).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.has("details")).isTrue();
    }

    @Test
    void predict_shouldReturn413_whenBodyOverLimit() {
        var response = call("POST", "/models/mixed/predict", "{\"instances\": [" + " ".repeat(2100) + "]}");

        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void predict_shouldReturn404_whenPinnedVersionUnknown() {
        var event = new APIGatewayProxyRequestEvent().withRequestContext(FakeContext.authorized("predict")).withHttpMethod("POST").withPath("/models/mixed/predict")
                .withQueryStringParameters(Map.of("version", "9")).withBody("{\"instances\": [" + ROW + "]}");

        var response = handler.handleRequest(event, new FakeContext("r1"));

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("VERSION_NOT_FOUND");
    }

    @Test
    void predict_shouldReturn500WithoutInternals_whenPredictorFails() {
        predictorExplodes = true;

        var response = call("POST", "/models/mixed/predict", "{\"instances\": [" + ROW + "]}");

        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(response.getBody()).doesNotContain("secret").doesNotContain("Exception");
        assertThat(json(response).at("/error/code").asText()).isEqualTo("INTERNAL_ERROR");
    }

    @Test
    void predict_shouldLogTheFailure_whenTheModelFails() {
        predictorExplodes = true;

        call("POST", "/models/mixed/predict", "{\"instances\": [" + ROW + "]}");

        assertThat(log.records).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo("INFERENCE_FAILED");
            assertThat(r.output()).isNull();
            assertThat(r.model().version()).isEqualTo("1");
        });
    }

    @Test
    void health_shouldSayOnlyUpAndVersion_whenPublic() {
        var health = json(handler.handleRequest(new APIGatewayProxyRequestEvent().withHttpMethod("GET").withPath("/health"),
                new FakeContext("req-public")));

        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(health.properties()).hasSize(2);
    }

    @Test
    void healthDetails_shouldNeedAKey() {
        var response = handler.handleRequest(new APIGatewayProxyRequestEvent().withHttpMethod("GET").withPath("/health/details"),
                new FakeContext("req-anonymous"));

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void health_shouldListModelsLoadedInThisContainer() {
        assertThat(json(call("GET", "/health/details", null)).get("models")).isEmpty();

        call("POST", "/models/mixed/predict", "{\"instances\": [" + ROW + "]}");
        var health = json(call("GET", "/health/details", null));

        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(health.at("/models/0/name").asText()).isEqualTo("mixed");
        assertThat(health.at("/models/0/version").asText()).isEqualTo("1");
    }
}
