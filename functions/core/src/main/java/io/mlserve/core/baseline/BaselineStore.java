package io.mlserve.core.baseline;

import io.mlserve.core.model.ModelRef;
import java.util.Optional;

/** Baselines live beside their version ({@code models/<name>/<version>/baseline.json} in the models bucket). */
public interface BaselineStore {

    /**
     * @param ref model version
     * @param baseline its baseline (replaces an earlier one)
     */
    void put(ModelRef ref, Baseline baseline);

    /**
     * @param ref model version
     * @return its baseline, if one was stored
     */
    Optional<Baseline> find(ModelRef ref);
}
