package io.mlserve.core.registry;

/**
 * Limits that roll a canary back automatically.
 *
 * @param maxErrorRate largest tolerated share of failed requests (0–1)
 * @param maxP95LatencyMs largest tolerated 95th-percentile inference latency
 * @param minRequests requests needed in the window before the canary is judged
 * @param windowMinutes how far back the guard looks
 */
public record CanaryGuard(Double maxErrorRate, Double maxP95LatencyMs, Integer minRequests, Integer windowMinutes) {
    /** Defaults: 5% errors, 500 ms p95, judged after 20 requests over the last 10 minutes. */
    public static final CanaryGuard DEFAULT = new CanaryGuard(0.05, 500.0, 20, 10);

    /** @return this guard with defaults filled in for absent limits */
    public CanaryGuard withDefaults() {
        return new CanaryGuard(
                maxErrorRate != null ? maxErrorRate : DEFAULT.maxErrorRate,
                maxP95LatencyMs != null ? maxP95LatencyMs : DEFAULT.maxP95LatencyMs,
                minRequests != null ? minRequests : DEFAULT.minRequests,
                windowMinutes != null ? windowMinutes : DEFAULT.windowMinutes);
    }
}
