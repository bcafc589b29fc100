package io.mlserve.core.inference;

import java.util.Map;

/** What a model answered for one instance, in the API's response shape. */
public sealed interface Prediction permits Prediction.Classification, Prediction.Regression {

    /** @return this prediction as a map, for the prediction log */
    Map<String, Object> asMap();

    /**
     * @param label the predicted class (String or Long, as the manifest types it)
     * @param probabilities class label to probability, or null when the model gives none
     */
    record Classification(Object label, Map<String, Double> probabilities) implements Prediction {
        @Override
        public Map<String, Object> asMap() {
            return probabilities == null
                    ? Map.of("label", label)
                    : Map.of("label", label, "probabilities", probabilities);
        }
    }

    /** @param value a Double for one target, or a map target → Double for several */
    record Regression(Object value) implements Prediction {
        @Override
        public Map<String, Object> asMap() {
            return Map.of("value", value);
        }
    }
}
