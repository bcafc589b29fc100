package io.mlserve.core.drift;

/** Turns a report into its self-contained HTML page (the drift function's {@code DriftReportPage}). */
@FunctionalInterface
public interface ReportRenderer {

    /**
     * @param report a report
     * @return the page
     */
    String render(DriftReport report);
}
