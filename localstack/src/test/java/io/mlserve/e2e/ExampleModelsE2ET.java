package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bring your own model: every example under {@code models/} (scikit-learn pipelines with ZipMap,
 * int64 labels, LightGBM, multi-output regression, an MLP) published to the emulator and served
 * through API Gateway exactly as its framework predicted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExampleModelsE2ET {
    private static final Path MODELS = Path.of("..", "models");

    private Emulator emulator;

    List<String> examples() throws IOException {
        try (var dirs = Files.list(MODELS)) {
            return dirs.filter(d -> Files.exists(d.resolve("expected-response.json")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    @BeforeAll
    void publishExamples() throws Exception {
        emulator = Emulator.fromOutputs();
        for (var example : examples()) {
            // through the registration API: validated against the ONNX graph and the manifest's samples
            emulator.publish(MODELS.resolve(example));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void predict_shouldEqualFrameworksPredictions_throughTheApi(String example) throws Exception {
        var dir = MODELS.resolve(example);
        var request = Files.readString(dir.resolve("sample-request.json"));
        var expected = Emulator.JSON.readTree(dir.resolve("expected-response.json").toFile()).path("predictions");

        var response = emulator.post("models/" + example + "/predict", request);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var predictions = response.json().path("predictions");
        assertThat(predictions).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            // every entry also names its logged row (for feedback); the rest is the framework's answer
            var id = ((com.fasterxml.jackson.databind.node.ObjectNode) predictions.get(i)).remove("predictionId");
            assertThat(id).as(example + " predictions[" + i + "].predictionId").isNotNull();
            assertThat(io.mlserve.core.store.PredictionId.decode(id.asText())).get()
                    .satisfies(p -> assertThat(p.model().name()).isEqualTo(example));
            assertSame(example + " predictions[" + i + "]", expected.get(i), predictions.get(i));
        }
    }

    /** Labels (and their JSON type) exactly; probabilities and values within 1e-5. */
    private static void assertSame(String path, JsonNode expected, JsonNode actual) {
        assertThat(actual).as(path + " present").isNotNull();
        if (expected.isFloatingPointNumber() || (expected.isNumber() && actual.isFloatingPointNumber())) {
            assertThat(actual.isNumber()).as(path + " is a number").isTrue();
            assertThat(actual.doubleValue()).as(path).isCloseTo(expected.doubleValue(), within(1e-5));
        } else if (expected.isObject()) {
            assertThat(actual.size()).as(path + " fields").isEqualTo(expected.size());
            expected.fieldNames().forEachRemaining(f -> assertSame(path + "." + f, expected.get(f), actual.get(f)));
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    @org.junit.jupiter.api.Test
    void register_shouldRefuseNamingTheInput_whenGraphIsFixedToBatchOneButTheManifestDoesNotSaySo() throws Exception {
        // GIVEN a graph exported with a fixed batch of 1, and a manifest that leaves input.batch out
        var fixture = Path.of("..", "functions", "onnx", "src", "test", "resources", "fixed-batch");
        var manifest = (com.fasterxml.jackson.databind.node.ObjectNode) Emulator.JSON.readTree(fixture.resolve("manifest.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("input")).remove("batch");
        var folder = Files.createTempDirectory("fixed-batch");
        Files.write(folder.resolve("manifest.json"), Emulator.JSON.writeValueAsBytes(manifest));
        Files.copy(fixture.resolve("model.onnx"), folder.resolve("model.onnx"));
        var name = "fixed-batch-" + Long.toString(System.currentTimeMillis(), 36);

        // WHEN it is registered
        var response = emulator.uploadAndRegister(folder, name, "1", null);

        // THEN it is refused before any traffic, with the input named
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.json().path("error").path("message").asText())
                .contains("ONNX input 'input' has a fixed batch size of 1");
        assertThat(emulator.post("models/" + name + "/predict", "{\"instances\": [{\"a\": 1, \"b\": 2}]}").status()).isEqualTo(404);
    }
}
