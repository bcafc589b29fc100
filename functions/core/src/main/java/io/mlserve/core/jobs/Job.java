package io.mlserve.core.jobs;

import java.util.List;
import java.util.Map;

/**
 * A long-running piece of work (bulk prediction, training, feedback) as the jobs API shows it:
 * common fields for every type, the per-type ones in {@code details}.
 *
 * @param jobId stable id (for batch: derived from bucket + key + ETag [+ version], so a duplicate is the same job)
 * @param type {@code batch}, {@code train} or {@code feedback}
 * @param model model name
 * @param version the model version, resolved once when the job starts (null until then)
 * @param status where the job is
 * @param input the input's S3 URI, or null
 * @param rowsRead rows read so far (every row is then predicted or rejected)
 * @param rowsPredicted rows predicted so far
 * @param rowsRejected rows rejected so far
 * @param chunksTotal work units planned (byte ranges for batch); 0 until planned
 * @param chunksDone work units finished
 * @param outputs S3 URIs of the outputs, complete only when SUCCEEDED
 * @param errors S3 URIs of the rejected-row files
 * @param startedAt ISO-8601 time the job was claimed
 * @param endedAt ISO-8601 time it finished, or null
 * @param failureReason why it failed, or null
 * @param details per-type fields (e.g. training candidates), may be empty
 */
public record Job(
        String jobId,
        String type,
        String model,
        String version,
        JobStatus status,
        String input,
        long rowsRead,
        long rowsPredicted,
        long rowsRejected,
        int chunksTotal,
        int chunksDone,
        List<String> outputs,
        List<String> errors,
        String startedAt,
        String endedAt,
        String failureReason,
        Map<String, Object> details) {

    /** The job type of bulk prediction. */
    public static final String BATCH = "batch";
    /** The job type of a bulk feedback file. */
    public static final String FEEDBACK = "feedback";

    /**
     * A job just claimed: queued, nothing counted.
     *
     * @param jobId its id
     * @param type its type
     * @param model model name
     * @param version the version if already known, else null
     * @param input the input URI
     * @param startedAt claim time
     * @return the job
     */
    public static Job queued(String jobId, String type, String model, String version, String input, String startedAt) {
        return new Job(jobId, type, model, version, JobStatus.QUEUED, input, 0, 0, 0, 0, 0, List.of(), List.of(), startedAt, null,
                null, Map.of());
    }
}
