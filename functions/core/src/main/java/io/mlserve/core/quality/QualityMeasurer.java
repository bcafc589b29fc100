package io.mlserve.core.quality;

import io.mlserve.core.model.ModelRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Joins one version's labelled rows into metrics: what the quality API, the scheduled check, the report page and the
 * canary guard all measure with.
 */
public final class QualityMeasurer {
    private final LabelledRows rows;

    /** @param rows the labelled rows of the prediction log */
    public QualityMeasurer(LabelledRows rows) {
        this.rows = rows;
    }

    /**
     * What was measured for one version on one window.
     *
     * @param count predictions in the window (failed requests not counted)
     * @param labelled those with an actual
     * @param metrics their metrics; null when none is labelled
     */
    public record Measured(long count, long labelled, QualityMetrics.Metrics metrics) {
        /** @return labelled / count, 0 for an empty window */
        public double coverage() {
            return count == 0 ? 0 : (double) labelled / count;
        }
    }

    /**
     * @param version the version
     * @param from window start (prediction time), inclusive
     * @param to window end, exclusive
     * @return its count, labelled rows and metrics
     */
    public Measured measure(ModelRef version, Instant from, Instant to) {
        var window = rows.labelled(version, from, to);
        return new Measured(window.predictions(), window.labelled().size(), metrics(window.labelled()));
    }

    /**
     * @param version the version
     * @param from window start, inclusive
     * @param to window end, exclusive
     * @return the rows themselves (for a caller that splits one read, such as the page's time buckets)
     */
    public LabelledRows.Window read(ModelRef version, Instant from, Instant to) {
        return rows.labelled(version, from, to);
    }

    /**
     * Metrics of labelled rows: a classifier's when the outputs carry a {@code label}, a regressor's otherwise. Rows whose
     * actual does not fit the kind (a text actual on a regressor) are left out; feedback refuses them anyway.
     *
     * @param labelled rows with an actual
     * @return their metrics, or null when none is usable
     */
    public static QualityMetrics.Metrics metrics(List<LabelledRows.LabelledRow> labelled) {
        if (labelled.isEmpty()) {
            return null;
        }
        boolean classifier = labelled.stream().anyMatch(r -> r.output() != null && r.output().containsKey("label"));
        if (classifier) {
            var actual = new ArrayList<String>();
            var predicted = new ArrayList<String>();
            var probabilities = new ArrayList<Map<String, Double>>();
            for (var r : labelled) {
                if (r.output() == null || r.output().get("label") == null || r.actual() == null) {
                    continue;
                }
                actual.add(text(r.actual()));
                predicted.add(text(r.output().get("label")));
                probabilities.add(probabilities(r.output().get("probabilities")));
            }
            return actual.isEmpty() ? null : QualityMetrics.classification(actual, predicted, probabilities);
        }
        var actual = new double[labelled.size()];
        var predicted = new double[labelled.size()];
        int n = 0;
        for (var r : labelled) {
            Double value = value(r.output());
            if (value != null && r.actual() instanceof Number a) {
                actual[n] = a.doubleValue();
                predicted[n++] = value;
            }
        }
        return n == 0 ? null : QualityMetrics.regression(java.util.Arrays.copyOf(actual, n), java.util.Arrays.copyOf(predicted, n));
    }

    /** A label as text: the integer label 1 (logged as 1 or 1.0) is "1", as feedback stores it. */
    static String text(Object label) {
        if (label instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                && Math.abs(number.doubleValue()) < 1e15) {
            return Long.toString(number.longValue());
        }
        return String.valueOf(label);
    }

    private static Map<String, Double> probabilities(Object logged) {
        if (!(logged instanceof Map<?, ?> map) || map.isEmpty()) {
            return null;
        }
        var out = new java.util.HashMap<String, Double>();
        map.forEach((k, v) -> {
            if (v instanceof Number p) {
                out.put(text(k), p.doubleValue());
            }
        });
        return out;
    }

    /** The predicted value: {@code value}, or the first target's of several (as drift reads it). */
    private static Double value(Map<String, Object> output) {
        if (output == null) {
            return null;
        }
        Object value = output.get("value");
        if (value instanceof Map<?, ?> targets) {
            value = targets.isEmpty() ? null : targets.values().iterator().next();
        }
        return value instanceof Number n ? n.doubleValue() : null;
    }
}
