package io.mlserve.core.drift;

/** Drift scores as metrics (CloudWatch EMF in production). */
public interface DriftMetrics {

    /**
     * Records one check: a {@code DriftScore} per evaluated feature (its {@link DriftReport.FeatureDrift#severity()}:
     * 1 is at its threshold) and a {@code DriftDetected} count (1 when the verdict is drift, else 0).
     *
     * @param report the finished check
     */
    void record(DriftReport report);

    /** Records nothing (tests, tools). */
    DriftMetrics NONE = report -> {};
}
