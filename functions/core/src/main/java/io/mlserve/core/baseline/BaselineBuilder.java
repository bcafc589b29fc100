package io.mlserve.core.baseline;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Summarises reference rows and their predictions into a {@link Baseline}. Pure and deterministic: the same
 * rows give the same baseline, byte for byte. The rules (also in {@code docs/drift.md}):
 *
 * <ul>
 *   <li>Numeric cells (float, double, int64 features; regression predictions) are parsed as decimal numbers; a
 *       blank, unparsable, NaN or infinite cell is {@code missing} and enters nothing else.
 *   <li>Bin edges: for the sorted values {@code v[1..n]} and {@code i = 1..9}, the decile {@code v[⌈i·n/10⌉]}
 *       (nearest rank, numpy's {@code method="inverted_cdf"}, rank computed exactly in integers). Edges equal to
 *       the previous edge or to the maximum are dropped, so the edges are distinct and ascending, there are fewer
 *       than 9 when values repeat, and every bin holds at least one baseline value (no empty baseline bin).
 *   <li>Bin {@code i} holds {@code edges[i-1] < x <= edges[i]}; the first bin is {@code x <= edges[0]}, the last
 *       {@code x > edges[last]}; {@code counts} has {@code edges.size() + 1} entries summing to {@code count}.
 *   <li>Summary: min, max; p25, p50, p75 by linear interpolation between closest ranks (numpy's default
 *       {@code method="linear"}); mean; std is the population standard deviation (numpy's default {@code ddof=0}).
 *   <li>Sample: all values when there are at most {@value #MAX_SAMPLE}, else a reservoir sample (Algorithm R,
 *       {@link SplittableRandom} seeded with {@value #SAMPLE_SEED}) over the values in row order; sorted ascending.
 *   <li>String features and classification labels: frequency per exact text (no trimming); a blank cell is
 *       missing. Keys sorted.
 *   <li>Multi-target regression: the prediction distribution is over the first target (the manifest's first).
 * </ul>
 */
public final class BaselineBuilder {
    /** Largest numeric sample kept per column. */
    public static final int MAX_SAMPLE = 10_000;

    /** Seed of the reservoir sample, fixed so a baseline is reproducible. */
    public static final long SAMPLE_SEED = 20_261_124L;

    /** Number of quantile bins aimed for (deciles); fewer when values repeat. */
    static final int BINS = 10;

    /** Current {@link Baseline#schemaVersion()}. */
    public static final int SCHEMA_VERSION = 1;

    /** {@link Baseline.Distribution#kind()} of numbers. */
    public static final String NUMERIC = "numeric";

    /** {@link Baseline.Distribution#kind()} of categories. */
    public static final String CATEGORICAL = "categorical";

    /** {@link Baseline.Distribution#name()} of the predictions. */
    public static final String PREDICTION = "prediction";

    private BaselineBuilder() {}

    /**
     * @param ref the version
     * @param source {@code training} or {@code reference}
     * @param data where the rows came from
     * @param createdAt ISO-8601
     * @param features the manifest's features (string features are categorical, the rest numeric)
     * @param rows text cells per row, in {@code features} order
     * @param task the version's task
     * @param predictions the version's prediction for each row, same order
     * @return the baseline
     * @throws IllegalArgumentException when a row has the wrong number of cells, the predictions do not match the
     *     rows in number, or a prediction does not match the task
     */
    public static Baseline build(ModelRef ref, String source, String data, String createdAt, List<Feature> features, List<String[]> rows,
            Task task, List<Prediction> predictions) {
        if (predictions.size() != rows.size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions for " + rows.size() + " rows");
        }
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).length != features.size()) {
                throw new IllegalArgumentException(
                        "row " + r + " has " + rows.get(r).length + " cells for " + features.size() + " features");
            }
        }
        var distributions = new ArrayList<Baseline.Distribution>(features.size());
        for (int f = 0; f < features.size(); f++) {
            var feature = features.get(f);
            var cells = new ArrayList<String>(rows.size());
            for (var row : rows) {
                cells.add(row[f]);
            }
            distributions.add(feature.type().isNumeric()
                    ? numeric(feature.name(), parseNumbers(cells))
                    : categorical(feature.name(), cells));
        }
        return new Baseline(SCHEMA_VERSION, ref.name(), ref.version(), source, data, createdAt, rows.size(), List.copyOf(distributions),
                prediction(task, predictions));
    }

    private static Baseline.Distribution prediction(Task task, List<Prediction> predictions) {
        if (task == Task.CLASSIFICATION) {
            var labels = new ArrayList<String>(predictions.size());
            for (var prediction : predictions) {
                if (!(prediction instanceof Prediction.Classification c)) {
                    throw new IllegalArgumentException("classification task but a " + kindOf(prediction) + " prediction");
                }
                labels.add(c.label() == null ? null : String.valueOf(c.label()));
            }
            return categorical(PREDICTION, labels);
        }
        var values = new double[predictions.size()];
        for (int i = 0; i < values.length; i++) {
            if (!(predictions.get(i) instanceof Prediction.Regression r)) {
                throw new IllegalArgumentException("regression task but a " + kindOf(predictions.get(i)) + " prediction");
            }
            values[i] = firstTarget(r.value());
        }
        return numeric(PREDICTION, values);
    }

    private static String kindOf(Prediction prediction) {
        return prediction == null ? "null" : prediction.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    /** A Double, or the first entry of a target → value map (the predictor keeps the manifest's target order). */
    private static double firstTarget(Object value) {
        Object first = value instanceof Map<?, ?> targets && !targets.isEmpty() ? targets.values().iterator().next() : value;
        return first instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Non-finite entries mark missing cells. */
    private static double[] parseNumbers(List<String> cells) {
        var values = new double[cells.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = parseNumber(cells.get(i));
        }
        return values;
    }

    /**
     * @param cell a text cell, or null
     * @return its value, or NaN when blank, unparsable or not finite (drift parses current traffic with it too)
     */
    public static double parseNumber(String cell) {
        if (cell == null || cell.isBlank()) {
            return Double.NaN;
        }
        var text = cell.strip();
        // Double.parseDouble also takes Java-only spellings ("1d", "0x1p3"); a CSV number has none of them
        char last = text.charAt(text.length() - 1);
        if (!(Character.isDigit(last) || last == '.') || text.contains("x") || text.contains("X")) {
            return Double.NaN;
        }
        try {
            double value = Double.parseDouble(text);
            return Double.isFinite(value) ? value : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * @param name column name
     * @param values parsed values, NaN where missing
     * @return its numeric distribution
     */
    static Baseline.Distribution numeric(String name, double[] values) {
        var present = Arrays.stream(values).filter(Double::isFinite).toArray();
        long missing = values.length - present.length;
        var sample = reservoir(present, MAX_SAMPLE, SAMPLE_SEED);
        Arrays.sort(sample);
        var sorted = present.clone();
        Arrays.sort(sorted);
        var edges = edges(sorted);
        return new Baseline.Distribution(name, NUMERIC, sorted.length, missing, boxed(edges), boxed(counts(sorted, edges)), null,
                boxed(sample), sorted.length == 0 ? null : summary(sorted));
    }

    /**
     * @param sorted values, ascending, all finite
     * @return the inner decile edges: distinct, ascending, each an observed value below the maximum
     */
    static double[] edges(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            return new double[0];
        }
        var edges = new double[BINS - 1];
        int kept = 0;
        for (int i = 1; i < BINS; i++) {
            long rank = Math.max(1, ((long) i * n + BINS - 1) / BINS); // ⌈i·n/10⌉, exact
            double edge = sorted[(int) rank - 1];
            if (edge < sorted[n - 1] && (kept == 0 || edge > edges[kept - 1])) {
                edges[kept++] = edge;
            }
        }
        return Arrays.copyOf(edges, kept);
    }

    /**
     * @param sorted values, ascending
     * @param edges inner edges, ascending
     * @return values per bin, bin i = {@code (edges[i-1], edges[i]]} with open outer bins
     */
    static long[] counts(double[] sorted, double[] edges) {
        var counts = new long[edges.length + 1];
        for (double value : sorted) {
            counts[bin(edges, value)]++;
        }
        return counts;
    }

    /**
     * The bin a value falls in, as drift must count current traffic.
     *
     * @param edges inner edges, ascending
     * @param value a finite value
     * @return the index of the first edge {@code >= value}, or {@code edges.length} when above all edges
     */
    public static int bin(double[] edges, double value) {
        int i = Arrays.binarySearch(edges, value);
        return i >= 0 ? i : -i - 1;
    }

    private static Map<String, Double> summary(double[] sorted) {
        int n = sorted.length;
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        double mean = sum / n;
        double squares = 0;
        for (double v : sorted) {
            squares += (v - mean) * (v - mean);
        }
        var summary = new LinkedHashMap<String, Double>();
        summary.put("min", sorted[0]);
        summary.put("p25", linearQuantile(sorted, 0.25));
        summary.put("p50", linearQuantile(sorted, 0.5));
        summary.put("p75", linearQuantile(sorted, 0.75));
        summary.put("max", sorted[n - 1]);
        summary.put("mean", mean);
        summary.put("std", Math.sqrt(squares / n));
        return summary;
    }

    /**
     * numpy's {@code quantile(method="linear")}, including its two-sided interpolation (from the upper neighbour
     * when the fraction is at least 0.5) so results match it to the last bit.
     *
     * @param sorted values, ascending, not empty
     * @param p probability in [0, 1]
     * @return the quantile
     */
    static double linearQuantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        if (lo >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        double t = h - lo;
        double a = sorted[lo];
        double b = sorted[lo + 1];
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    /**
     * Algorithm R: the first {@code max} values, then value {@code i} replaces a random slot with probability
     * {@code max/(i+1)}.
     *
     * @param values the values, in row order
     * @param max sample size
     * @param seed random seed
     * @return at most {@code max} of the values (all of them, in order, when there are no more than {@code max})
     */
    static double[] reservoir(double[] values, int max, long seed) {
        if (values.length <= max) {
            return values.clone();
        }
        var sample = Arrays.copyOf(values, max);
        var random = new SplittableRandom(seed);
        for (int i = max; i < values.length; i++) {
            long j = random.nextLong(i + 1L);
            if (j < max) {
                sample[(int) j] = values[i];
            }
        }
        return sample;
    }

    /**
     * @param name column name
     * @param cells text per row, null or blank when missing
     * @return its categorical distribution
     */
    static Baseline.Distribution categorical(String name, List<String> cells) {
        var frequencies = new TreeMap<String, Long>();
        long missing = 0;
        for (var cell : cells) {
            if (cell == null || cell.isBlank()) {
                missing++;
            } else {
                frequencies.merge(cell, 1L, Long::sum);
            }
        }
        return new Baseline.Distribution(name, CATEGORICAL, cells.size() - missing, missing, null, null, frequencies, null, null);
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    private static List<Long> boxed(long[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
