package io.mlserve.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import io.mlserve.core.testing.Manifests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputColumnsTest {

    private static ModelManifest with(Task task, OutputSpec output) {
        var m = Manifests.mixed("x");
        return new ModelManifest(m.schemaVersion(), m.name(), m.version(), task, m.description(), m.features(), m.input(), output,
                m.metrics(), m.sha256(), m.createdAt(), m.producedBy(), m.samples());
    }

    @Test
    void of_shouldNameLabelThenProbabilitiesInLabelOrder_forAClassifier() {
        var columns = OutputColumns.of(Manifests.mixed("x"));
        assertThat(columns.names()).containsExactly("prediction", "probability_no", "probability_yes");
        var cells = new String[4];
        columns.write(new Prediction.Classification("yes", Map.of("yes", 0.75, "no", 0.25)), cells, 1);
        assertThat(cells).containsExactly(null, "yes", "0.25", "0.75");
    }

    @Test
    void of_shouldNameOnlyPrediction_forAClassifierWithoutProbabilities() {
        var columns = OutputColumns.of(with(Task.CLASSIFICATION, new OutputSpec(List.of(0L, 1L), null, "label", null, null)));
        assertThat(columns.names()).containsExactly("prediction");
        var cells = new String[1];
        columns.write(new Prediction.Classification(1L, null), cells, 0);
        assertThat(cells).containsExactly("1");
    }

    @Test
    void of_shouldNamePrediction_forSingleValueRegression() {
        var columns = OutputColumns.of(with(Task.REGRESSION, new OutputSpec(null, null, null, "variable", null)));
        assertThat(columns.names()).containsExactly("prediction");
        var cells = new String[1];
        columns.write(new Prediction.Regression(12.5), cells, 0);
        assertThat(cells).containsExactly("12.5");
    }

    @Test
    void of_shouldNameOneColumnPerTarget_forMultiTargetRegression() {
        var columns = OutputColumns.of(with(Task.REGRESSION, new OutputSpec(null, null, null, "variable", List.of("heat", "cool"))));
        assertThat(columns.names()).containsExactly("prediction_heat", "prediction_cool");
        var values = new LinkedHashMap<String, Double>();
        values.put("cool", 2.0);
        values.put("heat", 1.0);
        var cells = new String[2];
        columns.write(new Prediction.Regression(values), cells, 0);
        assertThat(cells).containsExactly("1.0", "2.0");
    }
}
