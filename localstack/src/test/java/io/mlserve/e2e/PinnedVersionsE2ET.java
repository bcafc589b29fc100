package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.registry.ObjectVersionBackfill;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 11, second bullet, on the emulator: a registered version is pinned to the S3 object versions registration
 * validated. Overwriting or plain-deleting its files afterwards changes no prediction (each version is first loaded
 * after the change, so no warm cache hides anything); permanently deleting a pinned object version makes promotion,
 * canary and pinned predictions answer 409 VERSION_UNAVAILABLE while production keeps answering. The one-off backfill
 * records the same pins for a version registered before pinning.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PinnedVersionsE2ET {
    private static final Path IRIS = Path.of("..", "models", "iris");
    /** Warm predict containers re-read aliases every MODEL_ALIAS_TTL_SECONDS (5 s in the stack). */
    private static final long ALIAS_PROPAGATION_MS = 6_000;

    private Emulator emulator;
    private String name;
    private String request;
    private JsonNode expected;
    private String bucket;

    @BeforeAll
    void setUp() throws Exception {
        emulator = Emulator.fromOutputs();
        name = "pinned-" + Long.toString(System.currentTimeMillis(), 36); // the emulator may be reused between runs
        request = Files.readString(IRIS.resolve("sample-request.json"));
        expected = Emulator.JSON.readTree(IRIS.resolve("expected-response.json").toFile()).path("predictions");
        bucket = emulator.output("ModelsBucketName");
    }

    private String key(String version, String file) {
        return "models/" + name + "/" + version + "/" + file;
    }

    /** The current S3 object version id of a file. */
    private String currentObjectVersion(String version, String file) {
        try (var s3 = emulator.s3()) {
            return s3.headObject(b -> b.bucket(bucket).key(key(version, file))).versionId();
        }
    }

    private void put(String version, String file, byte[] bytes) {
        try (var s3 = emulator.s3()) {
            s3.putObject(b -> b.bucket(bucket).key(key(version, file)), RequestBody.fromBytes(bytes));
        }
    }

    private JsonNode pins(String version) {
        var response = emulator.get("models/" + name + "/versions/" + version);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("objectVersions");
    }

    /** The iris answers, label and probabilities, as in the golden pair. */
    private void assertIrisPredictions(Emulator.Response response, String version) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("version").asText()).isEqualTo(version);
        var predictions = response.json().path("predictions");
        assertThat(predictions).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(predictions.get(i).path("label").asText()).isEqualTo(expected.get(i).path("label").asText());
            for (var p : expected.get(i).path("probabilities").properties()) {
                assertThat(predictions.get(i).path("probabilities").path(p.getKey()).asDouble())
                        .isCloseTo(p.getValue().asDouble(), org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    @Test
    @Order(1)
    void register_shouldPinTheObjectVersionsItValidated() throws Exception {
        for (var version : new String[] {"1", "2", "3"}) {
            var registered = emulator.uploadAndRegister(IRIS, name, version, null);
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            var recorded = registered.json().path("objectVersions");
            assertThat(recorded.path("model.onnx").asText()).isNotBlank().isEqualTo(currentObjectVersion(version, "model.onnx"));
            assertThat(recorded.path("manifest.json").asText()).isNotBlank().isEqualTo(currentObjectVersion(version, "manifest.json"));
            assertThat(pins(version)).isEqualTo(recorded);
        }
        var unknown = emulator.get("models/" + name + "/versions/9");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/error/code").asText()).isEqualTo("VERSION_NOT_FOUND");
    }

    @Test
    @Order(2)
    void overwrittenFiles_shouldChangeNoPrediction() throws Exception {
        // GIVEN version 1's model.onnx overwritten by other bytes, with a manifest naming their sha256 (a silent swap)
        var other = Arrays.copyOf(Files.readAllBytes(IRIS.resolve("model.onnx")), 100);
        put("1", "model.onnx", other);
        var manifest = (com.fasterxml.jackson.databind.node.ObjectNode) Emulator.JSON.readTree(IRIS.resolve("manifest.json").toFile());
        manifest.put("name", name).put("version", "1").put("sha256", ManifestChecks.sha256Hex(other));
        put("1", "manifest.json", Emulator.JSON.writeValueAsBytes(manifest));

        // WHEN it is promoted and first loaded after the change
        var promoted = emulator.put("models/" + name + "/aliases/production", "{\"version\": \"1\"}");

        // THEN promotion is allowed (the pinned object versions exist) and it answers exactly as registered
        assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
        Thread.sleep(ALIAS_PROPAGATION_MS);
        assertIrisPredictions(emulator.post("models/" + name + "/predict", request), "1");
    }

    @Test
    @Order(3)
    void plainDeletedFiles_shouldChangeNoPrediction() {
        // GIVEN version 2's files deleted the plain way: delete markers, the pinned object versions stay
        try (var s3 = emulator.s3()) {
            for (var file : new String[] {"model.onnx", "manifest.json"}) {
                var deleted = s3.deleteObject(b -> b.bucket(bucket).key(key("2", file)));
                assertThat(deleted.deleteMarker()).as("versioned models bucket: %s got a delete marker", file).isTrue();
            }
        }

        // WHEN it is asked for by name (first load after the delete) THEN it answers as registered
        assertIrisPredictions(emulator.post("models/" + name + "/predict?version=2", request), "2");
        // and it can still be made the canary
        var canary = emulator.put("models/" + name + "/aliases/canary", "{\"version\": \"2\", \"weight\": 0}");
        assertThat(canary.status()).as(canary.body()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void permanentlyDeletedPin_shouldRefusePromotionCanaryAndPinnedPredict_whileProductionKeepsAnswering() throws Exception {
        // GIVEN version 3's pinned model.onnx deleted for good, and the same bytes uploaded again (a new object version)
        var pinned = pins("3").path("model.onnx").asText();
        try (var s3 = emulator.s3()) {
            s3.deleteObject(b -> b.bucket(bucket).key(key("3", "model.onnx")).versionId(pinned));
        }
        put("3", "model.onnx", Files.readAllBytes(IRIS.resolve("model.onnx")));
        var before = emulator.get("models/" + name).json();

        // WHEN it is promoted, made canary, or asked for by name
        var promoted = emulator.put("models/" + name + "/aliases/production", "{\"version\": \"3\"}");
        var canary = emulator.put("models/" + name + "/aliases/canary", "{\"version\": \"3\", \"weight\": 10}");
        var predicted = emulator.post("models/" + name + "/predict?version=3", request);

        // THEN each is refused with 409 VERSION_UNAVAILABLE naming the pins, and nothing changed
        for (var response : new Emulator.Response[] {promoted, canary, predicted}) {
            assertThat(response.status()).as(response.body()).isEqualTo(409);
            assertThat(response.json().at("/error/code").asText()).isEqualTo("VERSION_UNAVAILABLE");
            assertThat(response.json().at("/error/details/objectVersions/model.onnx").asText()).isEqualTo(pinned);
        }
        var after = emulator.get("models/" + name).json();
        assertThat(after.path("production").asText()).isEqualTo("1");
        assertThat(after.path("canary")).isEqualTo(before.path("canary"));
        // AND the serving version keeps answering
        assertIrisPredictions(emulator.post("models/" + name + "/predict", request), "1");
    }

    @Test
    @Order(5)
    void backfill_shouldRecordThePinsOfAVersionRegisteredBeforePinning() {
        // GIVEN version 2 as a version registered before pinning: its pins removed from the registry item
        var recorded = pins("2");
        var table = emulator.output("RegistryTableName");
        try (var dynamoDb = emulator.dynamoDb()) {
            dynamoDb.updateItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("MODEL#" + name),
                    "sk", AttributeValue.fromS("VERSION#2"))).updateExpression("REMOVE objectVersions"));
        }
        assertThat(pins("2").isMissingNode()).isTrue();

        // WHEN the backfill (mlserve pin-versions) runs over the deployed registry and models bucket
        try (var dynamoDb = emulator.dynamoDb(); var s3 = emulator.s3()) {
            var outcomes = new ObjectVersionBackfill(new DynamoDbModelRegistry(dynamoDb, table), new S3ModelStore(s3, bucket),
                    Clock.systemUTC()).run(name, false, "e2e");

            // THEN it finds the very object versions registration pinned (behind the delete markers); 1 and 2 were
            // pinned at registration; 3's checked model.onnx is gone and the newer upload is not taken for it
            assertThat(outcomes).extracting(o -> o.version() + ":" + o.result())
                    .containsExactly("1:ALREADY_PINNED", "2:PINNED", "3:ALREADY_PINNED");
        }
        assertThat(pins("2")).isEqualTo(recorded);
        assertIrisPredictions(emulator.post("models/" + name + "/predict?version=2", request), "2");
    }
}
