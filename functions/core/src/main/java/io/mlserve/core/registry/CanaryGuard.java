package io.mlserve.core.registry;

import io.mlserve.core.error.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Limits that roll a canary back automatically. Every value is checked here, so the API, the stored
 * registry item and the guard itself all get the same rules: a guard that exists is a usable guard.
 *
 * @param maxErrorRate largest tolerated share of failed requests, 0–1 (null: the default)
 * @param maxP95LatencyMs largest tolerated 95th-percentile inference latency, 0–{@value #MAX_LATENCY_MS} ms
 * @param minRequests requests needed in the window before the canary is judged, 1–{@value #MAX_MIN_REQUESTS}
 * @param windowMinutes how far back the guard looks, 1–{@value #MAX_WINDOW_MINUTES}
 * @param maxAccuracyDrop ground truth: the canary is rolled back when its accuracy interval lies entirely below
 *     production's accuracy minus this, 0–1, on the same window (null: not checked)
 * @param maxMapeRise ground truth: rolled back when its MAPE interval lies entirely above production's MAPE plus this
 *     (a fraction, ≥ 0; null: not checked)
 * @param minLabelled labelled predictions each of canary and production needs before quality is judged,
 *     1–{@value #MAX_MIN_REQUESTS} (null: the default, {@value #DEFAULT_MIN_LABELLED})
 * @throws InvalidInputException {@code INVALID_GUARD} naming every value out of range or not finite
 */
public record CanaryGuard(Double maxErrorRate, Double maxP95LatencyMs, Integer minRequests, Integer windowMinutes,
        Double maxAccuracyDrop, Double maxMapeRise, Integer minLabelled) {
    /** Largest latency limit accepted: ten minutes is far beyond any function timeout. */
    public static final double MAX_LATENCY_MS = 600_000;
    /** Largest minimum sample accepted. */
    public static final int MAX_MIN_REQUESTS = 1_000_000;
    /** Largest window accepted: one day. */
    public static final int MAX_WINDOW_MINUTES = 1440;

    /** Labelled predictions needed on each side before quality is judged, when a quality limit is set. */
    public static final int DEFAULT_MIN_LABELLED = 30;

    /** Defaults: 5% errors, 500 ms p95, judged after 20 requests over the last 10 minutes; no quality limits. */
    public static final CanaryGuard DEFAULT = new CanaryGuard(0.05, 500.0, 20, 10);

    /** A guard without quality limits (as guards were before ground truth). */
    public CanaryGuard(Double maxErrorRate, Double maxP95LatencyMs, Integer minRequests, Integer windowMinutes) {
        this(maxErrorRate, maxP95LatencyMs, minRequests, windowMinutes, null, null, null);
    }

    public CanaryGuard {
        var problems = new ArrayList<String>();
        if (maxErrorRate != null && !(Double.isFinite(maxErrorRate) && maxErrorRate >= 0 && maxErrorRate <= 1)) {
            problems.add("maxErrorRate must be a number from 0 to 1");
        }
        if (maxP95LatencyMs != null && !(Double.isFinite(maxP95LatencyMs) && maxP95LatencyMs >= 0 && maxP95LatencyMs <= MAX_LATENCY_MS)) {
            problems.add("maxP95LatencyMs must be a number from 0 to " + (long) MAX_LATENCY_MS);
        }
        if (minRequests != null && (minRequests < 1 || minRequests > MAX_MIN_REQUESTS)) {
            problems.add("minRequests must be an integer from 1 to " + MAX_MIN_REQUESTS);
        }
        if (windowMinutes != null && (windowMinutes < 1 || windowMinutes > MAX_WINDOW_MINUTES)) {
            problems.add("windowMinutes must be an integer from 1 to " + MAX_WINDOW_MINUTES);
        }
        if (maxAccuracyDrop != null && !(Double.isFinite(maxAccuracyDrop) && maxAccuracyDrop >= 0 && maxAccuracyDrop <= 1)) {
            problems.add("maxAccuracyDrop must be a number from 0 to 1");
        }
        if (maxMapeRise != null && !(Double.isFinite(maxMapeRise) && maxMapeRise >= 0)) {
            problems.add("maxMapeRise must be a number from 0 (a fraction: 0.05 is 5 points)");
        }
        if (minLabelled != null && (minLabelled < 1 || minLabelled > MAX_MIN_REQUESTS)) {
            problems.add("minLabelled must be an integer from 1 to " + MAX_MIN_REQUESTS);
        }
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
    }

    private static Integer judgesQualityOf(Double maxAccuracyDrop, Double maxMapeRise) {
        return maxAccuracyDrop != null || maxMapeRise != null ? DEFAULT_MIN_LABELLED : null;
    }

    /** @return true when a ground-truth limit is set */
    public boolean judgesQuality() {
        return maxAccuracyDrop != null || maxMapeRise != null;
    }

    /**
     * @param problems what is wrong, each in words
     * @return the error every guard refusal uses
     */
    public static InvalidInputException invalid(List<String> problems) {
        return new InvalidInputException("INVALID_GUARD", "the canary guard is not valid: " + String.join("; ", problems),
                Map.of("problems", List.copyOf(problems)));
    }

    /** @return this guard with defaults filled in for absent limits */
    public CanaryGuard withDefaults() {
        return new CanaryGuard(
                maxErrorRate != null ? maxErrorRate : DEFAULT.maxErrorRate,
                maxP95LatencyMs != null ? maxP95LatencyMs : DEFAULT.maxP95LatencyMs,
                minRequests != null ? minRequests : DEFAULT.minRequests,
                windowMinutes != null ? windowMinutes : DEFAULT.windowMinutes,
                maxAccuracyDrop, maxMapeRise, minLabelled != null ? minLabelled : judgesQualityOf(maxAccuracyDrop, maxMapeRise));
    }
}
