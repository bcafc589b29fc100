package io.mlserve.core.registry;

import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.MlServeException;
import java.util.Map;

/** A conditional registry write lost a race or would overwrite something ({@link ErrorKind#CONFLICT}). */
public final class RegistryConflictException extends MlServeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param model model name
     * @param message what conflicted
     */
    public RegistryConflictException(String model, String message) {
        super(ErrorKind.CONFLICT, "CONFLICT", message, Map.of("model", model));
    }
}
