package io.mlserve.core.training;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads and checks training specs. OWNER: helper A. */
public final class TrainingSpecs {
    private TrainingSpecs() {}

    /**
     * @param body the spec as the API received it
     * @param dataBucket the only bucket {@code data} may name
     * @return the spec with defaults filled in (split 0.2/seed 7, promotion if-better margin 0, params' defaults)
     * @throws io.mlserve.core.error.MlServeException {@code INVALID_TRAINING_SPEC} (422, details.problems: every problem,
     *     each naming its field path) — or {@code INVALID_FIELD}-style 400 only for a body that is not a JSON object
     */
    public static TrainingSpec parse(JsonNode body, String dataBucket) {
        throw new UnsupportedOperationException("helper A");
    }

    /**
     * @param spec a parsed spec
     * @return the JSON the API returns and the store keeps (round-trips through {@link #parse})
     */
    public static JsonNode toJson(TrainingSpec spec) {
        throw new UnsupportedOperationException("helper A");
    }
}
