package io.mlserve.core.training;

import java.time.Instant;
import java.util.Optional;

/** At most one training job per model at a time (a conditional item in the jobs table in production). */
public interface TrainingLock {

    /**
     * Takes the model's lock for a job unless another job holds it.
     *
     * @param model model name
     * @param jobId the job that wants it
     * @param now current time (a lock older than the job time limit is stale and may be taken over)
     * @return empty when taken; else the id of the job that holds it
     */
    Optional<String> acquire(String model, String jobId, Instant now);

    /**
     * Releases the lock if this job holds it (no-op otherwise).
     *
     * @param model model name
     * @param jobId the job that held it
     */
    void release(String model, String jobId);
}
