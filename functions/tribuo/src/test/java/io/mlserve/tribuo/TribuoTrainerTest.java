package io.mlserve.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

class TribuoTrainerTest {

    static final Path IRIS_CSV = IrisFiles.MODEL_DIR.resolve("iris.csv");

    static TrainedClassifier trained;

    @BeforeAll
    static void train() throws Exception {
        trained = TribuoTrainer.logisticRegression().train(IRIS_CSV, "species");
    }

    @Test
    void train_shouldOrderFeaturesByTribuoFeatureId_whenCsvOrderDiffers() {
        assertThat(trained.featureNames()).containsExactly("petal_length", "petal_width", "sepal_length", "sepal_width");
    }

    @Test
    void train_shouldOrderLabelsByTribuoOutputId_whenLabelsAreStrings() {
        assertThat(trained.labels()).containsExactlyInAnyOrder("setosa", "versicolor", "virginica");
        for (int k = 0; k < trained.labels().size(); k++) {
            assertThat(trained.model().getOutputIDInfo().getOutput(k).getLabel()).isEqualTo(trained.labels().get(k));
        }
    }

    @Test
    void train_shouldHoldOut30PercentOfEachClass_whenSplitting() {
        assertThat(trained.split().trainRows()).isEqualTo(105);
        assertThat(trained.split().testRows()).isEqualTo(45);
        assertThat(trained.data().size()).isEqualTo(150);
    }

    @Test
    void train_shouldReportHighHeldOutMetrics_whenTrainedOnIris() {
        assertThat(trained.metrics()).containsOnlyKeys("accuracy", "macroF1");
        assertThat(trained.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.9);
        assertThat(trained.metrics().get("macroF1")).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void train_shouldGiveIdenticalProbabilities_whenTrainedTwiceWithSameSeed() throws Exception {
        // GIVEN a second run of the same recipe
        TrainedClassifier again = TribuoTrainer.logisticRegression().train(IRIS_CSV, "species");

        // WHEN both models score every row
        // THEN metrics, column orders and every probability are identical
        assertThat(again.metrics()).isEqualTo(trained.metrics());
        assertThat(again.featureNames()).isEqualTo(trained.featureNames());
        assertThat(again.labels()).isEqualTo(trained.labels());
        for (var example : trained.data()) {
            var first = trained.probabilities(trained.model().predict(example));
            var second = again.probabilities(again.model().predict(example));
            assertThat(second).isEqualTo(first);
        }
    }

    @Test
    void train_shouldResetTrainerRandomness_whenSameTrainerInstanceIsReused() throws Exception {
        var trainer = new TribuoTrainer(new LogisticRegressionTrainer(), 0.7, 12345L);

        var first = trainer.train(IRIS_CSV, "species");
        var second = trainer.train(IRIS_CSV, "species");

        var row = first.data().getExample(77);
        assertThat(second.probabilities(second.model().predict(row)))
                .isEqualTo(first.probabilities(first.model().predict(row)));
    }

    @Test
    void predict_shouldMatchDatasetPrediction_whenGivenInstanceMap() {
        for (var example : trained.data()) {
            var fromMap = trained.predict(trained.instance(example));
            var direct = trained.model().predict(example);
            assertThat(fromMap.getOutput().getLabel()).isEqualTo(direct.getOutput().getLabel());
            trained.probabilities(direct)
                    .forEach((label, p) -> assertThat(trained.probabilities(fromMap).get(label)).isCloseTo(p, within(1e-12)));
        }
    }

    @Test
    void train_shouldUseAnyCsvColumnOrder_whenTargetIsNotLast(@TempDir Path dir) throws Exception {
        // GIVEN the iris rows with the target first and the features reversed
        var lines = Files.readAllLines(IRIS_CSV);
        var reordered = lines.stream()
                .map(line -> line.split(","))
                .map(c -> String.join(",", c[4], c[3], c[2], c[1], c[0]))
                .toList();
        Path csv = dir.resolve("reordered.csv");
        Files.write(csv, reordered);

        // WHEN trained
        var other = TribuoTrainer.logisticRegression().train(csv, "species");

        // THEN Tribuo's orders do not depend on the CSV layout
        assertThat(other.featureNames()).isEqualTo(trained.featureNames());
        assertThat(other.labels()).isEqualTo(trained.labels());
    }

    @Test
    void constructor_shouldReject_whenTrainFractionOutOfRange() {
        assertThatThrownBy(() -> new TribuoTrainer(new LogisticRegressionTrainer(), 1.0, 1L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainFraction");
    }

    @Test
    void bounds_shouldWidenByObservedWidthAndStayNonNegative_whenDataNonNegative() {
        assertThat(OnnxModelExporter.lowerBound(4.3, 7.9)).isEqualTo(0.0);
        assertThat(OnnxModelExporter.upperBound(4.3, 7.9)).isEqualTo(12.0);
        assertThat(OnnxModelExporter.lowerBound(10.0, 12.0)).isEqualTo(8.0);
        assertThat(OnnxModelExporter.lowerBound(-1.0, 1.0)).isEqualTo(-3.0);
    }
}
