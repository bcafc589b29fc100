package io.mlserve.core.error;

import java.util.Map;

/** A model or version that does not exist ({@link ErrorKind#NOT_FOUND}). */
public final class NotFoundException extends MlServeException {
    private static final long serialVersionUID = 1L;

    private NotFoundException(String code, String message, Object details) {
        super(ErrorKind.NOT_FOUND, code, message, details);
    }

    /**
     * @param name the model name asked for
     * @return the error for a model with no served version
     */
    public static NotFoundException model(String name) {
        return new NotFoundException(
                "MODEL_NOT_FOUND", "no model named '" + name + "' is published", Map.of("model", name));
    }

    /**
     * @param name the model name
     * @param version the version asked for
     * @return the error for a version that does not exist (or is not registered)
     */
    public static NotFoundException version(String name, String version) {
        return new NotFoundException(
                "VERSION_NOT_FOUND",
                "model '" + name + "' has no registered version '" + version + "'",
                Map.of("model", name, "version", version));
    }
}
