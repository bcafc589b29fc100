package io.mlserve.core.testing;

import io.mlserve.core.baseline.Baseline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Baselines for drift tests, built the way {@code docs/drift.md} describes (decile inner edges, bin i =
 * (edges[i-1], edges[i]], a seeded sample of at most 10,000 values, category frequencies) without the
 * production builder, so drift tests do not depend on it.
 */
public final class TestBaselines {
    private static final int MAX_SAMPLE = 10_000;

    private TestBaselines() {}

    /**
     * @param name column name
     * @param values the reference values
     * @return its numeric distribution
     */
    public static Baseline.Distribution numeric(String name, double[] values) {
        var sorted = values.clone();
        Arrays.sort(sorted);
        var edges = new ArrayList<Double>();
        for (int decile = 1; decile <= 9; decile++) {
            double e = quantile(sorted, decile / 10.0);
            if (edges.isEmpty() || e > edges.get(edges.size() - 1)) {
                edges.add(e);
            }
        }
        var counts = new long[edges.size() + 1];
        for (double x : values) {
            int bin = 0;
            while (bin < edges.size() && edges.get(bin) < x) {
                bin++;
            }
            counts[bin]++;
        }
        var sample = new ArrayList<Double>();
        for (double x : values) {
            sample.add(x);
        }
        Collections.shuffle(sample, new Random(7));
        if (sample.size() > MAX_SAMPLE) {
            sample = new ArrayList<>(sample.subList(0, MAX_SAMPLE));
        }
        double mean = Arrays.stream(values).average().orElse(Double.NaN);
        double std = Math.sqrt(Arrays.stream(values).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, values.length - 1));
        var summary = Map.of("min", sorted[0], "p25", quantile(sorted, 0.25), "p50", quantile(sorted, 0.5),
                "p75", quantile(sorted, 0.75), "max", sorted[sorted.length - 1], "mean", mean, "std", std);
        return new Baseline.Distribution(name, "numeric", values.length, 0, List.copyOf(edges),
                Arrays.stream(counts).boxed().toList(), null, List.copyOf(sample), summary);
    }

    /**
     * @param name column name
     * @param values the reference values
     * @return its categorical distribution
     */
    public static Baseline.Distribution categorical(String name, List<String> values) {
        var frequencies = new TreeMap<String, Long>();
        values.forEach(v -> frequencies.merge(v, 1L, Long::sum));
        return new Baseline.Distribution(name, "categorical", values.size(), 0, null, null, frequencies, null, null);
    }

    /**
     * @param model model name
     * @param version version
     * @param features per-feature distributions, manifest order
     * @param prediction the predictions' distribution
     * @return the baseline
     */
    public static Baseline of(String model, String version, List<Baseline.Distribution> features, Baseline.Distribution prediction) {
        long rows = features.isEmpty() ? 0 : features.get(0).count();
        return new Baseline(1, model, version, "reference", "test", "2026-11-24T00:00:00Z", rows, features, prediction);
    }

    /** numpy's default (linear) quantile of sorted values. */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
