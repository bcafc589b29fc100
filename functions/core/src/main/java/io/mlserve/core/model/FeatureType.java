package io.mlserve.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Element type of one input feature, named as in the manifest. */
public enum FeatureType {
    /** 32-bit float (ONNX {@code tensor(float)}). */
    FLOAT,
    /** 64-bit float (ONNX {@code tensor(double)}). */
    DOUBLE,
    /** 64-bit integer (ONNX {@code tensor(int64)}). */
    INT64,
    /** UTF-8 string (ONNX {@code tensor(string)}). */
    STRING;

    /** @return true for the types that can be fed into a numeric tensor */
    public boolean isNumeric() {
        return this != STRING;
    }

    /** @return the manifest spelling */
    @JsonValue
    public String manifestName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name manifest spelling, e.g. {@code float}
     * @return the type
     * @throws IllegalArgumentException for an unknown name
     */
    @JsonCreator
    public static FeatureType fromManifest(String name) {
        for (var type : values()) {
            if (type.manifestName().equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown feature type '" + name + "' (expected float, double, int64 or string)");
    }
}
