package io.mlserve.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.model.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reference values are the examples in scikit-learn's own documentation of each metric. */
class MetricsTest {

    private static Prediction label(Object label) {
        return new Prediction.Classification(label, null);
    }

    private static Prediction probs(String... labelThenProbability) {
        var map = new LinkedHashMap<String, Double>();
        String best = null;
        double bestP = -1;
        for (int i = 0; i < labelThenProbability.length; i += 2) {
            double p = Double.parseDouble(labelThenProbability[i + 1]);
            map.put(labelThenProbability[i], p);
            if (p > bestP) {
                bestP = p;
                best = labelThenProbability[i];
            }
        }
        return new Prediction.Classification(best, map);
    }

    @Test
    void compute_shouldMatchScikitLearn_whenMacroF1Example() {
        // f1_score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], average='macro') == 0.26666...
        List<Object> actual = List.of("0", "1", "2", "0", "1", "2");
        var predicted = List.of(label(0L), label(2L), label(1L), label(0L), label(0L), label(1L));

        var m = Metrics.compute(Task.CLASSIFICATION, actual, predicted);

        assertThat(m.get("macro-f1")).isCloseTo(0.26666666666666666, within(1e-12));
        assertThat(m.get("accuracy")).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(m).doesNotContainKey("log-loss"); // no probabilities
    }

    @Test
    void compute_shouldMatchScikitLearn_whenLogLossExample() {
        // log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) == 0.21616...
        List<Object> actual = List.of("spam", "ham", "ham", "spam");
        var predicted = List.of(probs("ham", ".1", "spam", ".9"), probs("ham", ".9", "spam", ".1"),
                probs("ham", ".8", "spam", ".2"), probs("ham", ".35", "spam", ".65"));

        var m = Metrics.compute(Task.CLASSIFICATION, actual, predicted);

        assertThat(m.get("log-loss")).isCloseTo(0.21616187468057912, within(1e-12));
        assertThat(m.get("accuracy")).isEqualTo(1.0);
        assertThat(m.get("macro-f1")).isEqualTo(1.0);
    }

    @Test
    void compute_shouldClipProbabilities_whenTrueClassHasZero() {
        // -ln(1e-15 / (1e-15 + (1 - 1e-15))) = 34.538776394910684
        var m = Metrics.compute(Task.CLASSIFICATION, List.of("a"), List.of(probs("a", "0", "b", "1")));

        assertThat(m.get("log-loss")).isCloseTo(34.538776394910684, within(1e-9));
        assertThat(m.get("accuracy")).isZero();
        assertThat(m.get("macro-f1")).isZero();
    }

    @Test
    void compute_shouldCountPredictedOnlyClasses_inMacroF1() {
        // classes a (F1 2/3: tp 1, fn 1) and b (never true, predicted once: F1 0) -> 1/3
        var m = Metrics.compute(Task.CLASSIFICATION, List.of("a", "a"), List.of(label("a"), label("b")));

        assertThat(m.get("macro-f1")).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(m.get("accuracy")).isEqualTo(0.5);
    }

    @Test
    void compute_shouldMatchScikitLearn_whenRegressionExample() {
        // y_true [3, -0.5, 2, 7], y_pred [2.5, 0.0, 2, 8]: MSE 0.375, MAE 0.5, R² 0.9486081370449679
        List<Object> actual = List.of(3.0, -0.5, 2.0, 7.0);
        List<Prediction> predicted = List.of(new Prediction.Regression(2.5), new Prediction.Regression(0.0),
                new Prediction.Regression(2.0), new Prediction.Regression(8.0));

        var m = Metrics.compute(Task.REGRESSION, actual, predicted);

        assertThat(m).containsOnlyKeys("rmse", "mae", "r2");
        assertThat(m.get("rmse")).isCloseTo(Math.sqrt(0.375), within(1e-12));
        assertThat(m.get("mae")).isCloseTo(0.5, within(1e-12));
        assertThat(m.get("r2")).isCloseTo(0.9486081370449679, within(1e-12));
    }

    @Test
    void compute_shouldFollowScikitLearn_whenActualConstant() {
        List<Object> actual = List.of(2.0, 2.0);

        assertThat(Metrics.compute(Task.REGRESSION, actual,
                List.of(new Prediction.Regression(2.0), new Prediction.Regression(2.0))).get("r2")).isEqualTo(1.0);
        assertThat(Metrics.compute(Task.REGRESSION, actual,
                List.of(new Prediction.Regression(1.0), new Prediction.Regression(2.0))).get("r2")).isEqualTo(0.0);
    }

    @Test
    void compute_shouldRefuse_whenLengthsDiffer() {
        assertThatThrownBy(() -> Metrics.compute(Task.REGRESSION, List.of(1.0), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Metrics.compute(Task.CLASSIFICATION, List.of("a"), List.of(new Prediction.Regression(1.0))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void beats_shouldRespectDirectionAndMargin() {
        assertThat(Metric.ACCURACY.beats(0.91, 0.90, 0.005)).isTrue();
        assertThat(Metric.ACCURACY.beats(0.91, 0.90, 0.02)).isFalse();
        assertThat(Metric.RMSE.beats(1.0, 2.0, 0.5)).isTrue();
        assertThat(Metric.RMSE.beats(2.0, 1.0, 0)).isFalse();
        assertThat(Metric.R2.beats(0.5, 0.5, 0)).isFalse();
        assertThat(Map.of("x", Metric.LOG_LOSS.improvement(0.2, 0.3))).containsEntry("x", 0.09999999999999998);
    }
}
