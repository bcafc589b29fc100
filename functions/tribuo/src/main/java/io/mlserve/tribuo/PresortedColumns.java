package io.mlserve.tribuo;

import java.util.Arrays;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.math.la.SparseVector;
import org.tribuo.math.la.VectorTuple;

/**
 * One tree's training rows, column by column and sorted once: for every feature, each row's value as
 * its rank among the feature's distinct values, and the rows in ascending value order.
 *
 * <p>A training node owns the positions {@code [from, to)} of every feature's order. Splitting a node
 * partitions that range stably (left rows first, each side still in value order), so the children own
 * contiguous sorted ranges again: a tree level costs O(features × rows), never a re-sort. Tribuo's own
 * node instead copies the left rows' indices once per distinct value, which is quadratic in the
 * distinct values and took minutes per tree at 80,000 rows.
 *
 * <p>Values are read as Tribuo's nodes read them: {@link SparseVector} of the example over the
 * dataset's feature map, an absent feature is 0. {@code -0.0} is taken as {@code 0.0}, since the
 * inference comparison ({@code value > threshold}) cannot tell them apart.
 */
final class PresortedColumns {

    /** Number of rows (examples, bootstrap duplicates included). */
    final int rows;
    /** Number of features (the dataset's feature map). */
    final int features;
    /** {@code ranks[f][row]}: rank of the row's value among the distinct values of feature f. */
    final int[][] ranks;
    /** {@code distinct[f][rank]}: the distinct values of feature f, ascending. */
    final double[][] distinct;
    /** {@code order[f][position]}: a row; within every node's range, ascending by feature f. */
    final int[][] order;
    /** Example weights, by row. */
    final float[] weights;

    // scratch for partition: which rows go left, and the right rows while a range is rewritten
    private final boolean[] goesLeft;
    private final int[] rightRows;

    private PresortedColumns(int[][] ranks, double[][] distinct, int[][] order, float[] weights) {
        this.rows = weights.length;
        this.features = ranks.length;
        this.ranks = ranks;
        this.distinct = distinct;
        this.order = order;
        this.weights = weights;
        this.goesLeft = new boolean[rows];
        this.rightRows = new int[rows];
    }

    /**
     * Reads and sorts the feature values of a dataset.
     *
     * @param examples the training rows (e.g. a bootstrap view)
     * @return the sorted columns
     * @throws IllegalArgumentException when a feature value is NaN (Tribuo's trees send NaN to the
     *     less-or-equal side at inference, which no split learned from sorted values reproduces)
     */
    static PresortedColumns of(Dataset<?> examples) {
        ImmutableFeatureMap featureMap = examples.getFeatureIDMap();
        int rows = examples.size();
        int features = featureMap.size();
        double[][] values = new double[features][rows];
        float[] weights = new float[rows];
        for (int row = 0; row < rows; row++) {
            Example<?> example = examples.getExample(row);
            weights[row] = example.getWeight();
            for (VectorTuple tuple : SparseVector.createSparseVector(example, featureMap, false)) {
                if (Double.isNaN(tuple.value)) {
                    throw new IllegalArgumentException("feature " + featureMap.get(tuple.index).getName()
                            + " is NaN in example " + row + "; the tree trainers need numbers");
                }
                values[tuple.index][row] = tuple.value + 0.0; // -0.0 + 0.0 == +0.0
            }
        }
        int[][] ranks = new int[features][];
        double[][] distinct = new double[features][];
        int[][] order = new int[features][];
        for (int f = 0; f < features; f++) {
            double[] column = values[f];
            values[f] = null;
            distinct[f] = distinctSorted(column);
            ranks[f] = new int[rows];
            for (int row = 0; row < rows; row++) {
                ranks[f][row] = Arrays.binarySearch(distinct[f], column[row]);
            }
            order[f] = countingSort(ranks[f], distinct[f].length);
        }
        return new PresortedColumns(ranks, distinct, order, weights);
    }

    private static double[] distinctSorted(double[] column) {
        double[] sorted = column.clone();
        Arrays.sort(sorted);
        int count = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (count == 0 || sorted[i] != sorted[count - 1]) {
                sorted[count++] = sorted[i];
            }
        }
        return Arrays.copyOf(sorted, count);
    }

    // rows by ascending rank, ties in row order
    private static int[] countingSort(int[] ranks, int distinctCount) {
        int[] start = new int[distinctCount + 1];
        for (int rank : ranks) {
            start[rank + 1]++;
        }
        for (int r = 0; r < distinctCount; r++) {
            start[r + 1] += start[r];
        }
        int[] order = new int[ranks.length];
        for (int row = 0; row < ranks.length; row++) {
            order[start[ranks[row]]++] = row;
        }
        return order;
    }

    /**
     * The split threshold between two values of a feature that are adjacent in a node: their midpoint,
     * as Tribuo's nodes place it. Should the midpoint round onto the upper value (adjacent doubles), the
     * lower value is used so that {@code value > threshold} still sends exactly the upper rows right.
     *
     * @param feature feature id
     * @param lowerRank rank of the largest value going left
     * @param upperRank rank of the smallest value going right
     * @return the threshold
     */
    double threshold(int feature, int lowerRank, int upperRank) {
        double lower = distinct[feature][lowerRank];
        double upper = distinct[feature][upperRank];
        double midpoint = (lower + upper) / 2.0;
        return midpoint < upper ? midpoint : lower;
    }

    /**
     * Splits a node's range in every feature's order: the rows at positions {@code [from, from + leftCount)}
     * of the split feature's order move to the front of the range, the others behind them, both sides
     * keeping their value order.
     *
     * @param from first position of the node
     * @param to one past the node's last position
     * @param splitFeature the feature whose order defines the left rows
     * @param leftCount how many rows go left
     */
    void partition(int from, int to, int splitFeature, int leftCount) {
        int[] byValue = order[splitFeature];
        int middle = from + leftCount;
        for (int p = from; p < to; p++) {
            goesLeft[byValue[p]] = p < middle;
        }
        for (int f = 0; f < features; f++) {
            if (f == splitFeature) {
                continue; // already partitioned: its left rows are the front of the range
            }
            int[] rowsOfF = order[f];
            int left = from;
            int right = 0;
            for (int p = from; p < to; p++) {
                int row = rowsOfF[p];
                if (goesLeft[row]) {
                    rowsOfF[left++] = row;
                } else {
                    rightRows[right++] = row;
                }
            }
            System.arraycopy(rightRows, 0, rowsOfF, middle, right);
        }
    }
}
