package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.aws.AttributeValues;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.model.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The predict function on the emulator, reached through API Gateway: the Java handler must really
 * run (any canned mock fails the test), answer the iris golden pair, log every row to DynamoDB,
 * and answer bad input with the JSON error contract.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PredictApiE2ET {
    private static final Path IRIS = Path.of("..", "models", "iris");

    private Emulator emulator;
    private JsonNode sampleRequest;
    private JsonNode expectedResponse;
    private byte[] irisOnnx;
    private byte[] irisManifest;
    private String extraFeature;
    private String tampered;

    @BeforeAll
    void publishModels() throws Exception {
        emulator = Emulator.fromOutputs();
        sampleRequest = Emulator.JSON.readTree(IRIS.resolve("sample-request.json").toFile());
        expectedResponse = Emulator.JSON.readTree(IRIS.resolve("expected-response.json").toFile());
        irisOnnx = Files.readAllBytes(IRIS.resolve("model.onnx"));
        irisManifest = Files.readAllBytes(IRIS.resolve("manifest.json"));
        emulator.publish(IRIS);

        // Versions registered before pinning whose files change afterwards (a manifest edited, bytes swapped in S3):
        // the predict function must refuse them at load (pinned versions never see the change: PinnedVersionsE2ET).
        // Fresh names per run: the emulator may be reused.
        var suffix = Long.toString(System.currentTimeMillis(), 36);
        extraFeature = "iris-extra-" + suffix;
        tampered = "iris-tampered-" + suffix;
        var store = new S3ModelStore(emulator.s3(), emulator.output("ModelsBucketName"));
        for (var name : new String[] {extraFeature, tampered}) {
            assertThat(emulator.uploadAndRegister(IRIS, name, "1", null).status()).isEqualTo(201);
            assertThat(emulator.put("models/" + name + "/aliases/production", "{\"version\": \"1\"}").status()).isEqualTo(200);
            emulator.unpin(name, "1");
        }
        ObjectNode withExtraFeature = (ObjectNode) Emulator.JSON.readTree(irisManifest);
        withExtraFeature.put("name", extraFeature);
        withExtraFeature.withArray("features").addObject().put("name", "stem_length").put("type", "float");
        store.putVersion(new ModelRef(extraFeature, "1"), Emulator.JSON.writeValueAsBytes(withExtraFeature), irisOnnx);
        ObjectNode sameManifest = (ObjectNode) Emulator.JSON.readTree(irisManifest);
        sameManifest.put("name", tampered);
        var bytes = irisOnnx.clone();
        bytes[bytes.length - 1] ^= 0x1;
        store.putVersion(new ModelRef(tampered, "1"), Emulator.JSON.writeValueAsBytes(sameManifest), bytes);
    }

    @Test
    void health_shouldComeFromTheRealJavaHandler() {
        var response = emulator.get("health/details");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("service").asText()).isEqualTo("mlserve-predict");
        assertThat(response.json().path("runtime").asText()).startsWith("java ");
    }

    @Test
    void predict_shouldReturnExpectedClassesAndLogEveryRow_whenIrisSampleSent() throws Exception {
        // WHEN the golden sample goes through API Gateway
        var response = emulator.post("models/iris/predict", sampleRequest.toString());

        // THEN the real handler answers with the expected classes and probabilities
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var body = response.json();
        assertThat(body.path("model").asText()).isEqualTo("iris");
        assertThat(body.path("version").asText()).isEqualTo("1");
        var requestId = body.path("requestId").asText();
        assertThat(requestId).isNotBlank();
        var predictions = body.path("predictions");
        var expected = expectedResponse.path("predictions");
        assertThat(predictions).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(predictions.get(i).path("label").asText()).isEqualTo(expected.get(i).path("label").asText());
            var probabilities = expected.get(i).path("probabilities");
            for (var it = probabilities.fieldNames(); it.hasNext(); ) {
                var label = it.next();
                assertThat(predictions.get(i).path("probabilities").path(label).asDouble())
                        .isCloseTo(probabilities.path(label).asDouble(), within(1e-5));
            }
        }

        // AND every row is in the DynamoDB log with its inputs and output
        try (var dynamo = emulator.dynamoDb()) {
            var items = LogItems.ofVersion(dynamo, emulator.output("PredictionsTableName"), "iris", "1").stream()
                    .filter(item -> requestId.equals(item.get("requestId").s()))
                    .toList();
            assertThat(items).hasSize(expected.size());
            for (var item : items) {
                int row = Integer.parseInt(item.get("row").n());
                var instance = sampleRequest.path("instances").get(row);
                @SuppressWarnings("unchecked")
                var inputs = (Map<String, Object>) AttributeValues.toJava(item.get("inputs"));
                for (var it = instance.fieldNames(); it.hasNext(); ) {
                    var feature = it.next();
                    assertThat(((Number) inputs.get(feature)).doubleValue()).isEqualTo(instance.get(feature).asDouble());
                }
                assertThat(item.get("output").m().get("label").s()).isEqualTo(expected.get(row).path("label").asText());
                assertThat(item.get("source").s()).isEqualTo("api");
                assertThat(Long.parseLong(item.get("expiresAt").n())).isGreaterThan(System.currentTimeMillis() / 1000);
                assertThat(item).containsKeys("ts", "latencyMs", "version", "shard", "modelShard").doesNotContainKey("model");
                assertThat(item.get("pk").s()).isEqualTo("iris#1#" + item.get("shard").n());
            }
        }
    }

    @Test
    void modelRoutes_shouldRequireTheApiKey_butHealthShouldNot() throws Exception {
        // no key: API Gateway answers 401 before the authorizer runs (the authorizer is cached by key)
        assertThat(emulator.statusWithoutKey("POST", "models/iris/predict", sampleRequest.toString())).isEqualTo(401);
        assertThat(emulator.statusWithoutKey("GET", "models/iris", null)).isEqualTo(401);
        assertThat(emulator.statusWithoutKey("PUT", "models/iris/aliases/production", "{\"version\": \"1\"}")).isEqualTo(401);
        assertThat(emulator.statusWithoutKey("GET", "health", null)).isEqualTo(200);
    }

    @Test
    void describe_shouldShowFeaturesOutputsAndMetrics() {
        var response = emulator.get("models/iris");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("production").asText()).isEqualTo("1");
        assertThat(response.json().path("features")).hasSize(4);
        assertThat(response.json().path("output").path("labels")).hasSize(3);
        assertThat(response.json().path("metrics").path("accuracy").asDouble()).isGreaterThan(0.8);
        assertThat(response.json().path("sha256").asText()).hasSize(64);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed JSON  | {\"instances\": [                                                                                   | MALFORMED_JSON",
        "empty           | {\"instances\": []}                                                                                | EMPTY_INSTANCES",
        "missing feature | {\"instances\": [{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4}]}              | INVALID_INSTANCES",
        "unknown feature | {\"instances\": [{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2, \"colour\": 1}]} | INVALID_INSTANCES",
        "wrong type      | {\"instances\": [{\"sepal_length\": \"big\", \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}]} | INVALID_INSTANCES",
        "NaN             | {\"instances\": [{\"sepal_length\": NaN, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}]}  | INVALID_INSTANCES",
        "Infinity        | {\"instances\": [{\"sepal_length\": 1e999, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}]} | INVALID_INSTANCES",
    })
    void predict_shouldAnswer400WithErrorJson_whenInputBad(String caseName, String body, String code) {
        var response = emulator.post("models/iris/predict", body);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().path("error").path("code").asText()).isEqualTo(code);
        assertThat(response.json().path("error").path("message").asText()).isNotBlank();
        assertThat(response.json().path("error").has("details")).isTrue();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void predict_shouldAnswer400_whenTooManyInstances() {
        var rows = new StringJoiner(",", "{\"instances\": [", "]}");
        for (int i = 0; i < 1001; i++) {
            rows.add("{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}");
        }

        var response = emulator.post("models/iris/predict", rows.toString());

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("error").path("code").asText()).isEqualTo("TOO_MANY_INSTANCES");
    }

    @Test
    void predict_shouldAnswer404_whenModelUnknown() {
        var response = emulator.post("models/no-such-model/predict", sampleRequest.toString());

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("error").path("code").asText()).isEqualTo("MODEL_NOT_FOUND");
    }

    @Test
    void predict_shouldRefuseModel_whenManifestDoesNotMatchOnnx() {
        var response = emulator.post("models/" + extraFeature + "/predict", sampleRequest.toString());

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.json().path("error").path("code").asText()).isEqualTo("MODEL_REJECTED");
        assertThat(response.json().path("error").path("message").asText()).contains("ONNX input 'input' has 4 columns");
    }

    @Test
    void predict_shouldRefuseModel_whenBytesDoNotMatchSha256() {
        var response = emulator.post("models/" + tampered + "/predict", sampleRequest.toString());

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.json().path("error").path("message").asText()).contains("sha256");
    }
}
