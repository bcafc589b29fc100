package io.mlserve.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.inference.InstanceParser;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every committed example (Tribuo, scikit-learn with ZipMap and per-feature inputs, LightGBM,
 * multi-output regression, MLP) served exactly as its framework predicted.
 */
class ExampleModelsTest {
    private static final OnnxModelLoader LOADER = new OnnxModelLoader(1);

    static List<String> examples() {
        return ModelFolder.examples();
    }

    @Test
    void examples_shouldCoverEveryLayoutTheContractPromises() {
        assertThat(examples()).contains("iris", "sklearn-churn", "sklearn-iris-int", "gbt-regression", "multi-regression", "mlp-classifier");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void predict_shouldEqualFrameworksRecordedPredictions(String example) {
        var folder = ModelFolder.of(example);
        var manifest = folder.manifest();
        ManifestChecks.requireValid(new ModelRef(example, manifest.version()), manifest, folder.onnx());

        try (var predictor = LOADER.load(manifest, folder.onnx())) {
            var predictions = predictor.predict(folder.sampleInstances().batch());

            OnnxModelLoaderTest.assertMatchesExpected(predictions, folder.json("expected-response.json"));
        }
    }

    @Test
    void predict_shouldKeepIntegerLabels_whenZipMapKeysAreInt64() {
        var folder = ModelFolder.of("sklearn-iris-int");
        try (var predictor = LOADER.load(folder.manifest(), folder.onnx())) {
            var first = (Prediction.Classification) predictor.predict(folder.sampleInstances().batch()).get(0);

            assertThat(first.label()).isInstanceOf(Long.class);
            assertThat(first.probabilities()).containsOnlyKeys("0", "1", "2");
        }
    }

    @Test
    void predict_shouldNameTargets_whenRegressionHasSeveralOutputs() {
        var folder = ModelFolder.of("multi-regression");
        try (var predictor = LOADER.load(folder.manifest(), folder.onnx())) {
            var first = (Prediction.Regression) predictor.predict(folder.sampleInstances().batch()).get(0);

            assertThat(first.value()).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) first.value()).keySet().stream().map(String::valueOf).toList())
                    .containsExactlyElementsOf(folder.manifest().output().targets());
        }
    }

    /**
     * The trainable examples' committed versions ({@code models/<name>/trained/}: what the quick start's training job
     * registered as version 1) pass the registry's checks and carry a baseline over the manifest's features.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"housing-price", "telco-churn"})
    void trainedExample_shouldPassRegistrationChecks_andCarryItsBaseline(String example) throws Exception {
        var dir = Path.of("..", "..", "models", example, "trained");
        var manifest = ModelManifest.parse(Files.readAllBytes(dir.resolve("manifest.json")));
        var onnx = Files.readAllBytes(dir.resolve("model.onnx"));

        ManifestChecks.requireValid(new ModelRef(example, manifest.version()), manifest, onnx);
        assertThat(manifest.samples()).isNotEmpty();
        try (var predictor = LOADER.load(manifest, onnx)) {
            io.mlserve.core.serving.SampleCheck.requireSamplesMatch(manifest, predictor);
        }
        assertThat(manifest.producedBy().path("candidates").size()).as("every candidate's metrics").isEqualTo(2);
        var baseline = Json.read(Files.readAllBytes(dir.resolve("baseline.json")), io.mlserve.core.baseline.Baseline.class);
        assertThat(baseline.rows()).isPositive();
        assertThat(baseline.features()).extracting(io.mlserve.core.baseline.Baseline.Distribution::name)
                .containsExactlyElementsOf(manifest.features().stream().map(io.mlserve.core.model.Feature::name).toList());
    }

    private static ModelManifest edit(String example, java.util.function.Consumer<ObjectNode> change) throws Exception {
        var tree = ModelFolder.of(example).manifestTree();
        change.accept(tree);
        return ModelManifest.parse(Json.MAPPER.writeValueAsBytes(tree));
    }

    @Test
    void load_shouldRefuseNamingTheInput_whenAPerFeatureInputIsNotFed() throws Exception {
        var manifest = edit("sklearn-churn", m -> {
            var features = m.withArray("features");
            for (int i = 0; i < features.size(); i++) {
                if (features.get(i).path("name").asText().equals("contract")) {
                    features.remove(i);
                    break;
                }
            }
        });

        assertThatThrownBy(() -> LOADER.load(manifest, ModelFolder.of("sklearn-churn").onnx()))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("ONNX input 'contract' is not fed by any manifest feature");
    }

    @Test
    void load_shouldRefuseNamingTheInput_whenFeatureTypeDiffersFromGraph() throws Exception {
        var manifest = edit("sklearn-churn", m -> m.withArray("features").forEach(f -> {
            if (f.path("name").asText().equals("tenure_months")) {
                ((ObjectNode) f).put("type", "string");
            }
        }));

        assertThatThrownBy(() -> LOADER.load(manifest, ModelFolder.of("sklearn-churn").onnx()))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("ONNX input 'tenure_months' is INT64 but feature 'tenure_months' is string");
    }

    @Test
    void load_shouldRefuse_whenZipMapKeyTypeDiffersFromLabels() throws Exception {
        var manifest = edit("sklearn-iris-int", m -> {
            var labels = ((ObjectNode) m.get("output")).putArray("labels");
            labels.add("setosa").add("versicolor").add("virginica");
        });

        assertThatThrownBy(() -> LOADER.load(manifest, ModelFolder.of("sklearn-iris-int").onnx()))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("maps INT64 labels but output.labels are STRING");
    }

    @Test
    void load_shouldRefuse_whenGraphHasFixedBatchTheManifestDoesNotDeclare() throws Exception {
        var dir = Path.of("src", "test", "resources", "fixed-batch");
        var tree = (ObjectNode) Json.MAPPER.readTree(dir.resolve("manifest.json").toFile());
        ((ObjectNode) tree.get("input")).remove("batch");
        var manifest = ModelManifest.parse(Json.MAPPER.writeValueAsBytes(tree));

        assertThatThrownBy(() -> LOADER.load(manifest, Files.readAllBytes(dir.resolve("model.onnx"))))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("ONNX input 'input' has a fixed batch size of 1; export it with a dynamic batch axis or declare input.batch");
    }

    @Test
    void predict_shouldFeedRowByRow_whenManifestDeclaresBatchOfOne() throws Exception {
        var dir = Path.of("src", "test", "resources", "fixed-batch");
        var manifest = ModelManifest.parse(Files.readAllBytes(dir.resolve("manifest.json")));
        var body = Json.parseRequest("{\"instances\": [{\"a\": 1, \"b\": 1}, {\"a\": 2, \"b\": 0}, {\"a\": 0, \"b\": -1}]}");

        try (var predictor = LOADER.load(manifest, Files.readAllBytes(dir.resolve("model.onnx")))) {
            var values = predictor.predict(new InstanceParser(10).parse(body, manifest).batch());

            assertThat(values).extracting(p -> ((Prediction.Regression) p).value()).containsExactly(5.0, 4.0, -3.0);
        }
    }
}
