package io.mlserve.core.jobs;

/**
 * Starts the work of a job that has been claimed (the batch state machine in production). Starting
 * is idempotent by job id: a job that is already running is not started twice.
 */
@FunctionalInterface
public interface JobLauncher {

    /**
     * Starts the job's execution unless one with its id exists.
     *
     * @param jobId a claimed job
     * @throws RuntimeException when the engine cannot be reached; the job stays QUEUED and a retry starts it
     */
    void launch(String jobId);
}
