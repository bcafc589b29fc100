package io.mlserve.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.inference.FeatureBatch;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.Predictor;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.testing.Manifests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SampleCheckTest {
    private static Predictor predicting(Function<FeatureBatch, List<Prediction>> answer) {
        return new Predictor() {
            @Override
            public List<Prediction> predict(FeatureBatch batch) {
                return answer.apply(batch);
            }

            @Override
            public void close() {}
        };
    }

    private static ModelManifest withSamples(List<ModelManifest.Sample> samples) {
        var m = Manifests.mixed("a".repeat(64));
        return new ModelManifest(1, m.name(), m.version(), m.task(), null, m.features(), m.input(), m.output(), m.metrics(),
                m.sha256(), m.createdAt(), null, samples);
    }

    private static final Map<String, Object> ROW = Map.of("amount", 10.0, "ratio", 0.5, "count", 2, "plan", "pro");

    @Test
    void requireSamplesMatch_shouldPass_whenModelAgreesWithinTolerance() {
        var expected = JsonNodeFactory.instance.objectNode().put("label", "yes");
        expected.putObject("probabilities").put("no", 0.2).put("yes", 0.8);

        SampleCheck.requireSamplesMatch(withSamples(List.of(new ModelManifest.Sample(ROW, expected))),
                predicting(b -> List.of(new Prediction.Classification("yes", Map.of("no", 0.200004, "yes", 0.799996)))));
    }

    @Test
    void requireSamplesMatch_shouldReject_whenLabelOrProbabilityDiffers() {
        var expected = JsonNodeFactory.instance.objectNode().put("label", "yes");
        expected.putObject("probabilities").put("no", 0.2).put("yes", 0.8);
        var manifest = withSamples(List.of(new ModelManifest.Sample(ROW, expected)));

        assertThatThrownBy(() -> SampleCheck.requireSamplesMatch(manifest,
                predicting(b -> List.of(new Prediction.Classification("no", Map.of("no", 0.6, "yes", 0.4))))))
                .isInstanceOf(ModelRejectedException.class)
                .hasMessageContaining("samples[0].label")
                .hasMessageContaining("samples[0].probabilities.no");
    }

    @Test
    void requireSamplesMatch_shouldRunARowFromTheSchema_whenThereAreNoSamples() {
        var seen = new ArrayList<FeatureBatch>();
        SampleCheck.requireSamplesMatch(withSamples(null), predicting(b -> {
            seen.add(b);
            return List.of(new Prediction.Classification("no", null));
        }));

        assertThat(seen).singleElement().satisfies(b -> {
            assertThat(b.doubles(0)).containsExactly(50.0); // middle of [0, 100]
            assertThat(b.strings(3)).containsExactly("basic"); // first allowed value
        });
    }

    @Test
    void requireSamplesMatch_shouldReject_whenTheModelFailsOnTheSmokeRow() {
        assertThatThrownBy(() -> SampleCheck.requireSamplesMatch(withSamples(null), predicting(b -> {
            throw new IllegalStateException("ONNX Runtime: shape mismatch in node Gemm");
        }))).isInstanceOf(ModelRejectedException.class).hasMessageContaining("shape mismatch in node Gemm");
    }

    @Test
    void requireSamplesMatch_shouldReject_whenSamplesDoNotFitTheFeatures() {
        var manifest = withSamples(List.of(new ModelManifest.Sample(Map.of("amount", "lots"), null)));

        assertThatThrownBy(() -> SampleCheck.requireSamplesMatch(manifest, predicting(b -> List.of())))
                .isInstanceOf(ModelRejectedException.class).hasMessageContaining("samples do not fit");
    }
}
