package io.mlserve.core.logquery;

import io.mlserve.core.store.PredictionRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Computes {@link PredictionStats} from the log items of a window. Pure: no I/O, no clock.
 *
 * <p>Definitions:
 *
 * <ul>
 *   <li>An item with an {@code error} is a failed request; any other item is a predicted row.
 *   <li>Latency: the log stores the inference time of the whole request on each of its rows, so
 *       percentiles take one sample per successful request (identified by version, request id and
 *       timestamp), not one per row. Failed requests are left out: they often fail fast and would
 *       flatter the percentiles.
 *   <li>Percentiles use the nearest-rank method on the exact sorted samples: the p-th percentile of
 *       {@code n} samples is the {@code ⌈p·n/100⌉}-th smallest (1-based). It is always an observed
 *       value; no interpolation.
 *   <li>Classes: {@code output.label} as a string, counted per row. Values: {@code output.value}
 *       when a number (target {@code "value"}), or each numeric entry when a map of target to
 *       number; non-numeric values (e.g. a stored {@code "NaN"}) are skipped.
 * </ul>
 *
 * <p>N.B. at most {@code maxItems} items are read (newest first, as readers yield them); beyond
 * that the result says {@code truncated}.
 */
public final class StatsCalculator {
    /** Default cap on the items read for one result. */
    public static final int DEFAULT_MAX_ITEMS = 100_000;

    private final int maxItems;

    /** A calculator capped at {@value #DEFAULT_MAX_ITEMS} items. */
    public StatsCalculator() {
        this(DEFAULT_MAX_ITEMS);
    }

    /**
     * @param maxItems most items read for one result
     * @throws IllegalArgumentException when {@code maxItems} is not positive
     */
    public StatsCalculator(int maxItems) {
        if (maxItems < 1) {
            throw new IllegalArgumentException("maxItems must be positive: " + maxItems);
        }
        this.maxItems = maxItems;
    }

    /**
     * @param query the model, version and window the items were read for (echoed in the result)
     * @param items the window's items; consumed up to the cap (plus one item to detect truncation),
     *     not closed
     * @return the statistics
     */
    public PredictionStats compute(PredictionQuery query, Stream<PredictionRecord> items) {
        long count = 0;
        long errors = 0;
        Map<RequestKey, Double> requestLatency = new HashMap<>();
        Map<String, Long> classes = new TreeMap<>();
        Map<String, List<Double>> values = new TreeMap<>();
        boolean truncated = false;
        long seen = 0;
        var iterator = items.iterator();
        while (iterator.hasNext()) {
            if (seen == maxItems) {
                truncated = true;
                break;
            }
            var item = iterator.next();
            seen++;
            if (item.failed()) {
                errors++;
                continue;
            }
            count++;
            requestLatency.putIfAbsent(new RequestKey(item.model().version(), item.requestId(), item.timestamp()), item.latencyMs());
            var output = item.output();
            if (output == null) {
                continue;
            }
            if (output.containsKey("label") && output.get("label") != null) {
                classes.merge(String.valueOf(output.get("label")), 1L, Long::sum);
            }
            switch (output.get("value")) {
                case Number n -> addValue(values, "value", n);
                case Map<?, ?> targets -> targets.forEach((target, v) -> {
                    if (v instanceof Number n) {
                        addValue(values, String.valueOf(target), n);
                    }
                });
                case null, default -> {}
            }
        }
        var latencies = requestLatency.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        var latency = latencies.length == 0
                ? new PredictionStats.Latency(null, null, null)
                : new PredictionStats.Latency(nearestRank(latencies, 50), nearestRank(latencies, 95), nearestRank(latencies, 99));
        Map<String, PredictionStats.Quantiles> quantiles = new TreeMap<>();
        values.forEach((target, list) -> quantiles.put(target, quantiles(list)));
        return new PredictionStats(
                query.model(),
                query.version(),
                query.from(),
                query.to(),
                count,
                errors,
                requestLatency.size(),
                latency,
                classes.isEmpty() ? null : classes,
                quantiles.isEmpty() ? null : quantiles,
                truncated);
    }

    private static void addValue(Map<String, List<Double>> values, String target, Number n) {
        double v = n.doubleValue();
        if (Double.isFinite(v)) {
            values.computeIfAbsent(target, t -> new ArrayList<>()).add(v);
        }
    }

    private static PredictionStats.Quantiles quantiles(List<Double> list) {
        var sorted = list.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).sum() / sorted.length;
        return new PredictionStats.Quantiles(
                sorted.length,
                nearestRank(sorted, 5),
                nearestRank(sorted, 25),
                nearestRank(sorted, 50),
                nearestRank(sorted, 75),
                nearestRank(sorted, 95),
                mean);
    }

    /**
     * Nearest-rank percentile; integer arithmetic so {@code ⌈p·n/100⌉} has no rounding error.
     *
     * @param sorted samples in ascending order, not empty
     * @param percent 1..100
     * @return the {@code ⌈percent·n/100⌉}-th smallest sample
     */
    static double nearestRank(double[] sorted, int percent) {
        long n = sorted.length;
        long rank = (percent * n + 99) / 100;
        return sorted[(int) Math.max(1, rank) - 1];
    }

    /** Rows of one request share version, request id and timestamp. */
    private record RequestKey(String version, String requestId, Instant timestamp) {}
}
