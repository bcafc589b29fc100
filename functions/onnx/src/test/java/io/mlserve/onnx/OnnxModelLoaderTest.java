package io.mlserve.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OnnxModelLoaderTest {
    private static final OnnxModelLoader LOADER = new OnnxModelLoader(1);
    private final ModelFolder iris = ModelFolder.of("iris");

    /** Asserts predictions equal the producer's recorded ones: labels exactly, numbers within 1e-5. */
    static void assertMatchesExpected(List<Prediction> predictions, JsonNode expectedResponse) {
        var expected = expectedResponse.path("predictions");
        assertThat(predictions).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertSame("predictions[" + i + "]", expected.get(i), Json.MAPPER.valueToTree(predictions.get(i)));
        }
    }

    private static void assertSame(String path, JsonNode expected, JsonNode actual) {
        if (expected.isNumber()) {
            assertThat(actual.isNumber()).as(path + " is a number").isTrue();
            assertThat(actual.doubleValue()).as(path).isCloseTo(expected.doubleValue(), within(1e-5));
        } else if (expected.isObject()) {
            assertThat(actual.isObject()).as(path + " is an object").isTrue();
            assertThat(actual.size()).as(path + " size").isEqualTo(expected.size());
            expected.fieldNames().forEachRemaining(f -> assertSame(path + "." + f, expected.get(f), actual.get(f)));
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    @Test
    void predict_shouldMatchTribuosOwnPredictions_whenIrisSampleFed() {
        try (var predictor = LOADER.load(iris.manifest(), iris.onnx())) {
            var predictions = predictor.predict(iris.sampleInstances().batch());

            assertMatchesExpected(predictions, iris.json("expected-response.json"));
        }
    }

    @Test
    void predict_shouldGiveSameAnswers_whenManyThreadsShareOneSession() throws Exception {
        try (var predictor = LOADER.load(iris.manifest(), iris.onnx());
                var pool = Executors.newFixedThreadPool(8)) {
            var batch = iris.sampleInstances().batch();
            var reference = predictor.predict(batch);
            var futures = new ArrayList<Future<List<Prediction>>>();
            for (int i = 0; i < 400; i++) {
                futures.add(pool.submit(() -> predictor.predict(batch)));
            }
            for (var f : futures) {
                assertThat(f.get()).isEqualTo(reference);
            }
        }
    }

    private ModelManifest edited(Consumer<ObjectNode> edit) throws IOException {
        var tree = iris.manifestTree();
        edit.accept(tree);
        return ModelManifest.parse(Json.MAPPER.writeValueAsBytes(tree));
    }

    @Test
    void load_shouldRejectNamingTheInput_whenManifestListsMoreFeaturesThanTheGraphTakes() throws Exception {
        var manifest = edited(m -> m.withArray("features").addObject().put("name", "extra").put("type", "float"));

        assertThatThrownBy(() -> LOADER.load(manifest, iris.onnx()))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("ONNX input 'input' has 4 columns but the manifest lists 5 features");
    }

    @Test
    void load_shouldReject_whenInputNameWrong() throws Exception {
        var manifest = edited(m -> ((ObjectNode) m.get("input")).put("name", "features"));

        assertThatThrownBy(() -> LOADER.load(manifest, iris.onnx()))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("ONNX input 'input' is not fed by the manifest")
                .hasMessageContaining("ONNX input 'features' does not exist");
    }

    @Test
    void load_shouldReject_whenLabelCountDiffersFromProbabilityColumns() throws Exception {
        var manifest = edited(m -> ((ObjectNode) m.get("output")).withArray("labels").remove(2));

        assertThatThrownBy(() -> LOADER.load(manifest, iris.onnx()))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("has 3 columns but output.labels lists 2");
    }

    @Test
    void load_shouldReject_whenOutputNameUnknown() throws Exception {
        var manifest = edited(m -> ((ObjectNode) m.get("output")).put("probabilities", "scores"));

        assertThatThrownBy(() -> LOADER.load(manifest, iris.onnx()))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("output.probabilities names 'scores'");
    }

    @Test
    void load_shouldReject_whenTypeDeclaredDouble_butGraphTakesFloat() throws Exception {
        var manifest = edited(m -> ((ObjectNode) m.get("input")).put("type", "double"));

        assertThatThrownBy(() -> LOADER.load(manifest, iris.onnx()))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("is FLOAT but input.type says double");
    }

    @Test
    void load_shouldReject_whenBytesAreNotOnnx() {
        assertThatThrownBy(() -> LOADER.load(iris.manifest(), "definitely not a protobuf".getBytes()))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("cannot be loaded by ONNX Runtime");
    }
}
