package io.mlserve.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a model predicts. */
public enum Task {
    /** A label per row, with class probabilities when the model gives them. */
    CLASSIFICATION,
    /** One or more numbers per row. */
    REGRESSION;

    /** @return the manifest spelling */
    @JsonValue
    public String manifestName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name manifest spelling
     * @return the task
     * @throws IllegalArgumentException for an unknown task
     */
    @JsonCreator
    public static Task fromManifest(String name) {
        for (var task : values()) {
            if (task.manifestName().equals(name)) {
                return task;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "' (expected classification or regression)");
    }
}
