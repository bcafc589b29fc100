package io.mlserve.core.registry;

import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.model.ModelRef;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A registered version whose files are gone from the model store — for a pinned version, its pinned object versions
 * were permanently deleted — so it can be neither promoted, made canary, nor asked for by name ({@link ErrorKind#CONFLICT}):
 * refused when asked, never a 503 after the fact.
 */
public final class VersionUnavailableException extends MlServeException {
    private static final long serialVersionUID = 1L;
    /** The error code. */
    public static final String CODE = "VERSION_UNAVAILABLE";

    /**
     * @param ref the version
     * @param objectVersions its pinned object versions, or null when it was registered before pinning
     */
    public VersionUnavailableException(ModelRef ref, Map<String, String> objectVersions) {
        super(ErrorKind.CONFLICT, CODE, "version '" + ref.version() + "' of '" + ref.name() + "' cannot be served: "
                + (objectVersions == null ? "its files are missing from the model store"
                        : "its pinned object versions " + objectVersions + " are no longer in the model store")
                + "; register the files again as a new version", details(ref, objectVersions));
    }

    private static Map<String, Object> details(ModelRef ref, Map<String, String> objectVersions) {
        var details = new LinkedHashMap<String, Object>();
        details.put("model", ref.name());
        details.put("version", ref.version());
        if (objectVersions != null) {
            details.put("objectVersions", objectVersions);
        }
        return details;
    }
}
