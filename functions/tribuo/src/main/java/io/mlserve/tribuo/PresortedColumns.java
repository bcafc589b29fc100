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

    private static final int RADIX_BITS = 11;
    private static final int RADIX = 1 << RADIX_BITS;

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
            order[f] = sortRows(values[f]);
            ranks[f] = new int[rows];
            distinct[f] = rank(values[f], order[f], ranks[f]);
            values[f] = null;
        }
        return new PresortedColumns(ranks, distinct, order, weights);
    }

    /** Rows by ascending value, ties in row order: an LSD radix sort on the doubles' ordered bit patterns. */
    static int[] sortRows(double[] column) {
        int n = column.length;
        long[] keys = new long[n];
        int[] rows = new int[n];
        for (int row = 0; row < n; row++) {
            long bits = Double.doubleToRawLongBits(column[row]);
            keys[row] = bits ^ ((bits >> 63) | Long.MIN_VALUE); // negative: flip all bits; positive: the sign bit
            rows[row] = row;
        }
        long[] keysOut = new long[n];
        int[] rowsOut = new int[n];
        int[] counts = new int[RADIX + 1];
        for (int shift = 0; shift < 64; shift += RADIX_BITS) {
            Arrays.fill(counts, 0);
            for (long key : keys) {
                counts[(int) (key >>> shift) & (RADIX - 1)]++;
            }
            if (counts[(int) (keys[0] >>> shift) & (RADIX - 1)] == n) {
                continue; // every key has this digit: the pass would not move anything
            }
            int start = 0;
            for (int digit = 0; digit < RADIX; digit++) {
                int count = counts[digit];
                counts[digit] = start;
                start += count;
            }
            for (int i = 0; i < n; i++) {
                int position = counts[(int) (keys[i] >>> shift) & (RADIX - 1)]++;
                keysOut[position] = keys[i];
                rowsOut[position] = rows[i];
            }
            long[] k = keys;
            keys = keysOut;
            keysOut = k;
            int[] r = rows;
            rows = rowsOut;
            rowsOut = r;
        }
        return rows;
    }

    // fills ranks from the sorted order, returns the distinct values
    private static double[] rank(double[] column, int[] order, int[] ranks) {
        double[] distinct = new double[column.length];
        int count = 0;
        for (int row : order) {
            double value = column[row];
            if (count == 0 || value != distinct[count - 1]) {
                distinct[count++] = value;
            }
            ranks[row] = count - 1;
        }
        return Arrays.copyOf(distinct, count);
    }

    /**
     * The columns of a bootstrap sample of these rows, without sorting: every source row in value order
     * contributes its copies in the sample. O(features × rows).
     *
     * @param sampleRows for each row of the sample, the source row it copies (any multiplicity)
     * @return the sample's columns, rows numbered as in the sample
     */
    PresortedColumns bootstrap(int[] sampleRows) {
        int n = sampleRows.length;
        // copiesStart[r] .. copiesStart[r + 1]: where the sample rows copying source row r are listed
        int[] copiesStart = new int[rows + 1];
        for (int source : sampleRows) {
            copiesStart[source + 1]++;
        }
        for (int r = 0; r < rows; r++) {
            copiesStart[r + 1] += copiesStart[r];
        }
        int[] copies = new int[n];
        int[] next = Arrays.copyOf(copiesStart, rows);
        for (int row = 0; row < n; row++) {
            copies[next[sampleRows[row]]++] = row;
        }
        float[] sampleWeights = new float[n];
        for (int row = 0; row < n; row++) {
            sampleWeights[row] = weights[sampleRows[row]];
        }
        int[][] sampleRanks = new int[features][n];
        int[][] sampleOrder = new int[features][n];
        for (int f = 0; f < features; f++) {
            int[] sourceRanks = ranks[f];
            int[] rankOfF = sampleRanks[f];
            for (int row = 0; row < n; row++) {
                rankOfF[row] = sourceRanks[sampleRows[row]];
            }
            int[] orderOfF = sampleOrder[f];
            int p = 0;
            for (int source : order[f]) {
                for (int k = copiesStart[source]; k < copiesStart[source + 1]; k++) {
                    orderOfF[p++] = copies[k];
                }
            }
        }
        // ranks still index the source's distinct values; some are absent from the sample, which only
        // leaves gaps between ranks (a boundary is any change of rank)
        return new PresortedColumns(sampleRanks, distinct, sampleOrder, sampleWeights);
    }

    // columns already sorted for a dataset about to be trained on by this thread (see prepared)
    private static final ThreadLocal<Prepared> PREPARED = new ThreadLocal<>();

    private record Prepared(Dataset<?> dataset, PresortedColumns columns) {}

    /**
     * Runs an action during which {@link #forDataset} returns the given columns for the given dataset
     * (on this thread): how a bagging trainer hands a bootstrap sample's columns to the tree trainer
     * through Tribuo's {@code Trainer.train(Dataset)}.
     *
     * @param dataset the dataset the tree trainer will be given
     * @param columns its columns
     * @param action the training call
     * @param <R> the action's result
     * @return the action's result
     */
    static <R> R prepared(Dataset<?> dataset, PresortedColumns columns, java.util.function.Supplier<R> action) {
        Prepared previous = PREPARED.get();
        PREPARED.set(new Prepared(dataset, columns));
        try {
            return action.get();
        } finally {
            PREPARED.set(previous);
        }
    }

    /**
     * The columns of a dataset: the prepared ones if this very dataset was prepared, else read and sorted.
     *
     * @param examples the training rows
     * @return their columns (owned by the caller: training partitions them)
     */
    static PresortedColumns forDataset(Dataset<?> examples) {
        Prepared prepared = PREPARED.get();
        if (prepared != null && prepared.dataset() == examples) {
            PREPARED.remove(); // one tree per preparation: a second train would find its columns partitioned
            return prepared.columns();
        }
        return of(examples);
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
