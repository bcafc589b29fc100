package io.mlserve.core.registry;

import io.mlserve.core.error.InvalidInputException;
import java.util.Map;

/**
 * A model's aliases as one consistent value: written together, guarded by one revision number.
 *
 * @param production version serving by default, or null
 * @param canary version taking {@code canaryWeight}% of traffic, or null
 * @param canaryWeight 0–100
 * @param guard limits for automatic rollback of the canary
 * @param revision incremented by every change; writes are conditional on it
 * @param updatedAt ISO-8601 time of the last change
 */
public record Aliases(String production, String canary, int canaryWeight, CanaryGuard guard, long revision, String updatedAt) {
    /** Largest canary weight: all traffic. */
    public static final int MAX_WEIGHT = 100;

    public Aliases {
        if (canaryWeight < 0 || canaryWeight > MAX_WEIGHT) {
            throw new InvalidInputException("INVALID_WEIGHT", "weight must be an integer from 0 to 100",
                    Map.of("weight", canaryWeight));
        }
    }

    /** No aliases yet. */
    public static final Aliases NONE = new Aliases(null, null, 0, null, 0, null);

    /**
     * Picks the version for one request. The same caller key always lands on the same side of the
     * split (so a user sees one model), keys spread evenly over 0–99.
     *
     * @param callerKey a stable key for the caller (API key id, user id), or null for a random pick
     * @param random a number in [0, 100) used when there is no caller key
     * @return the version to serve, or null when there is no production version
     */
    public String choose(String callerKey, int random) {
        if (canary == null || canaryWeight <= 0) {
            return production;
        }
        int bucket = callerKey == null ? random : Math.floorMod(murmurMix(callerKey.hashCode()), 100);
        return bucket < canaryWeight || production == null ? canary : production;
    }

    /** Spreads String.hashCode's poor low bits (finalizer of MurmurHash3). */
    private static int murmurMix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
