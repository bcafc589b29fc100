package io.mlserve.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlserve.tribuo.TreeData.Row;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.Entropy;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.common.tree.SplitNode;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.CARTRegressionTrainer;
import org.tribuo.regression.rtree.IndependentRegressionTreeModel;
import org.tribuo.regression.rtree.impurity.MeanSquaredError;

/** The presorted CART trainers against Tribuo's own: same trees, or as good ones where Tribuo rounds in float. */
class PresortedCARTTrainersTest {

    // Tribuo's node tells -0.0 from 0.0 (distinct map keys) and may split between them, a split that
    // inference (value > 0.0) cannot make; the presorted node reads -0.0 as 0.0. The rows avoid -0.0.
    static final List<Row> TRAIN = withoutNegativeZero(TreeData.rows(600, 21));
    static final List<Row> UNSEEN = withoutNegativeZero(TreeData.rows(400, 22));

    @Test
    void classification_shouldGrowTribuosExactTree_whenAllFeaturesAreSearched() {
        for (int classes : new int[] {2, 3}) {
            var data = TreeData.classificationData(TRAIN, classes);

            var tribuo = new CARTClassificationTrainer(8, 3f, 0f, 1f, new GiniIndex(), 7).train(data);
            var presorted = new PresortedCARTClassificationTrainer(8, 3f, 0f, 1f, new GiniIndex(), 7).train(data);

            assertSameTree(presorted.getRoot(), tribuo.getRoot());
            assertThat(presorted.getDepth()).isGreaterThan(4);
        }
    }

    @Test
    void classification_shouldGrowTribuosExactTrees_whenFeaturesAreSampledAndImpurityIsEntropy() {
        // feature sampling draws from the trainer's RNG in Tribuo's loop: the same features at every node
        var data = TreeData.classificationData(TRAIN, 3);
        for (var impurity : List.of(new GiniIndex(), new Entropy())) {
            var tribuo = new RandomForestTrainer<>(new CARTClassificationTrainer(6, 2f, 0f, 0.5f, impurity, 11),
                    new FullyWeightedVotingCombiner(), 5, 3).train(data);
            var presorted = new RandomForestTrainer<>(
                    new PresortedCARTClassificationTrainer(6, 2f, 0f, 0.5f, impurity, 11),
                    new FullyWeightedVotingCombiner(), 5, 3).train(data);

            for (int i = 0; i < 5; i++) {
                assertSameTree(((TreeModel<Label>) presorted.getModels().get(i)).getRoot(),
                        ((TreeModel<Label>) tribuo.getModels().get(i)).getRoot());
            }
        }
    }

    @Test
    void classification_shouldHonourMinImpurityDecreaseAndMinChildWeight_likeTribuo() {
        var data = TreeData.classificationData(TRAIN, 3);

        var tribuo = new CARTClassificationTrainer(12, 25f, 0.002f, 1f, new GiniIndex(), 1).train(data);
        var presorted = new PresortedCARTClassificationTrainer(12, 25f, 0.002f, 1f, new GiniIndex(), 1).train(data);

        assertSameTree(presorted.getRoot(), tribuo.getRoot());
    }

    @Test
    void bagging_shouldTrainTribuosMembers_whenParallelAndSortedOnce() {
        // GIVEN Tribuo's sequential random forest (each bootstrap sample sorted by its tree) and the
        // presorted bagging trainer (one sort, samples derived, 3 members at a time) over the same tree trainer
        var data = TreeData.classificationData(TRAIN, 3);
        var tribuo = new RandomForestTrainer<>(new PresortedCARTClassificationTrainer(6, 2f, 0f, 0.5f, new GiniIndex(), 11),
                new FullyWeightedVotingCombiner(), 7, 3);
        var presorted = new PresortedBaggingTrainer<>(
                new PresortedCARTClassificationTrainer(6, 2f, 0f, 0.5f, new GiniIndex(), 11),
                new FullyWeightedVotingCombiner(), 7, 3, 3);

        // WHEN each trains twice (the second run continues the trainers' invocation counts)
        for (int run = 0; run < 2; run++) {
            var expected = tribuo.train(data);
            var actual = presorted.train(data);

            // THEN the members are the same trees, in the same order
            assertThat(actual.getNumModels()).isEqualTo(7);
            for (int i = 0; i < 7; i++) {
                assertSameTree(((TreeModel<Label>) actual.getModels().get(i)).getRoot(),
                        ((TreeModel<Label>) expected.getModels().get(i)).getRoot());
            }
        }
    }

    @Test
    void bagging_shouldTrainTribuosRegressionMembers_whenFeaturesAreNotSampled() {
        var data = TreeData.regressionData(TRAIN);
        var tribuo = new org.tribuo.ensemble.BaggingTrainer<>(new PresortedCARTRegressionTrainer(6, 3f, 0f, 1f, 2),
                new AveragingCombiner(), 4, 9).train(data);
        var presorted = new PresortedBaggingTrainer<>(new PresortedCARTRegressionTrainer(6, 3f, 0f, 1f, 2),
                new AveragingCombiner(), 4, 9, 2).train(data);

        for (var example : TreeData.regressionData(UNSEEN)) {
            // the same trees; leaf means may differ in the last bits (tied rows are summed in another order)
            assertThat(presorted.predict(example).getOutput().getValues()[0])
                    .isCloseTo(tribuo.predict(example).getOutput().getValues()[0], within(1e-9));
        }
    }

