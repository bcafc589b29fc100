package io.mlserve.core.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a registered version stands. */
public enum VersionStatus {
    /** Validated, takes no traffic unless pinned or made canary. */
    CANDIDATE,
    /** Production or canary alias points at it. */
    SERVING,
    /** Was serving, no alias points at it any more. */
    ARCHIVED;

    /** @return the API spelling */
    @JsonValue
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name API spelling
     * @return the status
     */
    @JsonCreator
    public static VersionStatus fromApi(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
