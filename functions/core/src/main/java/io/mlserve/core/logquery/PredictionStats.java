package io.mlserve.core.logquery;

import java.time.Instant;
import java.util.Map;

/**
 * Statistics of one model (or one version) over a time window, as computed by
 * {@link StatsCalculator}.
 *
 * @param model model name
 * @param version the version, or null when every version was counted
 * @param from start of the window, inclusive
 * @param to end of the window, exclusive
 * @param count predicted rows (log items without an error)
 * @param errorCount failed requests (log items with an error; the predict function writes one per
 *     failed request)
 * @param requestCount distinct successful requests among the predicted rows
 * @param latencyMs inference latency percentiles over successful requests
 * @param classes predicted label (as a string) to number of rows, for classifiers; null when no row
 *     had a label
 * @param values target to value quantiles, for regressors ({@code "value"} for a single-target
 *     model); null when no row had a numeric value
 * @param truncated true when the window held more items than the calculator's cap; the statistics
 *     then cover only the newest {@code cap} items
 */
public record PredictionStats(
        String model,
        String version,
        Instant from,
        Instant to,
        long count,
        long errorCount,
        long requestCount,
        Latency latencyMs,
        Map<String, Long> classes,
        Map<String, Quantiles> values,
        boolean truncated) {

    /**
     * The error rate as the log API reports it: {@code errorCount / (count + errorCount)}, failed
     * requests over all items (predicted rows plus failed requests); 0 when there are none.
     *
     * <p>N.B. it weighs a failed request like one row, so big batches dilute it; for "share of failed
     * requests" use {@link #requestErrorRate()}.
     *
     * @return a number from 0 to 1
     */
    public double errorRate() {
        long all = count + errorCount;
        return all == 0 ? 0.0 : (double) errorCount / all;
    }

    /**
     * The share of failed requests: {@code errorCount / (requestCount + errorCount)}; 0 when there
     * are none. This is what a canary guard's {@code maxErrorRate} means.
     *
     * @return a number from 0 to 1
     */
    public double requestErrorRate() {
        long all = requestCount + errorCount;
        return all == 0 ? 0.0 : (double) errorCount / all;
    }

    /**
     * Nearest-rank latency percentiles in milliseconds, each null when there was no successful
     * request.
     *
     * @param p50 median
     * @param p95 95th percentile
     * @param p99 99th percentile
     */
    public record Latency(Double p50, Double p95, Double p99) {}

    /**
     * Nearest-rank quantiles and mean of one regression target.
     *
     * @param count rows with a numeric value for this target
     * @param p05 5th percentile
     * @param p25 25th percentile
     * @param p50 median
     * @param p75 75th percentile
     * @param p95 95th percentile
     * @param mean arithmetic mean
     */
    public record Quantiles(long count, double p05, double p25, double p50, double p75, double p95, double mean) {}
}
