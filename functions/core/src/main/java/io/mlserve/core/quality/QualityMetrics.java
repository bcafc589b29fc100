package io.mlserve.core.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Quality metrics of labelled predictions, each equal to scikit-learn 1.6's on the same pairs (checked to 1e-9 by
 * {@code QualityMetricsReferenceTest} against {@code src/test/resources/quality/reference.json}) and each with its 95%
 * interval ({@link Intervals}).
 */
public final class QualityMetrics {
    /** float64 machine epsilon: scikit-learn clips probabilities to [eps, 1 − eps] in log loss, and floors |y| in MAPE. */
    static final double EPS = Math.ulp(1.0);

    private QualityMetrics() {}

    /** Metrics of a classifier or of a regressor. */
    public sealed interface Metrics permits Classification, Regression {}

    /**
     * A classifier's metrics over the labels present among the actuals or the predictions (scikit-learn's
     * {@code unique_labels}), sorted as text.
     *
     * @param accuracy {@code accuracy_score} (Wilson)
     * @param macroF1 {@code f1_score(average="macro")} (bootstrap)
     * @param precision {@code precision_score(average=None, zero_division=0)} per label (Wilson over the rows predicted as it)
     * @param recall {@code recall_score(average=None, zero_division=0)} per label (Wilson over the rows whose actual it is)
     * @param confusionMatrix {@code confusion_matrix} as {actual: {predicted: n}}, every label in both
     * @param logLoss {@code log_loss(labels=classes)} from the logged probabilities (bootstrap); null when a row has none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Classification(Estimate accuracy, Estimate macroF1, Map<String, Estimate> precision,
            Map<String, Estimate> recall, Map<String, Map<String, Long>> confusionMatrix, Estimate logLoss) implements Metrics {}

    /**
     * A regressor's metrics.
     *
     * @param mae {@code mean_absolute_error}
     * @param rmse {@code sqrt(mean_squared_error)}
     * @param mape {@code mean_absolute_percentage_error} over the rows whose actual is not 0 (a fraction, not percent);
     *     null when every actual is 0
     * @param mapeExcluded rows left out of MAPE because their actual is 0
     * @param r2 {@code r2_score} (null with fewer than 2 rows, where scikit-learn has none)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Regression(Estimate mae, Estimate rmse, Estimate mape, long mapeExcluded, Estimate r2) implements Metrics {}

    // ------------------------------------------------------------------ classification

    /**
     * @param actual the actual label per row (text)
     * @param predicted the predicted label per row (text), same length
     * @param probabilities per row, class label to probability (null entries: no probabilities logged)
     * @return the metrics (at least one row)
     */
    public static Classification classification(List<String> actual, List<String> predicted, List<Map<String, Double>> probabilities) {
        int n = actual.size();
        if (n == 0 || predicted.size() != n || probabilities.size() != n) {
            throw new IllegalArgumentException("need at least one row and as many predictions and probabilities as actuals");
        }
        var labelSet = new TreeSet<String>(actual);
        labelSet.addAll(predicted);
        var labels = List.copyOf(labelSet);
        var index = new LinkedHashMap<String, Integer>();
        labels.forEach(l -> index.put(l, index.size()));
        int k = labels.size();
        int[] a = new int[n];
        int[] p = new int[n];
        long[][] matrix = new long[k][k];
        for (int i = 0; i < n; i++) {
            a[i] = index.get(actual.get(i));
            p[i] = index.get(predicted.get(i));
            matrix[a[i]][p[i]]++;
        }
        double[] rowLoss = rowLogLoss(actual, probabilities);

        long correct = 0;
        var precision = new LinkedHashMap<String, Estimate>();
        var recall = new LinkedHashMap<String, Estimate>();
        var confusion = new LinkedHashMap<String, Map<String, Long>>();
        for (int c = 0; c < k; c++) {
            correct += matrix[c][c];
            long predictedAs = 0;
            long actuallyIs = 0;
            var row = new LinkedHashMap<String, Long>();
            for (int o = 0; o < k; o++) {
                predictedAs += matrix[o][c];
                actuallyIs += matrix[c][o];
                row.put(labels.get(o), matrix[c][o]);
            }
            precision.put(labels.get(c), Intervals.wilson(matrix[c][c], predictedAs));
            recall.put(labels.get(c), Intervals.wilson(matrix[c][c], actuallyIs));
            confusion.put(labels.get(c), row);
        }
        double macroF1 = macroF1(matrixCounts(matrix));
        double logLoss = rowLoss == null ? Double.NaN : mean(rowLoss);

        // one set of resamples for both bootstrapped metrics
        var random = new SplittableRandom(Intervals.SEED);
        double[] f1s = new double[Intervals.RESAMPLES];
        double[] losses = new double[Intervals.RESAMPLES];
        long[] tp = new long[k];
        long[] predictedCount = new long[k];
        long[] actualCount = new long[k];
        for (int b = 0; b < Intervals.RESAMPLES; b++) {
            java.util.Arrays.fill(tp, 0);
            java.util.Arrays.fill(predictedCount, 0);
            java.util.Arrays.fill(actualCount, 0);
            double loss = 0;
            for (int j = 0; j < n; j++) {
                int i = random.nextInt(n);
                predictedCount[p[i]]++;
                actualCount[a[i]]++;
                if (a[i] == p[i]) {
                    tp[a[i]]++;
                }
                if (rowLoss != null) {
                    loss += rowLoss[i];
                }
            }
            f1s[b] = macroF1(new long[][] {tp, predictedCount, actualCount});
            losses[b] = loss / n;
        }
        return new Classification(Intervals.wilson(correct, n), Intervals.percentile(macroF1, f1s), precision, recall, confusion,
                rowLoss == null ? null : Intervals.percentile(logLoss, losses));
    }

