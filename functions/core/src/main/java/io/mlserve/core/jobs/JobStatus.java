package io.mlserve.core.jobs;

import java.util.Locale;

/** Where a job is: claimed, working, or finished one way or the other. */
public enum JobStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED;

    /** @return true for SUCCEEDED and FAILED */
    public boolean finished() {
        return this == SUCCEEDED || this == FAILED;
    }

    /**
     * @param name a status as the API writes it (any case)
     * @return the status
     * @throws IllegalArgumentException for an unknown name
     */
    public static JobStatus fromApi(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
