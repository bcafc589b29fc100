package io.mlserve.function.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
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
import io.mlserve.onnx.OnnxModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import io.mlserve.http.EmfMetrics;
import java.io.OutputStream;

/** Every committed example through the real handler and ONNX Runtime, from an in-memory store. */
class ExampleModelsHandlerTest {
    private static final Path MODELS = Path.of("..", "..", "models");

    static List<String> examples() throws IOException {
        try (var dirs = Files.list(MODELS)) {
            return dirs.filter(d -> Files.exists(d.resolve("expected-response.json")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void predict_shouldAnswerWhatTheFrameworkPredicted(String example) throws Exception {
        // GIVEN the example published under its name
        var dir = MODELS.resolve(example);
        var manifest = Files.readAllBytes(dir.resolve("manifest.json"));
        var version = Json.MAPPER.readTree(manifest).path("version").asText();
        var store = new InMemoryModelStore()
                .put(new ModelRef(example, version), manifest, Files.readAllBytes(dir.resolve("model.onnx")));
        var registry = new InMemoryModelRegistry().serving(example, version);
        var log = new InMemoryPredictionLog();
        var config = FunctionConfig.fromEnv(Map.of("MODELS_BUCKET", "b", "PREDICTIONS_TABLE", "t", "REGISTRY_TABLE", "r"));
        var clock = Clock.systemUTC();
        var cache = new ModelCache(store, registry, new OnnxModelLoader(1), ServingEvents.NONE, clock, Duration.ofSeconds(30));
        var service = new PredictionService(cache, new InstanceParser(1000), log, ServingEvents.NONE, clock);
        var metrics = new EmfMetrics("mlserve-test", Map.of(), OutputStream.nullOutputStream());
        var handler = new PredictHandler(new Wiring(config, service, metrics, clock));

        // WHEN its sample request goes through the handler
        var event = new APIGatewayProxyRequestEvent().withRequestContext(FakeContext.authorized("predict")).withHttpMethod("POST").withPath("/models/" + example + "/predict")
                .withBody(Files.readString(dir.resolve("sample-request.json")));
        var response = handler.handleRequest(event, new FakeContext("r-" + example));

        // THEN the answer is the framework's, and every row is logged
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        var expected = Json.MAPPER.readTree(dir.resolve("expected-response.json").toFile()).path("predictions");
        var actual = Json.MAPPER.readTree(response.getBody()).path("predictions");
        assertThat(log.records).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            // each entry also names its logged row; the rest is the framework's answer
            var id = ((com.fasterxml.jackson.databind.node.ObjectNode) actual.get(i)).remove("predictionId");
            assertThat(io.mlserve.core.store.PredictionId.decode(id.asText()))
                    .contains(io.mlserve.core.store.PredictionId.of(log.records.get(i), 1));
            assertSame(example + "[" + i + "]", expected.get(i), actual.get(i));
        }
    }

    private static void assertSame(String path, JsonNode expected, JsonNode actual) {
        assertThat(actual).as(path).isNotNull();
        if (expected.isFloatingPointNumber()) {
            assertThat(actual.doubleValue()).as(path).isCloseTo(expected.doubleValue(), within(1e-5));
        } else if (expected.isObject()) {
            assertThat(actual.size()).as(path).isEqualTo(expected.size());
            expected.fieldNames().forEachRemaining(f -> assertSame(path + "." + f, expected.get(f), actual.get(f)));
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }
}
