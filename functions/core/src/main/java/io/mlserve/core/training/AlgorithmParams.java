package io.mlserve.core.training;

import java.util.List;

/** The hyper-parameter table of every {@link Algorithm}. OWNER: helper A. */
final class AlgorithmParams {
    private AlgorithmParams() {}

    static List<ParamSpec> of(Algorithm algorithm) {
        throw new UnsupportedOperationException("helper A");
    }
}
