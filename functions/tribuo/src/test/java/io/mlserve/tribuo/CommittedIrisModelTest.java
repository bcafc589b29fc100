package io.mlserve.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The files committed under {@code models/iris} agree with each other, with ONNX Runtime and with a fresh training run. */
class CommittedIrisModelTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    static final Path DIR = IrisFiles.MODEL_DIR;

    static byte[] onnx;
    static JsonNode manifest;
    static OrtScorer ort;

    @BeforeAll
    static void load() throws Exception {
        onnx = Files.readAllBytes(DIR.resolve("model.onnx"));
        manifest = JSON.readTree(DIR.resolve("manifest.json").toFile());
        ort = new OrtScorer(onnx, manifest);
    }

    @AfterAll
    static void close() throws Exception {
        ort.close();
    }

    @Test
    void irisCsv_shouldHold150RowsWith50PerClass_whenRead() throws Exception {
        List<String> lines = Files.readAllLines(DIR.resolve("iris.csv"));
        assertThat(lines.get(0)).isEqualTo("sepal_length,sepal_width,petal_length,petal_width,species");
        Map<String, Integer> perClass = new HashMap<>();
        lines.subList(1, lines.size()).forEach(l -> perClass.merge(l.split(",")[4], 1, Integer::sum));
        assertThat(perClass).isEqualTo(Map.of("setosa", 50, "versicolor", 50, "virginica", 50));
        assertThat(manifest.get("producedBy").get("dataSha256").asText())
                .isEqualTo(OnnxModelExporter.sha256(Files.readAllBytes(DIR.resolve("iris.csv"))));
    }

    @Test
    void manifest_shouldHoldSha256OfModelOnnx_whenCommitted() {
        assertThat(manifest.get("sha256").asText()).isEqualTo(OnnxModelExporter.sha256(onnx));
    }

    @Test
    void expectedResponse_shouldMatchOrt_whenScoringSampleRequest() throws Exception {
        // GIVEN the golden pair
        JsonNode instances = JSON.readTree(DIR.resolve("sample-request.json").toFile()).get("instances");
        JsonNode predictions = JSON.readTree(DIR.resolve("expected-response.json").toFile()).get("predictions");

        // WHEN ONNX Runtime scores the request
        float[][] probabilities = ort.score(ort.rows(instances));

        // THEN one row per class, and ORT gives Tribuo's answers
        assertThat(instances.size()).isEqualTo(3);
        assertThat(predictions.findValuesAsText("label")).containsExactlyInAnyOrder("setosa", "versicolor", "virginica");
        var expected = new ArrayList<JsonNode>();
        predictions.forEach(expected::add);
        OnnxModelExporterTest.assertPredictionsMatch(ort, probabilities, expected);
    }

    @Test
    void manifestSamples_shouldMatchOrt_whenScored() throws Exception {
        var instances = JSON.createArrayNode();
        manifest.get("samples").forEach(s -> instances.add(s.get("instance")));

        float[][] probabilities = ort.score(ort.rows(instances));

        OnnxModelExporterTest.assertPredictionsMatch(ort, probabilities, manifest.get("samples").findValues("expected"));
    }

    @Test
    void manifest_shouldMatchOnnxMetadata_whenCommitted() throws Exception {
        var metadata = ort.customMetadata();
        assertThat(JSON.readValue(metadata.get(OnnxModelExporter.METADATA_FEATURES), STRINGS))
                .isEqualTo(ort.features());
        assertThat(JSON.readValue(metadata.get(OnnxModelExporter.METADATA_LABELS), STRINGS))
                .isEqualTo(ort.labels());
        assertThat(ort.outputShape()).containsExactly(-1L, (long) ort.labels().size());
        assertThat(ort.inputShape()).containsExactly(-1L, (long) ort.features().size());
    }

    @Test
    void committedArtifacts_shouldBeReproduced_whenRetrainedWithSameSeed() throws Exception {
        // GIVEN a fresh training run on the committed CSV
        var trained = TribuoTrainer.logisticRegression().train(DIR.resolve("iris.csv"), "species");

        // WHEN it predicts the golden request
        JsonNode instances = JSON.readTree(DIR.resolve("sample-request.json").toFile()).get("instances");
        JsonNode predictions = JSON.readTree(DIR.resolve("expected-response.json").toFile()).get("predictions");

        // THEN orders, metrics and probabilities are the committed ones
        assertThat(ort.features()).isEqualTo(trained.featureNames());
        assertThat(ort.labels()).isEqualTo(trained.labels());
        assertThat(manifest.get("metrics").get("accuracy").asDouble()).isEqualTo(trained.metrics().get("accuracy"));
        assertThat(manifest.get("metrics").get("macroF1").asDouble()).isEqualTo(trained.metrics().get("macroF1"));
        for (int i = 0; i < instances.size(); i++) {
            var instance = new LinkedHashMap<String, Double>();
            instances.get(i).properties().forEach(e -> instance.put(e.getKey(), e.getValue().asDouble()));
            var prediction = trained.predict(instance);
            assertThat(prediction.getOutput().getLabel()).isEqualTo(predictions.get(i).get("label").asText());
            JsonNode expected = predictions.get(i).get("probabilities");
            trained.probabilities(prediction)
                    .forEach((label, p) -> assertThat(p).isCloseTo(expected.get(label).asDouble(), within(1e-12)));
        }
    }
}
