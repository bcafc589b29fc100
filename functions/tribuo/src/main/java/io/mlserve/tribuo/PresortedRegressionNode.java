package io.mlserve.tribuo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.tribuo.Dataset;
import org.tribuo.common.tree.AbstractTrainingNode;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.regression.Regressor;

/**
 * A one-output regression tree node at training time that finds its split by one pass over presorted
 * rows ({@link PresortedColumns}), with the choices of Tribuo's {@code RegressorTrainingNode} under
 * mean squared error: midpoint thresholds between adjacent distinct values; score = (left squared
 * error + right squared error) / node weight, the first strictly lowest wins and must beat the node's
 * impurity (its weighted variance) and the minimum decrease (by a relative 1e-12, so that rounding
 * does not break ties); Tribuo's leaf rules; a leaf holds the
 * weighted mean and variance of its targets.
 *
 * <p>Unlike Tribuo, whose float sums of squares lose most digits at this scale, targets and sums are
 * doubles, and a node's sums are taken around its mean.
 */
final class PresortedRegressionNode extends AbstractTrainingNode<Regressor> {
    private static final long serialVersionUID = 1L;
    /*
     * A split must beat the best so far by more than rounding. Two features often cut a small node into
     * the same two sets of rows; their sums then differ only in summation order, and without this margin
     * the order in which tied rows happen to be stored would pick the feature. With it, the first wins,
     * as in Tribuo.
     */
    private static final double TIE = 1 - 1e-12;

    private final transient Tree tree;
    private final int from;
    private final int to;
    private final float weightSum;
    private final double mean;

    /** What every node of one tree shares. */
    private record Tree(PresortedColumns columns, double[] targets, String dimension) {}

    /**
     * Makes the root: reads and sorts the dataset.
     *
     * @param examples the training rows, one output dimension
     * @param leafDeterminer depth and weight limits
     * @throws IllegalArgumentException for more than one output dimension
     */
    PresortedRegressionNode(Dataset<Regressor> examples, LeafDeterminer leafDeterminer) {
        this(root(examples), 0, examples.size(), 0, leafDeterminer);
    }

    private PresortedRegressionNode(Tree tree, int from, int to, int depth, LeafDeterminer leafDeterminer) {
        super(depth, to - from, leafDeterminer);
        this.tree = tree;
        this.from = from;
        this.to = to;
        int[] rows = tree.columns().order[0];
        float[] weights = tree.columns().weights;
        float floatWeight = 0f;
        double weight = 0;
        double weightedSum = 0;
        for (int p = from; p < to; p++) {
            floatWeight += weights[rows[p]];
            weight += weights[rows[p]];
            weightedSum += weights[rows[p]] * tree.targets()[rows[p]];
        }
        this.weightSum = floatWeight; // as Tribuo sums it, for its minChildWeight test
        this.mean = weightedSum / weight;
        double squaredError = 0;
        for (int p = from; p < to; p++) {
            double error = tree.targets()[rows[p]] - mean;
            squaredError += weights[rows[p]] * error * error;
        }
        this.impurityScore = squaredError / weight;
    }

    private static Tree root(Dataset<Regressor> examples) {
        var domain = examples.getOutputIDInfo().getDomain();
        if (domain.size() != 1) {
            throw new IllegalArgumentException("the presorted regression tree fits one output, got " + domain.size());
        }
        double[] targets = new double[examples.size()];
        for (int row = 0; row < targets.length; row++) {
            targets[row] = examples.getExample(row).getOutput().getValues()[0];
        }
        return new Tree(PresortedColumns.forDataset(examples), targets, domain.iterator().next().getNames()[0]);
    }

    @Override
    public float getWeightSum() {
        return weightSum;
    }

    @Override
    public double getImpurity() {
        return impurityScore;
    }

