package io.mlserve.core.quality;

import java.util.Arrays;

/** 95% intervals: Wilson's score interval for proportions and the percentile of a seeded bootstrap for the rest. */
public final class Intervals {
    /** The standard normal's 97.5% quantile: a two-sided 95% interval. */
    public static final double Z = 1.959963984540054;
    /** Bootstrap resamples per metric set: the percentile ends move by well under 1% of the interval beyond this. */
    public static final int RESAMPLES = 1000;
    /** The seed of every bootstrap: the same pairs always give the same interval. */
    public static final long SEED = 20261204L;

    private Intervals() {}

    /**
     * Wilson's score interval: unlike the normal one it stays inside [0, 1] and is sensible at 0 or n successes.
     *
     * @param successes rows counted as a success
     * @param n rows
     * @return the proportion with its interval; for n = 0, value 0 (scikit-learn's {@code zero_division=0}) and the
     *     interval [0, 1] (nothing is known)
     */
    public static Estimate wilson(long successes, long n) {
        if (n == 0) {
            return new Estimate(0, 0, 1);
        }
        double p = (double) successes / n;
        double z2 = Z * Z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        // at 0 or n successes the exact end is 0 or 1; rounding must not leave it a hair outside the value
        double low = successes == 0 ? 0 : Math.max(0, centre - half);
        double high = successes == n ? 1 : Math.min(1, centre + half);
        return new Estimate(p, Math.min(low, p), Math.max(high, p));
    }

    /**
     * The 2.5% and 97.5% percentiles (numpy's default linear interpolation) of bootstrap values.
     *
     * @param value the metric on the rows themselves
     * @param resampled the metric on each resample (NaN entries, metrics undefined on a resample, are ignored)
     * @return the value with its interval (widened to include the value, which a skewed bootstrap can leave outside)
     */
    public static Estimate percentile(double value, double[] resampled) {
        var finite = Arrays.stream(resampled).filter(Double::isFinite).sorted().toArray();
        if (finite.length == 0) {
            return new Estimate(value, value, value);
        }
        return new Estimate(value, Math.min(value, quantile(finite, 0.025)), Math.max(value, quantile(finite, 0.975)));
    }

    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}
