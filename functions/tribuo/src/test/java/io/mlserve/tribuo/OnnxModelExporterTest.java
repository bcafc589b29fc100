package io.mlserve.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains into a temporary folder, then checks the export against ONNX Runtime and the contract. */
class OnnxModelExporterTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    @TempDir
    static Path dir;

    static TrainedClassifier trained;
    static ExportedModel exported;
    static JsonNode manifest;
    static OrtScorer ort;

    @BeforeAll
    static void export() throws Exception {
        trained = TribuoTrainer.logisticRegression().train(IrisFiles.MODEL_DIR.resolve("iris.csv"), "species");
        var info = new ModelInfo("iris", "1", "test", "cm", Map.of("script", "test", "data", "iris.csv"));
        var clock = Clock.fixed(Instant.parse("2026-11-23T08:00:00.123Z"), ZoneOffset.UTC);
        exported = new OnnxModelExporter(clock).export(trained, info, dir);
        manifest = JSON.readTree(exported.manifestFile().toFile());
        ort = new OrtScorer(Files.readAllBytes(exported.onnxFile()), manifest);
    }

    @AfterAll
    static void close() throws Exception {
        ort.close();
    }

    @Test
    void export_shouldAgreeWithTribuoOnAllRows_whenOrtIsFedInManifestFeatureOrder() throws Exception {
        // GIVEN every row as a request instance, and Tribuo's own predictions
        var instances = JSON.createArrayNode();
        trained.data().forEach(e -> instances.add(OnnxModelExporter.instanceJson(trained.instance(e))));

        // WHEN ONNX Runtime scores them
        float[][] probabilities = ort.score(ort.rows(instances));

        // THEN labels agree exactly and probabilities within 1e-5
        assertThat(probabilities).hasDimensions(150, 3);
        for (int i = 0; i < 150; i++) {
            var tribuo = trained.model().predict(trained.data().getExample(i));
            assertThat(ort.label(probabilities[i])).as("row %d", i).isEqualTo(tribuo.getOutput().getLabel());
            var expected = trained.probabilities(tribuo);
            for (int k = 0; k < 3; k++) {
                assertThat((double) probabilities[i][k])
                        .as("row %d, %s", i, ort.labels().get(k))
                        .isCloseTo(expected.get(ort.labels().get(k)), within(1e-5));
            }
        }
    }

    @Test
    void export_shouldDisagreeWithTribuo_whenOrtIsFedInCsvColumnOrder() throws Exception {
        // GIVEN every row in the CSV's column order instead of the manifest's
        var csvOrder = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
        var rows = new float[150][4];
        for (int i = 0; i < 150; i++) {
            var instance = trained.instance(trained.data().getExample(i));
            for (int j = 0; j < 4; j++) {
                rows[i][j] = instance.get(csvOrder.get(j)).floatValue();
            }
        }

        // WHEN scored, THEN many labels are wrong: the manifest's order is what makes the graph right
        float[][] probabilities = ort.score(rows);
        int disagreements = 0;
        for (int i = 0; i < 150; i++) {
            var tribuo = trained.model().predict(trained.data().getExample(i)).getOutput().getLabel();
            disagreements += ort.label(probabilities[i]).equals(tribuo) ? 0 : 1;
        }
        assertThat(disagreements).isGreaterThan(30);
    }

    @Test
    void export_shouldRecordSha256OfWrittenBytes_whenManifestWritten() throws Exception {
        var sha = OnnxModelExporter.sha256(Files.readAllBytes(exported.onnxFile()));
        assertThat(manifest.get("sha256").asText()).isEqualTo(sha).isEqualTo(exported.sha256()).hasSize(64);
    }

    @Test
    void export_shouldSizeOutputColumnsToLabels_whenLoadedInOrt() throws Exception {
        assertThat(ort.inputNames()).containsExactly("input");
        assertThat(ort.inputShape()).containsExactly(-1L, 4L);
        assertThat(ort.outputShape()).containsExactly(-1L, (long) ort.labels().size());
        assertThat(ort.labels()).isEqualTo(trained.labels());
        assertThat(ort.features()).isEqualTo(trained.featureNames());
    }

    @Test
    void export_shouldStoreColumnOrdersInOnnxMetadata_whenWritten() throws Exception {
        var metadata = ort.customMetadata();
        assertThat(JSON.readValue(metadata.get(OnnxModelExporter.METADATA_FEATURES), STRINGS))
                .isEqualTo(trained.featureNames());
        assertThat(JSON.readValue(metadata.get(OnnxModelExporter.METADATA_LABELS), STRINGS))
                .isEqualTo(trained.labels());
        assertThat(metadata).containsKey("TRIBUO_PROVENANCE");
    }

    @Test
    void export_shouldFollowModelContract_whenManifestWritten() {
        assertThat(manifest.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(manifest.get("name").asText()).isEqualTo("iris");
        assertThat(manifest.get("version").asText()).isEqualTo("1");
        assertThat(manifest.get("task").asText()).isEqualTo("classification");
        assertThat(manifest.get("input").toString()).isEqualTo("{\"layout\":\"tensor\",\"name\":\"input\",\"type\":\"float\"}");
        assertThat(manifest.get("output").get("probabilities").asText()).isEqualTo("output");
        assertThat(manifest.get("createdAt").asText()).isEqualTo("2026-11-23T08:00:00Z");
        assertThat(manifest.get("metrics").get("accuracy").asDouble()).isEqualTo(trained.metrics().get("accuracy"));
        assertThat(manifest.get("producedBy").get("tool").asText()).isEqualTo("tribuo 4.3.2 LogisticRegressionTrainer");
        assertThat(manifest.get("producedBy").get("seed").asLong()).isEqualTo(12345L);
        for (JsonNode feature : manifest.get("features")) {
            assertThat(feature.get("type").asText()).isEqualTo("float");
            assertThat(feature.get("min").asDouble()).isLessThanOrEqualTo(feature.get("max").asDouble());
        }
    }

    @Test
    void export_shouldBoundFeaturesAroundEveryTrainingValue_whenManifestWritten() {
        for (var example : trained.data()) {
            trained.instance(example).forEach((name, value) -> {
                JsonNode feature = featureNamed(name);
                assertThat(value).isBetween(feature.get("min").asDouble(), feature.get("max").asDouble());
            });
        }
    }

    @Test
    void export_shouldWriteSamplesThatOrtReproduces_whenManifestWritten() throws Exception {
        // GIVEN the manifest's samples
        var samples = manifest.get("samples");
        var instances = JSON.createArrayNode();
        var labels = new HashSet<String>();
        samples.forEach(s -> {
            instances.add(s.get("instance"));
            labels.add(s.get("expected").get("label").asText());
        });

        // WHEN ONNX Runtime scores them
        float[][] probabilities = ort.score(ort.rows(instances));

        // THEN they cover every class and ORT reproduces Tribuo's answers
        assertThat(samples.size()).isBetween(3, 8);
        assertThat(labels).containsExactlyInAnyOrderElementsOf(trained.labels());
        assertPredictionsMatch(ort, probabilities, samples.findValues("expected"));
    }

    static void assertPredictionsMatch(OrtScorer ort, float[][] probabilities, List<JsonNode> expected) {
        assertThat(probabilities).hasNumberOfRows(expected.size());
        for (int i = 0; i < probabilities.length; i++) {
            assertThat(ort.label(probabilities[i])).as("row %d", i).isEqualTo(expected.get(i).get("label").asText());
            for (int k = 0; k < ort.labels().size(); k++) {
                String label = ort.labels().get(k);
                assertThat((double) probabilities[i][k])
                        .as("row %d, %s", i, label)
                        .isCloseTo(expected.get(i).get("probabilities").get(label).asDouble(), within(1e-5));
            }
        }
    }

    private static JsonNode featureNamed(String name) {
        for (JsonNode feature : manifest.get("features")) {
            if (feature.get("name").asText().equals(name)) {
                return feature;
            }
        }
        throw new AssertionError("no feature " + name);
    }
}
