package io.mlserve.core.logquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.testing.MutableClock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PredictionQueryTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00.123456Z");
    private final MutableClock clock = new MutableClock(NOW);

    private static void assertCode(Runnable call, String code) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void fromParams_shouldDefaultToLast24HoursAndLimit100_whenOnlyModelGiven() {
        var q = PredictionQuery.fromParams(Map.of("model", "iris"), clock);

        assertThat(q.model()).isEqualTo("iris");
        assertThat(q.version()).isNull();
        assertThat(q.allVersions()).isTrue();
        assertThat(q.to()).isEqualTo(Instant.parse("2026-11-23T12:00:00.123Z"));
        assertThat(q.from()).isEqualTo(Instant.parse("2026-11-22T12:00:00.123Z"));
        assertThat(q.limit()).isEqualTo(100);
        assertThat(q.cursor()).isNull();
        assertThat(q.fromGiven()).isFalse();
        assertThat(q.toGiven()).isFalse();
    }

    @Test
    void fromParams_shouldKeepEveryParameter_whenAllGiven() {
        var q = PredictionQuery.fromParams(Map.of(
                "model", "iris", "version", "2", "from", "2026-11-23T10:00:00Z", "to", "2026-11-23T11:00:00.5Z",
                "limit", "500", "cursor", "abc"), clock);

        assertThat(q).isEqualTo(new PredictionQuery("iris", "2", Instant.parse("2026-11-23T10:00:00Z"),
                Instant.parse("2026-11-23T11:00:00.500Z"), 500, "abc", true, true));
    }

    @Test
    void fromParams_shouldEndWindowNow_whenOnlyFromGiven() {
        var q = PredictionQuery.fromParams(Map.of("model", "iris", "from", "2026-11-23T11:00:00Z"), clock);

        assertThat(q.from()).isEqualTo(Instant.parse("2026-11-23T11:00:00Z"));
        assertThat(q.to()).isEqualTo(Instant.parse("2026-11-23T12:00:00.123Z"));
        assertThat(q.fromGiven()).isTrue();
        assertThat(q.toGiven()).isFalse();
    }

    @Test
    void fromParams_shouldStart24HoursBeforeTo_whenOnlyToGiven() {
        var q = PredictionQuery.fromParams(Map.of("model", "iris", "to", "2026-01-02T00:00:00Z"), clock);

        assertThat(q.from()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void fromParams_shouldTruncateToMillisAndAcceptOffsets_whenTimesArePrecise() {
        var q = PredictionQuery.fromParams(
                Map.of("model", "iris", "from", "2026-11-23T10:00:00.123999Z", "to", "2026-11-23T12:00:00+01:00"), clock);

        assertThat(q.from()).isEqualTo(Instant.parse("2026-11-23T10:00:00.123Z"));
        assertThat(q.to()).isEqualTo(Instant.parse("2026-11-23T11:00:00Z"));
    }

    @Test
    void fromParams_shouldAcceptEmptyWindow_whenFromEqualsTo() {
        var q = PredictionQuery.fromParams(
                Map.of("model", "iris", "from", "2026-11-23T10:00:00Z", "to", "2026-11-23T10:00:00Z"), clock);

        assertThat(q.from()).isEqualTo(q.to());
    }

    @Test
    void fromParams_shouldTreatBlankAsAbsent_whenApiGatewayPassesEmptyValues() {
        var params = new HashMap<String, String>();
        params.put("model", "iris");
        params.put("version", "");
        params.put("limit", " ");
        params.put("cursor", null);

        var q = PredictionQuery.fromParams(params, clock);

        assertThat(q.version()).isNull();
        assertThat(q.limit()).isEqualTo(100);
        assertThat(q.cursor()).isNull();
    }

    @Test
    void fromParams_shouldFailMissingParameter_whenModelAbsentOrBlank() {
        assertCode(() -> PredictionQuery.fromParams(Map.of(), clock), "MISSING_PARAMETER");
        assertCode(() -> PredictionQuery.fromParams(null, clock), "MISSING_PARAMETER");
        assertCode(() -> PredictionQuery.fromParams(Map.of("model", "  "), clock), "MISSING_PARAMETER");
    }

    @Test
    void fromParams_shouldFailInvalidNameOrVersion_whenMalformed() {
        assertCode(() -> PredictionQuery.fromParams(Map.of("model", "Iris#1"), clock), "INVALID_MODEL_NAME");
        assertCode(() -> PredictionQuery.fromParams(Map.of("model", "iris", "version", "1#2"), clock), "INVALID_VERSION");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2026-11-23", "2026-11-23T10:00:00", "1969-12-31T23:59:59Z", "+10000-01-01T00:00:00Z"})
    void fromParams_shouldFailInvalidTime_whenNotAnInstantInRange(String value) {
        assertCode(() -> PredictionQuery.fromParams(Map.of("model", "iris", "from", value), clock), "INVALID_TIME");
        assertCode(() -> PredictionQuery.fromParams(Map.of("model", "iris", "to", value), clock), "INVALID_TIME");
    }

    @Test
    void fromParams_shouldFailInvalidTimeRange_whenFromAfterTo() {
        assertCode(() -> PredictionQuery.fromParams(
                Map.of("model", "iris", "from", "2026-11-23T10:00:00.001Z", "to", "2026-11-23T10:00:00Z"), clock),
                "INVALID_TIME_RANGE");
        // from in the future with the default to (now)
        assertCode(() -> PredictionQuery.fromParams(Map.of("model", "iris", "from", "2027-01-01T00:00:00Z"), clock),
                "INVALID_TIME_RANGE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "501", "-1", "ten", "1.5", "99999999999"})
    void fromParams_shouldFailInvalidLimit_whenOutside1To500(String limit) {
        assertCode(() -> PredictionQuery.fromParams(Map.of("model", "iris", "limit", limit), clock), "INVALID_LIMIT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "500"})
    void fromParams_shouldAcceptLimit_whenAtBounds(String limit) {
        assertThat(PredictionQuery.fromParams(Map.of("model", "iris", "limit", limit), clock).limit())
                .isEqualTo(Integer.parseInt(limit));
    }

    @Test
    void forModel_shouldIgnoreLimitCursorAndModelParams_whenReadingStats() {
        var q = PredictionQuery.forModel("iris", Map.of("model", "other", "limit", "0", "cursor", "x", "version", "3"), clock);

        assertThat(q.model()).isEqualTo("iris");
        assertThat(q.version()).isEqualTo("3");
        assertThat(q.limit()).isEqualTo(PredictionQuery.DEFAULT_LIMIT);
        assertThat(q.cursor()).isNull();
    }

    @Test
    void forModel_shouldValidateWindow_whenTimesGiven() {
        assertCode(() -> PredictionQuery.forModel("iris", Map.of("to", "noon"), clock), "INVALID_TIME");
        assertCode(() -> PredictionQuery.forModel("iris", Map.of("from", "2026-11-23T13:00:00Z"), clock), "INVALID_TIME_RANGE");
    }

    @Test
    void withWindow_shouldReplaceWindowOnly_whenResumingFromCursor() {
        var q = PredictionQuery.fromParams(Map.of("model", "iris", "cursor", "c"), clock);
        var from = Instant.parse("2026-11-20T00:00:00Z");
        var to = Instant.parse("2026-11-21T00:00:00Z");

        var resumed = q.withWindow(from, to);

        assertThat(resumed.from()).isEqualTo(from);
        assertThat(resumed.to()).isEqualTo(to);
        assertThat(resumed.cursor()).isEqualTo("c");
        assertThat(resumed.fromGiven()).isFalse();
        assertThat(resumed.withCursor(null).cursor()).isNull();
    }
}
