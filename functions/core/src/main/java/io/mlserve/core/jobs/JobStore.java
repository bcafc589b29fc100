package io.mlserve.core.jobs;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where jobs and their progress live (DynamoDB in production). Every write is conditional or additive: retries never double count. */
public interface JobStore {

    /**
     * Creates the job unless one with its id exists.
     *
     * @param job a queued job
     * @return the stored job: this one, or the one that already had that id
     */
    Job claim(Job job);

    /**
     * @param jobId a job id
     * @return the job, if it exists
     */
    Optional<Job> find(String jobId);

    /**
     * @param model only this model's jobs, or null for every model
     * @param status only jobs in this status, or null
     * @param limit page size, 1–500
     * @param cursor the previous page's cursor, or null
     * @return jobs newest first
     * @throws io.mlserve.core.error.InvalidInputException {@code INVALID_CURSOR} for a cursor this store did not make for these filters
     */
    JobPage list(String model, JobStatus status, int limit, String cursor);

    /**
     * Marks a queued job running with its resolved version and planned units (no-op when it already runs).
     *
     * @param jobId the job
     * @param version the model version every unit uses
     * @param chunksTotal planned units
     */
    void start(String jobId, String version, int chunksTotal);

    /**
     * Records a finished unit and adds its counts to the job, atomically and once.
     *
     * @param jobId the job
     * @param result the unit's counts
     * @return false when that unit had already been recorded (a retry): nothing was added
     */
    boolean completeRange(String jobId, RangeResult result);

    /**
     * @param jobId the job
     * @return every recorded unit, by index
     */
    List<RangeResult> ranges(String jobId);

    /**
     * Ends a job (no-op when it has already ended).
     *
     * @param jobId the job
     * @param status SUCCEEDED or FAILED
     * @param outputs output URIs
     * @param errors error-file URIs
     * @param failureReason why it failed, or null
     * @param endedAt ISO-8601 end time
     */
    void finish(String jobId, JobStatus status, List<String> outputs, List<String> errors, String failureReason, String endedAt);

    /**
     * Merges top-level keys into the job's {@link Job#details() details}: each given key is set (replaced), the others
     * are kept. Used by job types whose steps add their findings as they go (training: fingerprint, candidates, champion).
     * A string {@code version} field is also set as the job's {@link Job#version()} (training learns it only at the end).
     *
     * @param jobId the job
     * @param fields detail keys and their values (JSON-like: strings, numbers, booleans, lists, maps, null)
     * @throws IllegalStateException when the job does not exist
     */
    void updateDetails(String jobId, Map<String, Object> fields);

    /**
     * Adds one to a numeric top-level detail (starting from 0 when absent), atomically.
     *
     * @param jobId the job
     * @param field the detail key, e.g. {@code skippedTriggers}
     * @throws IllegalStateException when the job does not exist
     */
    void incrementDetail(String jobId, String field);
}
