package io.mlserve.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How features are fed to the ONNX graph.
 *
 * @param layout {@link Layout#TENSOR} or {@link Layout#PER_FEATURE}
 * @param name the single input tensor's name (tensor layout only)
 * @param type the single input tensor's element type (tensor layout only: float or double)
 * @param batch null when the batch dimension is dynamic, else the fixed batch size of the graph
 */
public record InputSpec(Layout layout, String name, FeatureType type, Integer batch) {

    /** The two supported input layouts. */
    public enum Layout {
        /** All features in manifest order form one {@code [N, F]} tensor. */
        TENSOR("tensor"),
        /** One {@code [N, 1]} input per feature. */
        PER_FEATURE("per-feature");

        private final String manifestName;

        Layout(String manifestName) {
            this.manifestName = manifestName;
        }

        /** @return the manifest spelling */
        @JsonValue
        public String manifestName() {
            return manifestName;
        }

        /**
         * @param name manifest spelling
         * @return the layout
         * @throws IllegalArgumentException for an unknown layout
         */
        @JsonCreator
        public static Layout fromManifest(String name) {
            for (var layout : values()) {
                if (layout.manifestName.equals(name)) {
                    return layout;
                }
            }
            throw new IllegalArgumentException("unknown input layout '" + name + "' (expected tensor or per-feature)");
        }
    }

    /** @return the element type of the single tensor, float unless the manifest says double */
    public FeatureType tensorType() {
        return type == null ? FeatureType.FLOAT : type;
    }
}
