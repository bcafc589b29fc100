package io.mlserve.core.training;

import java.util.Optional;

/** Where each model's training spec lives (the registry table in production: {@code pk=MODEL#<name>, sk=TRAINING}). */
public interface TrainingSpecStore {

    /**
     * A stored spec.
     *
     * @param spec the spec
     * @param updatedAt ISO-8601 time of the last change
     * @param updatedBy who changed it
     */
    record StoredSpec(TrainingSpec spec, String updatedAt, String updatedBy) {}

    /**
     * @param model model name
     * @return its spec, if one was set
     */
    Optional<StoredSpec> find(String model);

    /**
     * Sets (or replaces) a model's spec.
     *
     * @param model model name
     * @param spec the checked spec
     */
    void put(String model, StoredSpec spec);
}
