package io.mlserve.function.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.core.inference.InstanceParser;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.serving.ModelCache;
import io.mlserve.core.serving.PredictionService;
import io.mlserve.core.serving.ServingEvents;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.InMemoryPredictionLog;
import io.mlserve.http.EmfMetrics;
import io.mlserve.onnx.OnnxModelLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deployed entry point: the event as API Gateway sends it in, the same answer as {@link PredictHandler} out. */
class PredictStreamHandlerTest {
    private static final Path IRIS = Path.of("..", "..", "models", "iris");
    private static final ObjectMapper DATABIND = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final InMemoryPredictionLog log = new InMemoryPredictionLog();

    private PredictHandler handler() throws Exception {
        var manifest = Files.readAllBytes(IRIS.resolve("manifest.json"));
        var version = Json.MAPPER.readTree(manifest).path("version").asText();
        var store = new InMemoryModelStore().put(new ModelRef("iris", version), manifest, Files.readAllBytes(IRIS.resolve("model.onnx")));
        var registry = new InMemoryModelRegistry().serving("iris", version);
        var config = FunctionConfig.fromEnv(Map.of("MODELS_BUCKET", "b", "PREDICTIONS_TABLE", "t", "REGISTRY_TABLE", "r"));
        var clock = Clock.systemUTC();
        var cache = new ModelCache(store, registry, new OnnxModelLoader(1), ServingEvents.NONE, clock, Duration.ofSeconds(30));
        var service = new PredictionService(cache, new InstanceParser(1000), log, ServingEvents.NONE, clock);
        var metrics = new EmfMetrics("mlserve-test", Map.of(), OutputStream.nullOutputStream());
        return new PredictHandler(new Wiring(config, service, metrics, clock));
    }

    private static String event(String method, String path, String body, boolean base64) throws Exception {
        var encoded = base64 ? java.util.Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body;
        return Json.MAPPER.writeValueAsString(Map.of("resource", "/models/{name}/predict", "path", path, "httpMethod", method,
                "headers", Map.of("Content-Type", "application/json", "X-Caller-Key", "c-1"),
                "pathParameters", Map.of("name", "iris"), "isBase64Encoded", base64, "body", encoded,
                "requestContext", Map.of("requestId", "gw-1", "stage", "prod", "authorizer",
                        Map.of("role", "predict", "keyName", "k", "principalId", "k", "integrationLatency", 3))));
    }

    private static APIGatewayProxyResponseEvent call(PredictStreamHandler handler, String event, String requestId) throws Exception {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, new FakeContext(requestId));
        return DATABIND.readValue(out.toByteArray(), APIGatewayProxyResponseEvent.class);
    }

    @Test
    void handleRequest_shouldAnswerAsPredictHandler_forTheSameEvent() throws Exception {
        // GIVEN the iris sample request as API Gateway delivers it
        var body = Files.readString(IRIS.resolve("sample-request.json"));
        var json = event("POST", "/models/iris/predict", body, false);
        var direct = handler().handleRequest(DATABIND.readValue(json, APIGatewayProxyRequestEvent.class), new FakeContext("r-1"));

        // WHEN it goes through the stream handler
        var streamed = call(new PredictStreamHandler(handler()), json, "r-1");

        // THEN the same status, headers and predictions (ids aside: they name each logged row), every row logged
        assertThat(streamed.getStatusCode()).as(streamed.getBody()).isEqualTo(200).isEqualTo(direct.getStatusCode());
        assertThat(streamed.getHeaders()).isEqualTo(direct.getHeaders());
        var predictions = Json.MAPPER.readTree(streamed.getBody()).path("predictions");
        assertThat(predictions.size()).isEqualTo(Json.MAPPER.readTree(direct.getBody()).path("predictions").size()).isPositive();
        assertThat(log.records).hasSize(2 * predictions.size());
    }

    @Test
    void handleRequest_shouldDecodeBase64Bodies_andAnswerErrorsInTheContract() throws Exception {
        var handler = new PredictStreamHandler(handler());
        var body = Files.readString(IRIS.resolve("sample-request.json"));

        assertThat(call(handler, event("POST", "/models/iris/predict", body, true), "r-2").getStatusCode()).isEqualTo(200);
        var notFound = call(handler, event("GET", "/nowhere", "", false), "r-3");
        assertThat(notFound.getStatusCode()).isEqualTo(404);
        assertThat(notFound.getHeaders()).containsEntry("X-Request-Id", "r-3");
        assertThat(Json.MAPPER.readTree(notFound.getBody()).path("error").path("code").asText()).isEqualTo("ROUTE_NOT_FOUND");
    }
}
