package io.mlserve.core.registry;

import java.time.Instant;

/** Measures a version's recent behaviour from the prediction log. */
public interface CanaryHealthSource {

    /**
     * @param model model name
     * @param version the canary version
     * @param from window start, inclusive
     * @param to window end, exclusive
     * @return what the log shows for that version in the window
     */
    CanaryHealth health(String model, String version, Instant from, Instant to);
}
