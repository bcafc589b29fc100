package io.mlserve.core.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A circuit breaker around one dependency: after {@code failureThreshold} failures in a row it opens and refuses calls
 * for {@code coolDown}; then one call (the probe) is let through — its success closes the breaker, its failure opens it
 * for another cool-down. Thread-safe.
 */
public final class CircuitBreaker {
    /** Where the breaker stands. */
    public enum State {
        /** calls go through */
        CLOSED,
        /** calls are refused until the cool-down ends */
        OPEN,
        /** one probe call is under way; the others are refused */
        HALF_OPEN
    }

    private final int failureThreshold;
    private final Duration coolDown;
    private final Clock clock;
    private State state = State.CLOSED;
    private int failures;
    private Instant openUntil = Instant.MIN;

    /**
     * @param failureThreshold failures in a row that open the breaker (at least 1)
     * @param coolDown how long an open breaker refuses calls before it lets a probe through
     * @param clock time source
     */
    public CircuitBreaker(int failureThreshold, Duration coolDown, Clock clock) {
        if (failureThreshold < 1 || coolDown.isNegative()) {
            throw new IllegalArgumentException("failureThreshold must be >= 1 and coolDown >= 0");
        }
        this.failureThreshold = failureThreshold;
        this.coolDown = coolDown;
        this.clock = clock;
    }

    /**
     * @return true when the caller may call the dependency now (and must then report {@link #recordSuccess()} or
     *     {@link #recordFailure()}); false when it must not
     */
    public synchronized boolean allowRequest() {
        return switch (state) {
            case CLOSED -> true;
            case HALF_OPEN -> false;
            case OPEN -> {
                if (clock.instant().isBefore(openUntil)) {
                    yield false;
                }
                state = State.HALF_OPEN; // this caller is the probe
                yield true;
            }
        };
    }

    /**
     * The call succeeded.
     *
     * @return true when this closed a breaker that was open (the probe succeeded)
     */
    public synchronized boolean recordSuccess() {
        boolean wasOpen = state != State.CLOSED;
        state = State.CLOSED;
        failures = 0;
        return wasOpen;
    }

    /**
     * The call failed.
     *
     * @return true when this opened the breaker (threshold reached, or the probe failed)
     */
    public synchronized boolean recordFailure() {
        failures++;
        if (state == State.HALF_OPEN || (state == State.CLOSED && failures >= failureThreshold)) {
            state = State.OPEN;
            openUntil = clock.instant().plus(coolDown);
            return true;
        }
        return false;
    }

    /** @return the current state (an open breaker whose cool-down has passed still says OPEN until a call probes) */
    public synchronized State state() {
        return state;
    }
}
