package io.mlserve.core.drift;

import io.mlserve.core.baseline.Baseline;
import io.mlserve.core.baseline.BaselineBuilder;
import io.mlserve.core.drift.DriftReport.FeatureDrift;
import io.mlserve.core.drift.DriftReport.Histogram;
import io.mlserve.core.drift.DriftReport.Verdict;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.model.ModelRef;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares a window of live traffic with a version's baseline and decides the verdict.
 *
 * <p>Per feature: numbers get a two-sample KS test (baseline sample vs current values) and PSI over the
 * baseline's bins; categories get a chi-square test of homogeneity (baseline frequencies vs current
 * counts, a category never seen in the baseline counting as its own category) with Cramér's V, and PSI
 * over the categories. A feature drifts only when its p-value is below the significance level AND its
 * effect size (KS D, Cramér's V) or its PSI exceeds its threshold: with thousands of rows a p-value
 * alone flags shifts too small to matter, and an effect size alone is noise on a few rows.
 *
 * <p>Never a false verdict: no baseline, fewer rows than {@code minSamples}, or no feature that can be
 * judged give {@code insufficient-data}; a feature with too few values in the rows (absent from them,
 * blank, unparsable) or without a usable baseline is reported as not evaluable and counts for neither verdict.
 */
public final class DriftAnalyzer {
    private static final String NUMERIC = BaselineBuilder.NUMERIC;
    private static final String CATEGORICAL = BaselineBuilder.CATEGORICAL;

    private DriftAnalyzer() {}

    /**
     * @param ref the model version whose traffic this is
     * @param baseline the version's baseline, or null when it has none
     * @param config the model's drift settings
     * @param currentRows the window's logged inputs, cells in manifest feature order (blank or null: missing); null: none
     * @param currentPredictions the window's predictions ({@link Prediction}, a label, or a number; null: missing); null: none
     * @param window the rows read, as the report should describe them
     * @param clock for {@code createdAt}
     * @return the report
     */
    public static DriftReport analyze(ModelRef ref, Baseline baseline, DriftConfig config, List<String[]> currentRows,
            List<Object> currentPredictions, DriftReport.Window window, Clock clock) {
        String createdAt = clock.instant().toString();
        currentRows = currentRows == null ? List.of() : currentRows;
        currentPredictions = currentPredictions == null ? List.of() : currentPredictions;
        long samples = currentRows.size();
        if (baseline == null) {
            return new DriftReport(ref.name(), ref.version(), window, samples, Verdict.INSUFFICIENT_DATA,
                    "version " + ref.version() + " has no baseline", List.of(), null, createdAt);
        }
        var features = new ArrayList<FeatureDrift>();
        if (samples < config.minSamples()) {
            String reason = samples + " rows in the window, fewer than minSamples (" + config.minSamples() + ")";
            for (var d : baseline.features()) {
                features.add(notEvaluable(d, config, "too few rows", 0, 0));
            }
            var prediction = baseline.prediction() == null ? null : notEvaluable(baseline.prediction(), config, "too few rows", 0, 0);
            return new DriftReport(ref.name(), ref.version(), window, samples, Verdict.INSUFFICIENT_DATA, reason, features,
                    prediction, createdAt);
        }
        for (int i = 0; i < baseline.features().size(); i++) {
            int column = i;
            var d = baseline.features().get(i);
            var cells = new ArrayList<String>(currentRows.size());
            for (String[] row : currentRows) {
                cells.add(row != null && column < row.length ? row[column] : null);
            }
            features.add(compare(d, cells, config));
        }
        FeatureDrift prediction = null;
        if (baseline.prediction() != null) {
            var cells = new ArrayList<String>(currentPredictions.size());
            for (Object p : currentPredictions) {
                cells.add(predictionCell(p));
            }
            prediction = compare(baseline.prediction(), cells, config);
        }

        var judged = new ArrayList<>(features);
        if (prediction != null) {
            judged.add(prediction);
        }
        var notEvaluable = judged.stream().filter(f -> !f.evaluable()).map(FeatureDrift::name).toList();
        Verdict verdict;
        String reason = null;
        if (notEvaluable.size() == judged.size()) {
            verdict = Verdict.INSUFFICIENT_DATA;
            reason = "no feature could be judged";
        } else {
            verdict = judged.stream().anyMatch(FeatureDrift::drifted) ? Verdict.DRIFT : Verdict.NO_DRIFT;
            if (!notEvaluable.isEmpty()) {
                reason = "not judged: " + String.join(", ", notEvaluable);
            }
        }
        return new DriftReport(ref.name(), ref.version(), window, samples, verdict, reason, features, prediction, createdAt);
    }

    private static FeatureDrift compare(Baseline.Distribution d, List<String> cells, DriftConfig config) {
        return switch (d.kind()) {
            case NUMERIC -> numeric(d, cells, config);
            case CATEGORICAL -> categorical(d, cells, config);
            default -> notEvaluable(d, config, "unknown kind '" + d.kind() + "' in the baseline", 0, cells.size());
        };
    }

    private static FeatureDrift numeric(Baseline.Distribution d, List<String> cells, DriftConfig config) {
        var values = new double[cells.size()];
        int n = 0;
        for (String cell : cells) {
            double x = BaselineBuilder.parseNumber(cell); // the baseline's own rule: NaN for blank, unparsable, not finite
            if (!Double.isNaN(x)) {
                values[n++] = x;
            }
        }
        values = Arrays.copyOf(values, n);
        long missing = cells.size() - n;
        var thresholds = config.thresholdsFor(d.name());
        double[] edges = d.edges() == null ? null : DriftStatistics.toArray(d.edges());
        boolean binned = edges != null && d.counts() != null && d.counts().size() == edges.length + 1
                && d.counts().stream().mapToLong(Long::longValue).sum() > 0;
        long[] currentCounts = binned ? DriftStatistics.histogram(edges, values) : null;
        Histogram baseHist = binned ? numericHistogram(edges, d.counts()) : null;
        Histogram currentHist = binned ? numericHistogram(edges, box(currentCounts)) : null;
        if (n < config.minSamples()) {
            return new FeatureDrift(d.name(), NUMERIC, "ks", false, tooFew(n, cells.size(), config), n, missing, null, null, null,
                    null, thresholds, false, baseHist, currentHist);
        }
        double[] sample = d.sample() == null ? new double[0] : finite(DriftStatistics.toArray(d.sample()));
        if (sample.length < 2) {
            return new FeatureDrift(d.name(), NUMERIC, "ks", false, "the baseline has no sample for this feature", n, missing, null,
                    null, null, null, thresholds, false, baseHist, currentHist);
        }
        var ks = DriftStatistics.ks(sample, values);
        Double psi = binned ? DriftStatistics.psi(unbox(d.counts()), currentCounts) : null;
        boolean drifted = ks.pValue() < thresholds.pValue()
                && (ks.statistic() > thresholds.ks() || (psi != null && psi > thresholds.psi()));
        return new FeatureDrift(d.name(), NUMERIC, "ks", true, null, n, missing, ks.statistic(), ks.pValue(), psi, ks.statistic(),
                thresholds, drifted, baseHist, currentHist);
    }

    private static FeatureDrift categorical(Baseline.Distribution d, List<String> cells, DriftConfig config) {
        var current = new LinkedHashMap<String, Long>();
        long n = 0;
        for (String cell : cells) {
            if (cell != null && !cell.isBlank()) {
                current.merge(cell, 1L, Long::sum);
                n++;
            }
        }
        long missing = cells.size() - n;
        var thresholds = config.thresholdsFor(d.name());
        var base = d.frequencies() == null ? Map.<String, Long>of() : d.frequencies();
        // baseline categories first (most frequent first), then those never seen in the baseline (most frequent first)
        var categories = new ArrayList<String>();
        base.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> categories.add(e.getKey()));
        current.entrySet().stream().filter(e -> !base.containsKey(e.getKey()))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> categories.add(e.getKey()));
        var baseCounts = new long[categories.size()];
        var currentCounts = new long[categories.size()];
        for (int k = 0; k < categories.size(); k++) {
            baseCounts[k] = base.getOrDefault(categories.get(k), 0L);
            currentCounts[k] = current.getOrDefault(categories.get(k), 0L);
        }
        var baseHist = new Histogram(categories, box(baseCounts), null);
        var currentHist = new Histogram(categories, box(currentCounts), null);
        if (n < config.minSamples()) {
            return new FeatureDrift(d.name(), CATEGORICAL, "chi2", false, tooFew(n, cells.size(), config), n, missing, null, null,
                    null, null, thresholds, false, baseHist, currentHist);
        }
        if (Arrays.stream(baseCounts).sum() == 0) {
            return new FeatureDrift(d.name(), CATEGORICAL, "chi2", false, "the baseline has no frequencies for this feature", n,
                    missing, null, null, null, null, thresholds, false, baseHist, currentHist);
        }
        var chi2 = DriftStatistics.chiSquare(baseCounts, currentCounts);
        double psi = DriftStatistics.psi(baseCounts, currentCounts);
        boolean drifted = chi2.pValue() < thresholds.pValue() && (chi2.cramersV() > thresholds.chi2() || psi > thresholds.psi());
        return new FeatureDrift(d.name(), CATEGORICAL, "chi2", true, null, n, missing, chi2.statistic(), chi2.pValue(), psi,
                chi2.cramersV(), thresholds, drifted, baseHist, currentHist);
    }

    private static FeatureDrift notEvaluable(Baseline.Distribution d, DriftConfig config, String reason, long n, long missing) {
        return new FeatureDrift(d.name(), d.kind(), CATEGORICAL.equals(d.kind()) ? "chi2" : "ks", false, reason, n, missing, null,
                null, null, null, config.thresholdsFor(d.name()), false, null, null);
    }

    private static String tooFew(long n, long rows, DriftConfig config) {
        return n == 0
                ? "no value in the " + rows + " rows (absent from the logged rows?)"
                : "only " + n + " of " + rows + " rows have a value, fewer than minSamples (" + config.minSamples() + ")";
    }

    private static String predictionCell(Object p) {
        Object value = switch (p) {
            case null -> null;
            case Prediction.Classification c -> c.label();
            case Prediction.Regression r -> firstTarget(r.value());
            default -> p;
        };
        return value == null ? null : String.valueOf(value);
    }

    /** As the baseline: a number, or the first entry of a target → value map (the manifest's first target). */
    private static Object firstTarget(Object value) {
        return value instanceof Map<?, ?> targets ? (targets.isEmpty() ? null : targets.values().iterator().next()) : value;
    }

    private static double[] finite(double[] values) {
        return Arrays.stream(values).filter(Double::isFinite).toArray();
    }

    private static Histogram numericHistogram(double[] edges, List<Long> counts) {
        var bins = new ArrayList<String>(edges.length + 1);
        if (edges.length == 0) {
            bins.add("all");
        } else {
            bins.add("≤ " + label(edges[0]));
            for (int i = 1; i < edges.length; i++) {
                bins.add("(" + label(edges[i - 1]) + ", " + label(edges[i]) + "]");
            }
            bins.add("> " + label(edges[edges.length - 1]));
        }
        var boxed = new ArrayList<Double>(edges.length);
        for (double e : edges) {
            boxed.add(e);
        }
        return new Histogram(bins, counts, boxed);
    }

    /** Four significant digits, no exponent for everyday magnitudes. */
    static String label(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        double magnitude = Math.abs(x);
        if (magnitude >= 1e-3 && magnitude < 1e6) {
            return new BigDecimal(x).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.3e", x);
    }

    private static List<Long> box(long[] counts) {
        var out = new ArrayList<Long>(counts.length);
        for (long c : counts) {
            out.add(c);
        }
        return out;
    }

    private static long[] unbox(List<Long> counts) {
        return counts.stream().mapToLong(Long::longValue).toArray();
    }
}
