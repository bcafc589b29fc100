package io.mlserve.core.drift;

import java.util.Optional;

/**
 * Where reports are kept in full (S3 in production: {@code s3://<data bucket>/drift/<model>/<time>/report.json}
 * and {@code report.html}).
 */
public interface DriftReportStore {

    /**
     * Where one report is.
     *
     * @param json URI of the report JSON
     * @param html URI of its HTML page
     */
    record Location(String json, String html) {}

    /**
     * @param report the report
     * @param html its page
     * @return where both were written
     */
    Location put(DriftReport report, String html);

    /**
     * @param location where {@link #put} wrote a report
     * @return the report, or empty when it is gone
     */
    Optional<DriftReport> read(Location location);
}
