package io.mlserve.core.error;

import java.util.Map;

/** A model, version or route that does not exist (HTTP 404). */
public final class NotFoundException extends MlServeException {
    private static final long serialVersionUID = 1L;

    private NotFoundException(String code, String message, Object details) {
        super(code, message, details);
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
     * @return the error for a version that does not exist
     */
    public static NotFoundException version(String name, String version) {
        return new NotFoundException(
                "VERSION_NOT_FOUND",
                "model '" + name + "' has no version '" + version + "'",
                Map.of("model", name, "version", version));
    }

    /**
     * @param method HTTP method
     * @param path request path
     * @return the error for an unknown route
     */
    public static NotFoundException route(String method, String path) {
        return new NotFoundException(
                "ROUTE_NOT_FOUND", "no route " + method + " " + path, Map.of("method", method, "path", path));
    }

    @Override
    public int status() {
        return 404;
    }
}
