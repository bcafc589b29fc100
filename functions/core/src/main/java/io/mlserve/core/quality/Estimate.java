package io.mlserve.core.quality;

/**
 * A metric with its 95% interval, so a reader sees how far the number can be trusted at this sample size.
 *
 * @param value the metric on the labelled rows (equal to scikit-learn's)
 * @param low lower end of the 95% interval (Wilson for proportions, seeded percentile bootstrap otherwise)
 * @param high upper end
 */
public record Estimate(double value, double low, double high) {}
