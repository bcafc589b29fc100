package io.mlserve.core.drift;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One drift check as the history keeps it: the verdict and the scores, and where the full report is.
 *
 * @param model model name
 * @param version the version checked, or null when the model had no production version
 * @param createdAt ISO-8601 time of the check
 * @param verdict drift, no-drift or insufficient-data
 * @param reason why insufficient-data (or what could not be judged), or null
 * @param samples rows read
 * @param driftedFeatures the drifted features, worst first ({@code prediction} for the predictions)
 * @param scores per evaluated feature (and {@code prediction}): its scores
 * @param report where the full report (JSON) and its page (HTML) are
 */
public record DriftSummary(
        String model,
        String version,
        String createdAt,
        DriftReport.Verdict verdict,
        String reason,
        long samples,
        List<String> driftedFeatures,
        Map<String, Score> scores,
        DriftReportStore.Location report) {

    public DriftSummary {
        driftedFeatures = driftedFeatures == null ? List.of() : List.copyOf(driftedFeatures);
        scores = scores == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /**
     * One feature's scores.
     *
     * @param test {@code ks} or {@code chi2}
     * @param statistic KS D, or the chi-square statistic
     * @param pValue the test's p-value
     * @param psi PSI, or null when it could not be computed
     * @param drifted whether the feature drifted
     */
    public record Score(String test, Double statistic, Double pValue, Double psi, boolean drifted) {}

    /**
     * @param report a finished report
     * @param location where it was stored
     * @return its summary
     */
    public static DriftSummary of(DriftReport report, DriftReportStore.Location location) {
        var scores = new LinkedHashMap<String, Score>();
        for (var f : report.worstFirst()) {
            if (f.evaluable()) {
                scores.put(f.name(), new Score(f.test(), f.statistic(), f.pValue(), f.psi(), f.drifted()));
            }
        }
        return new DriftSummary(report.model(), report.version(), report.createdAt(), report.verdict(), report.reason(),
                report.samples(), report.driftedFeatures(), scores, location);
    }
}
