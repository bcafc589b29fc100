package io.mlserve.core.drift;

import java.util.List;
import java.util.Optional;

/** One summary per drift check, newest first (the registry table in production, items {@code sk = DRIFT#<time>}). */
public interface DriftHistory {

    /** @param summary a finished check (kept beside the model's other items) */
    void record(DriftSummary summary);

    /**
     * @param model model name
     * @return its newest check, if any
     */
    Optional<DriftSummary> latest(String model);

    /**
     * @param model model name
     * @param limit most summaries returned
     * @return its checks, newest first
     */
    List<DriftSummary> list(String model, int limit);
}
