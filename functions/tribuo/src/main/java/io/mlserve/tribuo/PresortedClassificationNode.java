package io.mlserve.tribuo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tribuo.Dataset;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.dtree.impurity.LabelImpurity;
import org.tribuo.common.tree.AbstractTrainingNode;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.util.Util;

/**
 * A classification tree node at training time that finds its split by one pass over presorted rows
 * ({@link PresortedColumns}); the same choices as Tribuo's {@code ClassifierTrainingNode}:
 * <ul>
 *   <li>candidate thresholds are the midpoints between adjacent distinct values present in the node;</li>
 *   <li>a split's score is (weighted impurity of the left counts + of the right counts) / node weight,
 *       the best is the first strictly lowest over the given features in order, and it must beat the
 *       node's own impurity and the minimum impurity decrease;</li>
 *   <li>a child becomes a leaf when it is pure, at the depth limit, or lighter than the minimum child
 *       weight; a leaf holds the normalised weighted class counts and their arg-max.</li>
 * </ul>
 * Label counts are floats as in Tribuo; the Gini score is rearranged (one division per side), so an
 * exact tie between two candidate splits may break differently from Tribuo.
 */
final class PresortedClassificationNode extends AbstractTrainingNode<Label> {
    private static final long serialVersionUID = 1L;

    private final transient Tree tree;
    private final int from;
    private final int to;
    private final float[] labelCounts;
    private final float weightSum;

    /** What every node of one tree shares. */
    private record Tree(PresortedColumns columns, int[] labels, LabelImpurity impurity,
                        ImmutableOutputInfo<Label> labelInfo, boolean gini) {}

    /**
     * Makes the root: reads and sorts the dataset.
     *
     * @param impurity the impurity measure
     * @param examples the training rows
     * @param leafDeterminer depth and weight limits
     */
    PresortedClassificationNode(LabelImpurity impurity, Dataset<Label> examples, LeafDeterminer leafDeterminer) {
        this(root(impurity, examples), 0, examples.size(), 0, leafDeterminer, null);
    }

    private PresortedClassificationNode(Tree tree, int from, int to, int depth, LeafDeterminer leafDeterminer,
                                        float[] labelCounts) {
        super(depth, to - from, leafDeterminer);
        this.tree = tree;
        this.from = from;
        this.to = to;
        this.labelCounts = labelCounts != null ? labelCounts : countLabels(tree, from, to);
        this.weightSum = Util.sum(this.labelCounts);
        this.impurityScore = tree.impurity().impurity(this.labelCounts);
    }

    private static Tree root(LabelImpurity impurity, Dataset<Label> examples) {
        ImmutableOutputInfo<Label> labelInfo = examples.getOutputIDInfo();
        int[] labels = new int[examples.size()];
        for (int row = 0; row < labels.length; row++) {
            labels[row] = labelInfo.getID(examples.getExample(row).getOutput());
        }
        return new Tree(PresortedColumns.forDataset(examples), labels, impurity, labelInfo, impurity instanceof GiniIndex);
    }

