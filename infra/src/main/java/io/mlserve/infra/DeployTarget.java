package io.mlserve.infra;

import java.util.Locale;

/** Where the app deploys: real AWS, or a LocalStack-API emulator on this machine. */
public enum DeployTarget {
    /** Managed {@code java21} runtime, the shaded jar as code. */
    AWS,
    /**
     * {@code provided.al2023} with a bootstrap that starts a JDK and the Runtime Interface Client:
     * emulators without Docker answer {@code java21} with a canned mock, never running the handler.
     */
    LOCAL;

    /**
     * @param value context value {@code aws} or {@code local}; null means aws
     * @return the target
     */
    public static DeployTarget from(Object value) {
        return value == null ? AWS : valueOf(value.toString().toUpperCase(Locale.ROOT));
    }
}
