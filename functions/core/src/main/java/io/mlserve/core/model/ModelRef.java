package io.mlserve.core.model;

import io.mlserve.core.error.InvalidInputException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A model name and one of its versions.
 *
 * @param name model name
 * @param version model version
 */
public record ModelRef(String name, String version) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * @param name a model name from a client
     * @return the name, checked
     * @throws InvalidInputException {@code INVALID_MODEL_NAME} when it is not a valid name
     */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidInputException(
                    "INVALID_MODEL_NAME",
                    "model name must match " + NAME.pattern(),
                    Map.of("model", String.valueOf(name)));
        }
        return name;
    }

    /**
     * @param version a version from a client
     * @return the version, checked
     * @throws InvalidInputException {@code INVALID_VERSION} when it is not a valid version
     */
    public static String checkVersion(String version) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new InvalidInputException(
                    "INVALID_VERSION",
                    "model version must match " + VERSION.pattern(),
                    Map.of("version", String.valueOf(version)));
        }
        return version;
    }

    @Override
    public String toString() {
        return name + ":" + version;
    }
}