    private static float[] countLabels(Tree tree, int from, int to) {
        float[] counts = new float[tree.labelInfo().size()];
        int[] rows = tree.columns().order[0];
        for (int p = from; p < to; p++) {
            counts[tree.labels()[rows[p]]] += tree.columns().weights[rows[p]];
        }
        return counts;
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
    public List<AbstractTrainingNode<Label>> buildTree(int[] featureIDs, SplittableRandom rng,
                                                       boolean useRandomSplitPoints) {
        if (useRandomSplitPoints) {
            throw new UnsupportedOperationException("random split points (extra trees) are not implemented");
        }
        PresortedColumns columns = tree.columns();
        int[] labels = tree.labels();
        int classes = labelCounts.length;
        float[] left = new float[classes];
        float[] right = new float[classes];
        float[] bestLeft = new float[classes];
        float[] bestRight = new float[classes];
        int bestFeature = -1;
        int bestLeftCount = 0;
        double bestThreshold = 0;
        // the node's own score in the scan's arithmetic, so a split that changes nothing does not win by rounding
        double bestScore = Math.min(getImpurity(), weightedImpurity(labelCounts) / weightSum);
        for (int featureID : featureIDs) {
            int[] rows = columns.order[featureID];
            int[] ranks = columns.ranks[featureID];
            Arrays.fill(left, 0f);
            System.arraycopy(labelCounts, 0, right, 0, classes);
            for (int p = from; p < to - 1; p++) {
                int row = rows[p];
                float weight = columns.weights[row];
                left[labels[row]] += weight;
                right[labels[row]] -= weight;
                int rank = ranks[row];
                int nextRank = ranks[rows[p + 1]];
                if (rank == nextRank) {
                    continue; // not a boundary between distinct values
                }
                double score = (weightedImpurity(left) + weightedImpurity(right)) / weightSum;
                if (score < bestScore) {
                    bestScore = score;
                    bestFeature = featureID;
                    bestLeftCount = p + 1 - from;
                    bestThreshold = columns.threshold(featureID, rank, nextRank);
                    System.arraycopy(left, 0, bestLeft, 0, classes);
                    System.arraycopy(right, 0, bestRight, 0, classes);
                }
            }
        }
        double impurityDecrease = weightSum * (getImpurity() - bestScore);
        if (bestFeature == -1 || impurityDecrease < leafDeterminer.getScaledMinImpurityDecrease()) {
            return Collections.emptyList();
        }
        return splitAt(bestFeature, bestThreshold, bestLeftCount, bestLeft, bestRight);
    }

    /*
     * LabelImpurity.impurityWeighted(float[]): the impurity of the distribution times the weight. For the
     * Gini index, sum * (1 - sum of p^2) = sum - (sum of c^2) / sum: one division instead of one per
     * class (the scan evaluates this twice per distinct value, it is most of a tree's time). Equal to
     * Tribuo's sum * sum of p(1 - p) up to rounding, so exact ties may break differently.
     */
    private double weightedImpurity(float[] counts) {
        if (!tree.gini()) {
            return tree.impurity().impurityWeighted(counts);
        }
        double sum = 0.0;
        double squares = 0.0;
        for (float count : counts) {
            sum += count;
            squares += (double) count * count;
        }
        return sum - squares / sum;
    }

    private List<AbstractTrainingNode<Label>> splitAt(int feature, double threshold, int leftCount,
                                                      float[] leftCounts, float[] rightCounts) {
        splitID = feature;
        splitValue = threshold;
        split = true;
        double leftImpurity = tree.impurity().impurity(leftCounts);
        double rightImpurity = tree.impurity().impurity(rightCounts);
        boolean leftIsLeaf = shouldMakeLeaf(leftImpurity, Util.sum(leftCounts));
        boolean rightIsLeaf = shouldMakeLeaf(rightImpurity, Util.sum(rightCounts));
        if (!(leftIsLeaf && rightIsLeaf)) {
            tree.columns().partition(from, to, feature, leftCount);
        }
        List<AbstractTrainingNode<Label>> children = new ArrayList<>(2);
        int middle = from + leftCount;
        if (leftIsLeaf) {
            lessThanOrEqual = leaf(leftImpurity, leftCounts);
        } else {
            var child = new PresortedClassificationNode(tree, from, middle, depth + 1, leafDeterminer, leftCounts);
            lessThanOrEqual = child;
            children.add(child);
        }
        if (rightIsLeaf) {
            greaterThan = leaf(rightImpurity, rightCounts);
        } else {
            var child = new PresortedClassificationNode(tree, middle, to, depth + 1, leafDeterminer, rightCounts);
            greaterThan = child;
            children.add(child);
        }
        return children;
    }

    // Tribuo's leaf: the class distribution, and the most probable class (first on ties)
    private LeafNode<Label> leaf(double impurity, float[] counts) {
        double[] distribution = Util.normalizeToDistribution(counts);
        double maxScore = Double.NEGATIVE_INFINITY;
        Label maxLabel = null;
        Map<String, Label> scores = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            String name = tree.labelInfo().getOutput(i).getLabel();
            Label label = new Label(name, distribution[i]);
            scores.put(name, label);
            if (distribution[i] > maxScore) {
                maxScore = distribution[i];
                maxLabel = label;
            }
        }
        return new LeafNode<>(impurity, maxLabel, scores, true);
    }

    @Override
    public Node<Label> convertTree() {
        return split ? createSplitNode() : leaf(getImpurity(), labelCounts);
    }
}
