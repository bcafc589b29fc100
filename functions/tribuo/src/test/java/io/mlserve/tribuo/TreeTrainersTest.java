package io.mlserve.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.training.Algorithm;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.ensemble.WeightedEnsembleModel;


/** Which Tribuo trainer each tree algorithm gets, and how parameters are read. */
class TreeTrainersTest {

    static final java.util.List<TreeData.Row> TRAIN = TreeData.rows(300, 11);

    @Test
    void classification_shouldBuildCartHonouringMaxDepth_whenAlgorithmIsCart() {
        var params = TreeEnsembleExporterTest.cartParams();
        params.put("maxDepth", 3);

        var trainer = TreeTrainers.classification(Algorithm.CART, params);
        var model = (TreeModel<?>) trainer.train(TreeData.classificationData(TRAIN, 3));

        assertThat(trainer).isInstanceOf(CARTClassificationTrainer.class);
        assertThat(model.getDepth()).isBetween(1, 3);
    }

    @Test
    void regression_shouldBuildCart_whenAlgorithmIsCart() {
        assertThat(TreeTrainers.regression(Algorithm.CART, TreeEnsembleExporterTest.cartParams()))
                .isInstanceOf(PresortedCARTRegressionTrainer.class);
    }

    @Test
    void classification_shouldBuildRandomForestOfRequestedSize_whenFractionBelowOne() {
        var trainer = TreeTrainers.classification(Algorithm.RANDOM_FOREST, TreeEnsembleExporterTest.forestParams());
        var model = (WeightedEnsembleModel<?>) trainer.train(TreeData.classificationData(TRAIN, 3));

        assertThat(trainer).isInstanceOf(PresortedBaggingTrainer.class);
        assertThat(model.getNumModels()).isEqualTo(25);
        assertThat(model.getName()).isEqualTo("random-forest-ensemble");
    }

    @Test
    void regression_shouldBagTrees_whenFractionIsOne() {
        // Tribuo's RandomForestTrainer refuses a fraction of 1: that forest is plain bagging
        var params = TreeEnsembleExporterTest.forestParams();
        params.put("fractionFeaturesInSplit", 1.0);

        var trainer = TreeTrainers.regression(Algorithm.RANDOM_FOREST, params);
        var model = trainer.train(TreeData.regressionData(TRAIN));

        assertThat(trainer).isInstanceOf(PresortedBaggingTrainer.class);
        assertThat(model.getName()).isEqualTo("bagging-ensemble");
    }

    @Test
    void randomForest_shouldRepeatPredictions_whenSeedIsSame_andChange_whenSeedDiffers() {
        var data = TreeData.classificationData(TRAIN, 3);
        var unseen = TreeData.rows(50, 12);
        var params = TreeEnsembleExporterTest.forestParams();
        var first = TreeData.tribuo(TreeTrainers.classification(Algorithm.RANDOM_FOREST, params).train(data),
                unseen, new LabelFactory());
        var again = TreeData.tribuo(TreeTrainers.classification(Algorithm.RANDOM_FOREST, params).train(data),
                unseen, new LabelFactory());
        params.put("seed", 8);
        var other = TreeData.tribuo(TreeTrainers.classification(Algorithm.RANDOM_FOREST, params).train(data),
                unseen, new LabelFactory());

        assertThat(again).isDeepEqualTo(first);
        assertThat(java.util.Arrays.deepEquals(other, first)).isFalse();
    }

    @Test
    void params_shouldAcceptAnyIntegralNumber_whenJsonGaveLongOrDouble() {
        var params = new HashMap<String, Object>(
                Map.of("maxDepth", 4L, "minChildWeight", 2, "fractionFeaturesInSplit", 1, "seed", 9.0, "trees", 3L));

        var model = TreeTrainers.regression(Algorithm.RANDOM_FOREST, params).train(TreeData.regressionData(TRAIN));

        assertThat(((WeightedEnsembleModel<?>) model).getNumModels()).isEqualTo(3);
    }

    @Test
    void classification_shouldNameTheParam_whenOneIsMissing() {
        var params = TreeEnsembleExporterTest.forestParams();
        params.remove("trees");

        assertThatThrownBy(() -> TreeTrainers.classification(Algorithm.RANDOM_FOREST, params))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trees")
                .hasMessageContaining("missing");
    }

    @Test
    void regression_shouldRefuse_whenParamIsOutOfRangeOrNotIntegral() {
        for (var bad : Map.<String, Object>of(
                "maxDepth", 2.5, "fractionFeaturesInSplit", 0.0, "minChildWeight", -1.0, "seed", "seven").entrySet()) {
            var params = TreeEnsembleExporterTest.cartParams();
            params.put(bad.getKey(), bad.getValue());
            assertThatThrownBy(() -> TreeTrainers.regression(Algorithm.CART, params))
                    .as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.getKey());
        }
    }

    @Test
    void classification_shouldRefuse_whenAlgorithmIsNotATree() {
        assertThatThrownBy(() -> TreeTrainers.classification(Algorithm.LOGISTIC_REGRESSION, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logistic-regression");
    }
}
