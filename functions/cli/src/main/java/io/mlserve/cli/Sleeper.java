package io.mlserve.cli;

import java.time.Duration;

/** Waits between polls; tests move a clock instead. */
@FunctionalInterface
interface Sleeper {
    /** The real one. */
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    /**
     * @param duration how long
     * @throws InterruptedException when interrupted
     */
    void sleep(Duration duration) throws InterruptedException;
}
