package io.mlserve.core.registry;

/**
 * How a canary version behaved over the guard's window.
 *
 * @param requests requests it answered or failed
 * @param errors requests it failed
 * @param p95LatencyMs 95th-percentile inference latency per request (nearest rank), 0 without requests
 */
public record CanaryHealth(int requests, int errors, double p95LatencyMs) {
    /** @return errors / requests, 0 without requests */
    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }
}