    private static long[][] matrixCounts(long[][] matrix) {
        int k = matrix.length;
        long[] tp = new long[k];
        long[] predictedCount = new long[k];
        long[] actualCount = new long[k];
        for (int c = 0; c < k; c++) {
            tp[c] = matrix[c][c];
            for (int o = 0; o < k; o++) {
                predictedCount[c] += matrix[o][c];
                actualCount[c] += matrix[c][o];
            }
        }
        return new long[][] {tp, predictedCount, actualCount};
    }

    /** Mean F1 over the labels seen among actuals or predictions: F1 = 2tp / (2tp + fp + fn) = 2tp / (predicted + actual). */
    private static double macroF1(long[][] counts) {
        long[] tp = counts[0];
        long[] predictedCount = counts[1];
        long[] actualCount = counts[2];
        double sum = 0;
        int labels = 0;
        for (int c = 0; c < tp.length; c++) {
            long denominator = predictedCount[c] + actualCount[c];
            if (denominator > 0) {
                sum += 2.0 * tp[c] / denominator;
                labels++;
            }
        }
        return labels == 0 ? 0 : sum / labels;
    }

    /**
     * −ln p(actual) per row, p clipped to [eps, 1 − eps] as scikit-learn does (no renormalisation); a class the
     * probabilities do not name has p = 0 (clipped to eps). Null when some row has no probabilities.
     */
    private static double[] rowLogLoss(List<String> actual, List<Map<String, Double>> probabilities) {
        double[] loss = new double[actual.size()];
        for (int i = 0; i < loss.length; i++) {
            var row = probabilities.get(i);
            if (row == null || row.isEmpty()) {
                return null;
            }
            Double probability = row.get(actual.get(i));
            double clipped = Math.min(Math.max(probability == null ? 0 : probability, EPS), 1 - EPS);
            loss[i] = -Math.log(clipped);
        }
        return loss;
    }

    // ------------------------------------------------------------------ regression