    @Override
    public List<AbstractTrainingNode<Regressor>> buildTree(int[] featureIDs, SplittableRandom rng,
                                                           boolean useRandomSplitPoints) {
        if (useRandomSplitPoints) {
            throw new UnsupportedOperationException("random split points (extra trees) are not implemented");
        }
        PresortedColumns columns = tree.columns();
        double[] targets = tree.targets();
        // totals around the node mean: sum w, sum w*e, sum w*e^2 with e = target - mean
        double totalWeight = 0;
        double totalError = 0;
        double totalSquares = 0;
        int[] anyOrder = columns.order[0];
        for (int p = from; p < to; p++) {
            int row = anyOrder[p];
            double w = columns.weights[row];
            double e = targets[row] - mean;
            totalWeight += w;
            totalError += w * e;
            totalSquares += w * e * e;
        }
        int bestFeature = -1;
        int bestLeftCount = 0;
        double bestThreshold = 0;
        double bestScore = getImpurity();
        for (int featureID : featureIDs) {
            int[] rows = columns.order[featureID];
            int[] ranks = columns.ranks[featureID];
            double leftWeight = 0;
            double leftError = 0;
            double leftSquares = 0;
            for (int p = from; p < to - 1; p++) {
                int row = rows[p];
                double w = columns.weights[row];
                double e = targets[row] - mean;
                leftWeight += w;
                leftError += w * e;
                leftSquares += w * e * e;
                int rank = ranks[row];
                int nextRank = ranks[rows[p + 1]];
                if (rank == nextRank) {
                    continue; // not a boundary between distinct values
                }
                double rightWeight = totalWeight - leftWeight;
                double rightError = totalError - leftError;
                double leftSquaredError = leftSquares - leftError * leftError / leftWeight;
                double rightSquaredError = (totalSquares - leftSquares) - rightError * rightError / rightWeight;
                double score = (leftSquaredError + rightSquaredError) / totalWeight;
                if (score < bestScore * TIE) {
                    bestScore = score;
                    bestFeature = featureID;
                    bestLeftCount = p + 1 - from;
                    bestThreshold = columns.threshold(featureID, rank, nextRank);
                }
            }
        }
        double impurityDecrease = weightSum * (getImpurity() - bestScore);
        if (bestFeature == -1 || impurityDecrease < leafDeterminer.getScaledMinImpurityDecrease()) {
            return Collections.emptyList();
        }
        splitID = bestFeature;
        splitValue = bestThreshold;
        split = true;
        columns.partition(from, to, bestFeature, bestLeftCount);
        int middle = from + bestLeftCount;
        var left = new PresortedRegressionNode(tree, from, middle, depth + 1, leafDeterminer);
        var right = new PresortedRegressionNode(tree, middle, to, depth + 1, leafDeterminer);
        List<AbstractTrainingNode<Regressor>> children = new ArrayList<>(2);
        lessThanOrEqual = childOrLeaf(left, children);
        greaterThan = childOrLeaf(right, children);
        return children;
    }

    private Node<Regressor> childOrLeaf(PresortedRegressionNode child, List<AbstractTrainingNode<Regressor>> children) {
        if (shouldMakeLeaf(child.getImpurity(), child.getWeightSum())) {
            return child.leaf();
        }
        children.add(child);
        return child;
    }

    // Tribuo's leaf: weighted mean and (weight - 1)-normalised variance of the targets
    private LeafNode<Regressor> leaf() {
        int[] rows = tree.columns().order[0];
        float[] weights = tree.columns().weights;
        double leafWeight = 0;
        double variance = 0;
        for (int p = from; p < to; p++) {
            double w = weights[rows[p]];
            double e = tree.targets()[rows[p]] - mean;
            leafWeight += w;
            variance += w * e * e;
        }
        variance = to - from > 1 ? variance / (leafWeight - 1) : 0;
        var prediction = new Regressor.DimensionTuple(tree.dimension(), mean, variance);
        return new LeafNode<>(getImpurity(), prediction, Collections.emptyMap(), false);
    }

    @Override
    public Node<Regressor> convertTree() {
        return split ? createSplitNode() : leaf();
    }
}
