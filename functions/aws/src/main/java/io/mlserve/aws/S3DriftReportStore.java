package io.mlserve.aws;

import io.mlserve.core.drift.DriftReport;
import io.mlserve.core.drift.DriftReportStore;
import io.mlserve.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Drift reports in the data bucket: {@code drift/<model>/<yyyyMMdd'T'HHmmss.SSS'Z'>/report.json} (the report as the
 * API returns it) and {@code report.html} (its page), side by side.
 */
public final class S3DriftReportStore implements DriftReportStore {
    /** Data bucket prefix of every report. */
    public static final String PREFIX = "drift/";
    private static final DateTimeFormatter FOLDER = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final S3Client s3;
    private final String bucket;

    /**
     * @param s3 client
     * @param bucket the data bucket
     */
    public S3DriftReportStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public Location put(DriftReport report, String html) {
        var folder = PREFIX + report.model() + "/" + FOLDER.format(Instant.parse(report.createdAt())) + "/";
        s3.putObject(b -> b.bucket(bucket).key(folder + "report.json").contentType("application/json"),
                RequestBody.fromString(Json.write(report), StandardCharsets.UTF_8));
        s3.putObject(b -> b.bucket(bucket).key(folder + "report.html").contentType("text/html; charset=utf-8"),
                RequestBody.fromString(html, StandardCharsets.UTF_8));
        return new Location("s3://" + bucket + "/" + folder + "report.json", "s3://" + bucket + "/" + folder + "report.html");
    }

    @Override
    public Optional<DriftReport> read(Location location) {
        var prefix = "s3://" + bucket + "/";
        if (location.json() == null || !location.json().startsWith(prefix)) {
            return Optional.empty();
        }
        var key = location.json().substring(prefix.length());
        try (var in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            return Optional.of(Json.MAPPER.readValue(in, DriftReport.class));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("the drift report " + location.json() + " is unreadable", e);
        }
    }
}
