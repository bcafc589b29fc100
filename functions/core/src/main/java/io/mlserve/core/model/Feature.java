package io.mlserve.core.model;

import java.util.List;

/**
 * One named input feature of a model.
 *
 * @param name the key clients use in each instance
 * @param type element type
 * @param min inclusive lower bound for numeric features, or null
 * @param max inclusive upper bound for numeric features, or null
 * @param values the allowed values (strings or integers), or null for any
 * @param onnxName the ONNX input fed by this feature in the per-feature layout; defaults to {@code name}
 * @param description free text for users, or null
 */
public record Feature(
        String name, FeatureType type, Double min, Double max, List<Object> values, String onnxName, String description) {

    /** @return the ONNX input name for the per-feature layout */
    public String onnxInputName() {
        return onnxName == null ? name : onnxName;
    }
}