    @Test
    void regression_shouldFitAsWellAsTribuo_whenTribuoSumsInFloat() {
        // GIVEN Tribuo's regression tree (float sums of squares) and the presorted one (double) on the same rows
        var data = TreeData.regressionData(TRAIN);
        var unseen = TreeData.regressionData(UNSEEN);

        // WHEN both grow a tree, alone and in a small forest
        for (float fraction : new float[] {1f, 0.5f}) {
            Model<Regressor> tribuo = new CARTRegressionTrainer(7, 3f, 0f, fraction, new MeanSquaredError(), 5)
                    .train(data);
            Model<Regressor> presorted = new PresortedCARTRegressionTrainer(7, 3f, 0f, fraction, 5).train(data);
            Model<Regressor> tribuoForest = new RandomForestTrainer<>(
                    new CARTRegressionTrainer(7, 3f, 0f, 0.5f, new MeanSquaredError(), 5), new AveragingCombiner(), 10, 4)
                    .train(data);
            Model<Regressor> presortedForest = new RandomForestTrainer<>(
                    new PresortedCARTRegressionTrainer(7, 3f, 0f, 0.5f, 5), new AveragingCombiner(), 10, 4).train(data);

            // THEN the training and held-out errors are Tribuo's to within 2 %
            assertThat(mse(presorted, data)).isCloseTo(mse(tribuo, data), withinPercent(2));
            assertThat(mse(presorted, unseen)).isCloseTo(mse(tribuo, unseen), withinPercent(2));
            assertThat(mse(presortedForest, unseen)).isCloseTo(mse(tribuoForest, unseen), withinPercent(2));
            assertThat(mse(presorted, data)).as("the tree learnt something").isLessThan(0.3 * variance(data));
        }
    }

    @Test
    void regression_shouldSplitWhereTribuoSplits_whenNoFloatNearTies() {
        var data = TreeData.regressionData(TRAIN);

        var tribuo = (IndependentRegressionTreeModel) new CARTRegressionTrainer(3, 3f, 0f, 1f, new MeanSquaredError(), 5)
                .train(data);
        var presorted = new PresortedCARTRegressionTrainer(3, 3f, 0f, 1f, 5).train(data);

        // the shallow levels have clear winners; leaf means differ only by Tribuo's float targets
        assertSameSplits(presorted.getRoot(), tribuo.getRoots().values().iterator().next());
    }

    private static List<Row> withoutNegativeZero(List<Row> rows) {
        rows.forEach(row -> row.values().replaceAll((name, value) -> value + 0.0));
        return rows;
    }

    private static org.assertj.core.data.Percentage withinPercent(double percent) {
        return org.assertj.core.data.Percentage.withPercentage(percent);
    }

    private static double mse(Model<Regressor> model, MutableDataset<Regressor> data) {
        double sum = 0;
        for (var example : data) {
            double error = model.predict(example).getOutput().getValues()[0] - example.getOutput().getValues()[0];
            sum += error * error;
        }
        return sum / data.size();
    }

    private static double variance(MutableDataset<Regressor> data) {
        double mean = 0;
        for (var example : data) {
            mean += example.getOutput().getValues()[0] / data.size();
        }
        double sum = 0;
        for (var example : data) {
            double d = example.getOutput().getValues()[0] - mean;
            sum += d * d;
        }
        return sum / data.size();
    }

    /** Same splits (feature and threshold) and, at the leaves, the same class distributions. */
    private static void assertSameTree(Node<Label> actual, Node<Label> expected) {
        if (expected instanceof SplitNode<Label> split) {
            assertThat(actual).isInstanceOf(SplitNode.class);
            var other = (SplitNode<Label>) actual;
            assertThat(other.getFeatureID()).isEqualTo(split.getFeatureID());
            assertThat(other.splitValue()).isEqualTo(split.splitValue());
            assertSameTree(other.getLessThanOrEqual(), split.getLessThanOrEqual());
            assertSameTree(other.getGreaterThan(), split.getGreaterThan());
        } else {
            assertThat(actual).isInstanceOf(LeafNode.class);
            var leaf = (LeafNode<Label>) actual;
            var expectedLeaf = (LeafNode<Label>) expected;
            assertThat(leaf.getOutput()).isEqualTo(expectedLeaf.getOutput());
            assertThat(leaf.getOutput().getScore()).isEqualTo(expectedLeaf.getOutput().getScore());
            expectedLeaf.getDistribution().forEach((name, label) ->
                    assertThat(leaf.getDistribution().get(name).getScore()).as(name).isEqualTo(label.getScore()));
        }
    }

    private static void assertSameSplits(Node<Regressor> actual, Node<Regressor> expected) {
        if (expected instanceof SplitNode<Regressor> split) {
            assertThat(actual).isInstanceOf(SplitNode.class);
            var other = (SplitNode<Regressor>) actual;
            assertThat(other.getFeatureID()).isEqualTo(split.getFeatureID());
            assertThat(other.splitValue()).isEqualTo(split.splitValue());
            assertSameSplits(other.getLessThanOrEqual(), split.getLessThanOrEqual());
            assertSameSplits(other.getGreaterThan(), split.getGreaterThan());
        } else {
            assertThat(actual).isInstanceOf(LeafNode.class);
            double value = ((LeafNode<Regressor>) actual).getOutput().getValues()[0];
            assertThat(value).isCloseTo(((LeafNode<Regressor>) expected).getOutput().getValues()[0],
                    org.assertj.core.api.Assertions.within(1e-5 * Math.max(1, Math.abs(value))));
        }
    }
}
