package io.mlserve.core.training;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.model.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Held-out metrics from predictions, the same code for candidates and the serving version. Definitions follow
 * scikit-learn: {@code accuracy_score}, {@code f1_score(average="macro")} over the labels present in either the actual
 * or the predicted labels (a class never predicted correctly scores 0), {@code log_loss} with probabilities clipped to
 * [1e-15, 1 − 1e-15] and each row renormalised, {@code root_mean_squared_error}, {@code mean_absolute_error},
 * {@code r2_score} (1 when the actual values are constant and predicted exactly, else 0 for constant actual values).
 */
public final class Metrics {
    /** Probability clipping of log-loss, as scikit-learn's former default {@code eps=1e-15}. */
    public static final double LOG_LOSS_EPS = 1e-15;

    private Metrics() {}

    /**
     * @param task classification (accuracy, macro-f1, log-loss; log-loss needs probabilities) or regression (rmse, mae, r2)
     * @param actual per row: label text or Double
     * @param predicted per row, the model's prediction (labels compared as text)
     * @return every metric of the task, keyed by {@link Metric#specName()} (log-loss left out when a prediction has no
     *     probabilities)
     * @throws IllegalArgumentException when the lists are empty, differ in length or hold the other task's predictions
     */
    public static Map<String, Double> compute(Task task, List<Object> actual, List<Prediction> predicted) {
        if (actual.isEmpty() || actual.size() != predicted.size()) {
            throw new IllegalArgumentException("metrics need as many predictions as actual values (at least one), got "
                    + predicted.size() + " and " + actual.size());
        }
        return task == Task.CLASSIFICATION ? classification(actual, predicted) : regression(actual, predicted);
    }

    private static Map<String, Double> classification(List<Object> actual, List<Prediction> predicted) {
        int n = actual.size();
        var labels = new TreeSet<String>();
        String[] truth = new String[n];
        String[] guess = new String[n];
        boolean probabilities = true;
        for (int i = 0; i < n; i++) {
            if (!(predicted.get(i) instanceof Prediction.Classification c)) {
                throw new IllegalArgumentException("row " + i + " has a regression prediction; classification metrics need labels");
            }
            truth[i] = String.valueOf(actual.get(i));
            guess[i] = String.valueOf(c.label());
            labels.add(truth[i]);
            labels.add(guess[i]);
            probabilities &= c.probabilities() != null;
        }
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += truth[i].equals(guess[i]) ? 1 : 0;
        }
        double f1Sum = 0;
        for (String label : labels) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < n; i++) {
                boolean isTrue = truth[i].equals(label);
                boolean isGuess = guess[i].equals(label);
                tp += isTrue && isGuess ? 1 : 0;
                fp += !isTrue && isGuess ? 1 : 0;
                fn += isTrue && !isGuess ? 1 : 0;
            }
            // F1 = 2TP / (2TP + FP + FN); 0 when the class was never right (scikit-learn's zero_division result)
            f1Sum += tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
        }
        var metrics = new LinkedHashMap<String, Double>();
        metrics.put(Metric.ACCURACY.specName(), (double) correct / n);
        metrics.put(Metric.MACRO_F1.specName(), f1Sum / labels.size());
        if (probabilities) {
            double loss = 0;
            for (int i = 0; i < n; i++) {
                var probs = ((Prediction.Classification) predicted.get(i)).probabilities();
                double sum = 0;
                for (double p : probs.values()) {
                    sum += clip(p);
                }
                Double pTrue = probs.get(truth[i]);
                double p = (pTrue == null ? LOG_LOSS_EPS : clip(pTrue)) / (sum == 0 ? 1 : sum);
                loss -= Math.log(p);
            }
            metrics.put(Metric.LOG_LOSS.specName(), loss / n);
        }
        return metrics;
    }

    private static double clip(double p) {
        return Math.min(1 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, p));
    }

    private static Map<String, Double> regression(List<Object> actual, List<Prediction> predicted) {
        int n = actual.size();
        double mean = 0;
        for (Object a : actual) {
            mean += ((Number) a).doubleValue();
        }
        mean /= n;
        double squared = 0;
        double absolute = 0;
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (!(predicted.get(i) instanceof Prediction.Regression r) || !(r.value() instanceof Number value)) {
                throw new IllegalArgumentException("row " + i + " has no single regression value");
            }
            double y = ((Number) actual.get(i)).doubleValue();
            double e = y - value.doubleValue();
            squared += e * e;
            absolute += Math.abs(e);
            total += (y - mean) * (y - mean);
        }
        var metrics = new LinkedHashMap<String, Double>();
        metrics.put(Metric.RMSE.specName(), Math.sqrt(squared / n));
        metrics.put(Metric.MAE.specName(), absolute / n);
        metrics.put(Metric.R2.specName(), total == 0 ? (squared == 0 ? 1.0 : 0.0) : 1 - squared / total);
        return metrics;
    }
}
