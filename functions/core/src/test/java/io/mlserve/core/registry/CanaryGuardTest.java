package io.mlserve.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 13, failure 1: a guard with a non-finite or out-of-range value must never exist. */
class CanaryGuardTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
        "NaN error rate,      NaN,       -,     -,    -",
        "infinite error rate, Infinity,  -,     -,    -",
        "negative error rate, -0.1,      -,     -,    -",
        "error rate above 1,  1.5,       -,     -,    -",
        "infinite latency,    -,         Infinity, -, -",
        "negative latency,    -,         -5,    -,    -",
        "zero min requests,   -,         -,     0,    -",
        "zero window,         -,         -,     -,    0",
        "window over a day,   -,         -,     -,    1441",
    })
    void constructor_shouldRefuse_whenAValueIsNotFiniteOrOutOfRange(
            String name, Double maxErrorRate, Double maxP95LatencyMs, Integer minRequests, Integer windowMinutes) {
        assertThatThrownBy(() -> new CanaryGuard(maxErrorRate, maxP95LatencyMs, minRequests, windowMinutes))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_GUARD"));
    }

    @Test
    void constructor_shouldAcceptTheEdges() {
        assertThat(new CanaryGuard(0.0, 0.0, 1, 1).withDefaults()).isEqualTo(new CanaryGuard(0.0, 0.0, 1, 1));
        assertThat(new CanaryGuard(1.0, CanaryGuard.MAX_LATENCY_MS, CanaryGuard.MAX_MIN_REQUESTS, 1440)).isNotNull();
        assertThat(new CanaryGuard(null, null, null, null).withDefaults()).isEqualTo(CanaryGuard.DEFAULT);
    }

    @Test
    void aliases_shouldRefuseAWeightOutsideZeroToHundred() {
        assertThatThrownBy(() -> new Aliases("1", "2", 101, null, 1, null)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new Aliases("1", "2", -1, null, 1, null)).isInstanceOf(InvalidInputException.class);
    }
}
