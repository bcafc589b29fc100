package io.mlserve.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), clock);

    @Test
    void breaker_shouldOpen_afterThresholdFailuresInARow() {
        assertThat(breaker.recordFailure()).isFalse();
        assertThat(breaker.recordFailure()).isFalse();
        assertThat(breaker.allowRequest()).isTrue();
        assertThat(breaker.recordFailure()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.allowRequest()).isFalse();
    }

    @Test
    void breaker_shouldStayClosed_whenASuccessBreaksTheRun() {
        breaker.recordFailure();
        breaker.recordFailure();
        assertThat(breaker.recordSuccess()).isFalse(); // was closed: nothing to report
        breaker.recordFailure();
        breaker.recordFailure();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.allowRequest()).isTrue();
    }

    @Test
    void breaker_shouldLetOneProbeThrough_afterCoolDown_andCloseOnItsSuccess() {
        // GIVEN an open breaker
        openIt();
        clock.advance(Duration.ofSeconds(29));
        assertThat(breaker.allowRequest()).isFalse();
        // WHEN the cool-down has passed
        clock.advance(Duration.ofSeconds(1));
        // THEN exactly one caller probes, the others still get the spill
        assertThat(breaker.allowRequest()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.allowRequest()).isFalse();
        assertThat(breaker.recordSuccess()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.allowRequest()).isTrue();
    }

    @Test
    void breaker_shouldReopenForAFullCoolDown_whenTheProbeFails() {
        openIt();
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.allowRequest()).isTrue();
        assertThat(breaker.recordFailure()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(29));
        assertThat(breaker.allowRequest()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.allowRequest()).isTrue();
    }

    @Test
    void breaker_shouldRefuseNonsenseSettings() {
        assertThatThrownBy(() -> new CircuitBreaker(0, Duration.ofSeconds(1), clock)).isInstanceOf(IllegalArgumentException.class);
    }

    private void openIt() {
        for (int i = 0; i < 3; i++) {
            breaker.recordFailure();
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
