package io.mlserve.core.jobs;

import io.mlserve.core.model.ManifestChecks;
import java.nio.charset.StandardCharsets;

/** Job ids derived from what a job is, so the same input asked for twice is the same job. */
public final class JobIds {
    private JobIds() {}

    /**
     * A bulk prediction's id: bucket + key + ETag, plus the version when the caller pinned one. The
     * same object delivered twice (a duplicate event, a re-sent notification, the same bytes uploaded
     * again) gives the same id; other bytes under the same key (a new ETag) give a new one.
     *
     * @param bucket the input's bucket
     * @param key the input's key
     * @param etag its ETag, with or without the quotes S3 puts around it
     * @param version the pinned version, or null for "production when the job starts"
     * @return {@code b-} and 24 hex digits
     */
    public static String batch(String bucket, String key, String etag, String version) {
        return batch(bucket, key, etag, version, false);
    }

    /**
     * @param bucket the input's bucket
     * @param key its key
     * @param etag its ETag
     * @param version the pinned version, or null
     * @param logAll whether the job logs every row: such a job is another job than the same file's sampled one
     * @return the batch job id
     */
    public static String batch(String bucket, String key, String etag, String version, boolean logAll) {
        var identity = bucket + "\n" + key + "\n" + normalizeEtag(etag) + "\n" + (version == null ? "" : version)
                + (logAll ? "\nlogAll" : "");
        return "b-" + ManifestChecks.sha256Hex(identity.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
    }

    /**
     * @param bucket the feedback file's bucket
     * @param key its key
     * @param etag its ETag (quotes or not)
     * @return the id of the feedback job for exactly these bytes: {@code f-} + 24 hex digits
     */
    public static String feedback(String bucket, String key, String etag) {
        var identity = "feedback\n" + bucket + "\n" + key + "\n" + normalizeEtag(etag);
        return "f-" + ManifestChecks.sha256Hex(identity.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
    }

    /**
     * @param etag an ETag as S3 or an S3 event gives it
     * @return it without surrounding quotes
     */
    public static String normalizeEtag(String etag) {
        if (etag == null) {
            return "";
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }
}
