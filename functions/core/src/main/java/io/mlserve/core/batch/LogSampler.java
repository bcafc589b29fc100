package io.mlserve.core.batch;

/**
 * Chooses which batch rows go to the prediction log: a fixed share, decided by a hash of (job, range,
 * row) alone, so a retried range logs exactly the rows its first attempt logged (and, with the
 * deterministic log keys the engine uses, overwrites them instead of adding more).
 */
public final class LogSampler {
    private static final long SCALE = 1L << 53;
    private final long threshold;
    private final long jobSeed;

    /**
     * @param jobId the job
     * @param rate share of rows to log, 0–1
     */
    public LogSampler(String jobId, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("sample rate must be within [0, 1], got " + rate);
        }
        this.threshold = rate >= 1 ? SCALE : (long) (rate * SCALE);
        long seed = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < jobId.length(); i++) {
            seed = mix(seed ^ jobId.charAt(i));
        }
        this.jobSeed = seed;
    }

    /**
     * @param range range index
     * @param row the row's position in the range (0-based, rejected rows counted too)
     * @return true when the row is logged
     */
    public boolean sampled(int range, long row) {
        if (threshold == 0) {
            return false;
        }
        long h = mix(jobSeed ^ mix(((long) range << 40) ^ row));
        return (h >>> 11) < threshold;
    }

    /** SplitMix64's finalizer: a fast, well-spread 64-bit mix. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
