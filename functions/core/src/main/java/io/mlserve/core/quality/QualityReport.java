package io.mlserve.core.quality;

import java.util.List;

/**
 * What the quality page draws: one headline metric per version over time, each point with its interval.
 *
 * @param model model name
 * @param from window start (ISO-8601)
 * @param to window end
 * @param metric the metric drawn: {@code accuracy} for classifiers, {@code mae} for regressors
 * @param production the production version, or null
 * @param canary the canary version, or null
 * @param series one per version with labelled rows, in version order
 * @param createdAt when the page was made
 */
public record QualityReport(String model, String from, String to, String metric, String production, String canary,
        List<Series> series, String createdAt) {

    /**
     * @param version the version
     * @param points one per time bucket that holds labelled rows, oldest first
     */
    public record Series(String version, List<Point> points) {}

    /**
     * @param from bucket start (ISO-8601)
     * @param to bucket end
     * @param labelled labelled rows in the bucket
     * @param estimate the metric with its interval
     */
    public record Point(String from, String to, long labelled, Estimate estimate) {}

    /** Turns a report into its self-contained HTML page (the drift function's {@code QualityReportPage}). */
    @FunctionalInterface
    public interface Renderer {
        /**
         * @param report the report
         * @return the page
         */
        String render(QualityReport report);
    }
}