    /**
     * @param actual actual values
     * @param predicted predicted values, same length
     * @return the metrics (at least one row)
     */
    public static Regression regression(double[] actual, double[] predicted) {
        int n = actual.length;
        if (n == 0 || predicted.length != n) {
            throw new IllegalArgumentException("need at least one row and as many predictions as actuals");
        }
        double[] abs = new double[n];
        double[] squared = new double[n];
        double[] ape = new double[n]; // NaN where the actual is 0
        long excluded = 0;
        for (int i = 0; i < n; i++) {
            double error = actual[i] - predicted[i];
            abs[i] = Math.abs(error);
            squared[i] = error * error;
            if (actual[i] == 0) {
                ape[i] = Double.NaN;
                excluded++;
            } else {
                ape[i] = abs[i] / Math.max(Math.abs(actual[i]), EPS);
            }
        }
        double mae = mean(abs);
        double mse = mean(squared);
        double mape = excluded == n ? Double.NaN : meanIgnoringNaN(ape);
        double r2 = n < 2 ? Double.NaN : r2(actual, squared);

        var random = new SplittableRandom(Intervals.SEED);
        int resamples = Intervals.RESAMPLES;
        double[] maes = new double[resamples];
        double[] rmses = new double[resamples];
        double[] mapes = new double[resamples];
        double[] r2s = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double sumAbs = 0;
            double sumSquared = 0;
            double sumApe = 0;
            long apeRows = 0;
            double sumY = 0;
            double sumY2 = 0;
            for (int j = 0; j < n; j++) {
                int i = random.nextInt(n);
                sumAbs += abs[i];
                sumSquared += squared[i];
                if (!Double.isNaN(ape[i])) {
                    sumApe += ape[i];
                    apeRows++;
                }
                sumY += actual[i];
                sumY2 += actual[i] * actual[i];
            }
            maes[b] = sumAbs / n;
            rmses[b] = Math.sqrt(sumSquared / n);
            mapes[b] = apeRows == 0 ? Double.NaN : sumApe / apeRows;
            double total = sumY2 - sumY * sumY / n;
            // scikit-learn's force_finite: a constant actual gives 1 when predicted exactly, else 0
            r2s[b] = total <= 1e-12 * Math.max(1, sumY2) ? (sumSquared == 0 ? 1 : 0) : 1 - sumSquared / total;
        }
        return new Regression(Intervals.percentile(mae, maes), Intervals.percentile(Math.sqrt(mse), rmses),
                Double.isNaN(mape) ? null : Intervals.percentile(mape, mapes), excluded,
                Double.isNaN(r2) ? null : Intervals.percentile(r2, r2s));
    }

    /** 1 − SS_res / SS_tot, SS_tot around the mean (two passes); a constant actual gives 1 if fitted exactly, else 0. */
    private static double r2(double[] actual, double[] squared) {
        double mean = mean(actual);
        var total = new Sum();
        for (double y : actual) {
            total.add((y - mean) * (y - mean));
        }
        var residual = new Sum();
        for (double s : squared) {
            residual.add(s);
        }
        if (total.value() == 0) {
            return residual.value() == 0 ? 1 : 0;
        }
        return 1 - residual.value() / total.value();
    }

    static double mean(double[] values) {
        var sum = new Sum();
        for (double v : values) {
            sum.add(v);
        }
        return sum.value() / values.length;
    }

    private static double meanIgnoringNaN(double[] values) {
        var sum = new Sum();
        long n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                sum.add(v);
                n++;
            }
        }
        return sum.value() / n;
    }

    /** Neumaier's compensated sum: as exact as numpy's pairwise sum or better, so 100,000 rows stay within 1e-9. */
    static final class Sum {
        private double sum;
        private double compensation;

        void add(double value) {
            double t = sum + value;
            compensation += Math.abs(sum) >= Math.abs(value) ? (sum - t) + value : (value - t) + sum;
            sum = t;
        }

        double value() {
            return sum + compensation;
        }
    }
}
