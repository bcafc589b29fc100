package io.mlserve.function.registry;

import io.mlserve.core.model.ModelRef;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.json.Json;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.logquery.StatsCalculator;
import io.mlserve.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictionLogApiTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryPredictionLogReader reader = new InMemoryPredictionLogReader();
    private final PredictionLogApi api = new PredictionLogApi(reader, clock);

    private static PredictionRecord row(String version, String requestId, int row, Instant at, double latencyMs, Map<String, Object> output) {
        return new PredictionRecord(new ModelRef("iris", version), requestId, row, at, Map.of("petal_length", 1.4), output, latencyMs, "api", null);
    }

    private static PredictionRecord failure(String version, String requestId, Instant at) {
        return new PredictionRecord(new ModelRef("iris", version), requestId, 0, at, Map.of(), null, 3.0, "api", "INFERENCE_FAILED");
    }

    /** The body as a client sees it: through the API's JSON mapper. */
    private static JsonNode json(Object body) {
        try {
            return Json.MAPPER.readTree(Json.write(body));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertCode(Runnable call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void predictions_shouldPageNewestFirstWithCursor_whenMoreItemsThanLimit() {
        // GIVEN three rows in the last hour and one older than the default 24 h window
        reader.items.add(row("1", "r1", 0, NOW.minus(Duration.ofMinutes(30)), 2.0, Map.of("label", "setosa")));
        reader.items.add(row("1", "r2", 0, NOW.minus(Duration.ofMinutes(20)), 2.0, Map.of("label", "setosa")));
        reader.items.add(failure("2", "r3", NOW.minus(Duration.ofMinutes(10))));
        reader.items.add(row("1", "old", 0, NOW.minus(Duration.ofHours(25)), 2.0, Map.of("label", "setosa")));

        // WHEN
        var first = json(api.predictions(Map.of("model", "iris", "limit", "2")));
        clock.advance(Duration.ofMinutes(5)); // the default window moves; the cursor keeps the first one
        var second = json(api.predictions(Map.of("model", "iris", "limit", "2", "cursor", first.get("nextCursor").asText())));

        // THEN
        assertThat(first.get("count").asInt()).isEqualTo(2);
        assertThat(first.get("items")).extracting(i -> i.get("requestId").asText()).containsExactly("r3", "r2");
        var failed = first.get("items").get(0);
        assertThat(failed.get("error").asText()).isEqualTo("INFERENCE_FAILED");
        assertThat(failed.has("output")).isFalse();
        var predicted = first.get("items").get(1);
        assertThat(predicted.get("timestamp").asText()).isEqualTo("2026-11-23T11:40:00Z");
        assertThat(predicted.get("output").get("label").asText()).isEqualTo("setosa");
        assertThat(predicted.get("inputs").get("petal_length").asDouble()).isEqualTo(1.4);
        assertThat(predicted.get("version").asText()).isEqualTo("1");
        assertThat(predicted.get("row").asInt()).isZero();
        assertThat(predicted.get("latencyMs").asDouble()).isEqualTo(2.0);
        assertThat(predicted.get("source").asText()).isEqualTo("api");
        assertThat(second.get("items")).extracting(i -> i.get("requestId").asText()).containsExactly("r1");
        assertThat(second.get("count").asInt()).isEqualTo(1);
        assertThat(second.has("nextCursor")).isFalse();
    }

    @Test
    void predictions_shouldFilterVersionAndWindow_whenGiven() {
        reader.items.add(row("1", "a", 0, Instant.parse("2026-11-23T10:00:00Z"), 1, Map.of("label", "x")));
        reader.items.add(row("2", "b", 0, Instant.parse("2026-11-23T10:30:00Z"), 1, Map.of("label", "x")));
        reader.items.add(row("2", "c", 0, Instant.parse("2026-11-23T11:00:00Z"), 1, Map.of("label", "x")));

        var body = json(api.predictions(Map.of("model", "iris", "version", "2", "from", "2026-11-23T10:00:00Z", "to", "2026-11-23T11:00:00Z")));

        assertThat(body.get("items")).extracting(i -> i.get("requestId").asText()).containsExactly("b");
    }

    @Test
    void predictions_shouldRejectBadInput_whenParametersInvalid() {
        assertCode(() -> api.predictions(Map.of()), "MISSING_PARAMETER");
        assertCode(() -> api.predictions(null), "MISSING_PARAMETER");
        assertCode(() -> api.predictions(Map.of("model", "iris", "limit", "0")), "INVALID_LIMIT");
        assertCode(() -> api.predictions(Map.of("model", "iris", "from", "today")), "INVALID_TIME");
        assertCode(() -> api.predictions(Map.of("model", "iris", "from", "2026-11-23T11:00:00Z", "to", "2026-11-23T10:00:00Z")),
                "INVALID_TIME_RANGE");
        assertCode(() -> api.predictions(Map.of("model", "iris", "cursor", "not-a-cursor")), "INVALID_CURSOR");
    }

    @Test
    void predictions_shouldRejectCursor_whenFiltersChanged() {
        // GIVEN a cursor from a version-1 query
        for (int i = 0; i < 3; i++) {
            reader.items.add(row("1", "r" + i, 0, NOW.minusSeconds(60 + i), 1, Map.of("label", "x")));
        }
        var cursor = json(api.predictions(Map.of("model", "iris", "version", "1", "limit", "1"))).get("nextCursor").asText();

        // WHEN / THEN it is refused with another version or an explicit other window
        assertCode(() -> api.predictions(Map.of("model", "iris", "version", "2", "limit", "1", "cursor", cursor)), "INVALID_CURSOR");
        assertCode(() -> api.predictions(Map.of("model", "iris", "limit", "1", "cursor", cursor)), "INVALID_CURSOR");
        assertCode(() -> api.predictions(Map.of("model", "iris", "version", "1", "from", "2026-11-23T00:00:00Z", "cursor", cursor)),
                "INVALID_CURSOR");
    }

    @Test
    void stats_shouldReturnCountsLatencyAndClasses_whenClassifier() {
        // GIVEN version 1: request a (2 rows, 10 ms), b (1 row, 20 ms), c (1 row, 40 ms); one failed request
        var at = NOW.minus(Duration.ofHours(1));
        reader.items.addAll(List.of(
                row("1", "a", 0, at, 10, Map.of("label", "setosa", "probabilities", Map.of("setosa", 0.9))),
                row("1", "a", 1, at, 10, Map.of("label", "virginica")),
                row("1", "b", 0, at.plusSeconds(1), 20, Map.of("label", "setosa")),
                row("1", "c", 0, at.plusSeconds(2), 40, Map.of("label", 2L)),
                failure("1", "f", at.plusSeconds(3)),
                row("2", "other", 0, at, 999, Map.of("label", "setosa"))));

        // WHEN
        var body = json(api.stats("iris", Map.of("version", "1")));

        // THEN rows 4, errors 1 → errorRate 1/5; latency samples per request [10, 20, 40]:
        // p50 = ceil(1.5) = 2nd = 20, p95 = ceil(2.85) = 3rd = 40, p99 = 40
        assertThat(body.get("model").asText()).isEqualTo("iris");
        assertThat(body.get("version").asText()).isEqualTo("1");
        assertThat(body.get("from").asText()).isEqualTo("2026-11-22T12:00:00Z");
        assertThat(body.get("to").asText()).isEqualTo("2026-11-23T12:00:00Z");
        assertThat(body.get("count").asLong()).isEqualTo(4);
        assertThat(body.get("requestCount").asLong()).isEqualTo(3);
        assertThat(body.get("errorCount").asLong()).isEqualTo(1);
        assertThat(body.get("errorRate").asDouble()).isEqualTo(0.2);
        assertThat(body.get("latencyMs").get("p50").asDouble()).isEqualTo(20.0);
        assertThat(body.get("latencyMs").get("p95").asDouble()).isEqualTo(40.0);
        assertThat(body.get("latencyMs").get("p99").asDouble()).isEqualTo(40.0);
        assertThat(body.get("classes")).isEqualTo(Json.MAPPER.valueToTree(Map.of("setosa", 2, "virginica", 1, "2", 1)));
        assertThat(body.has("values")).isFalse();
        assertThat(body.get("truncated").asBoolean()).isFalse();
    }

    @Test
    void stats_shouldReturnValueQuantilesAndNullVersion_whenRegressionOverAllVersions() {
        // GIVEN values 1..10 spread over two versions, one request each
        for (int i = 1; i <= 10; i++) {
            reader.items.add(row(i % 2 == 0 ? "1" : "2", "r" + i, 0, NOW.minusSeconds(i), 5, Map.of("value", (double) i)));
        }

        // WHEN
        var body = json(api.stats("iris", Map.of()));

        // THEN n = 10: p05 = 1st, p25 = ceil(2.5) = 3rd, p50 = 5th, p75 = ceil(7.5) = 8th, p95 = ceil(9.5) = 10th; mean 5.5
        assertThat(body.has("version")).isTrue();
        assertThat(body.get("version").isNull()).isTrue();
        var value = body.get("values").get("value");
        assertThat(value.get("count").asLong()).isEqualTo(10);
        assertThat(value.get("p05").asDouble()).isEqualTo(1.0);
        assertThat(value.get("p25").asDouble()).isEqualTo(3.0);
        assertThat(value.get("p50").asDouble()).isEqualTo(5.0);
        assertThat(value.get("p75").asDouble()).isEqualTo(8.0);
        assertThat(value.get("p95").asDouble()).isEqualTo(10.0);
        assertThat(value.get("mean").asDouble()).isEqualTo(5.5);
        assertThat(body.has("classes")).isFalse();
    }

    @Test
    void stats_shouldReturnZerosAndNullLatency_whenNoItems() {
        var body = json(api.stats("iris", Map.of("from", "2026-11-23T10:00:00Z", "to", "2026-11-23T11:00:00Z")));

        assertThat(body.get("count").asLong()).isZero();
        assertThat(body.get("errorCount").asLong()).isZero();
        assertThat(body.get("errorRate").asDouble()).isZero();
        assertThat(body.get("latencyMs").get("p50").isNull()).isTrue();
        assertThat(body.get("from").asText()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(body.get("truncated").asBoolean()).isFalse();
    }

    @Test
    void stats_shouldSayTruncated_whenWindowHoldsMoreThanCap() {
        var capped = new PredictionLogApi(reader, clock, new StatsCalculator(2));
        for (int i = 0; i < 3; i++) {
            reader.items.add(row("1", "r" + i, 0, NOW.minusSeconds(i + 1), 1, Map.of("label", "x")));
        }

        var body = json(capped.stats("iris", Map.of()));

        assertThat(body.get("truncated").asBoolean()).isTrue();
        assertThat(body.get("count").asLong()).isEqualTo(2);
    }

    @Test
    void stats_shouldIgnorePagingParameters_whenGiven() {
        var params = new HashMap<String, String>(Map.of("limit", "0", "cursor", "x", "model", "other"));

        api.stats("iris", params);

        assertThat(reader.outcomeQueries).singleElement().satisfies(q -> assertThat(q.model()).isEqualTo("iris"));
    }

    @Test
    void stats_shouldRejectBadWindow_whenTimesInvalid() {
        assertCode(() -> api.stats("iris", Map.of("from", "2026-11-23T13:00:00Z")), "INVALID_TIME_RANGE");
        assertCode(() -> api.stats("iris", Map.of("to", "23/11/2026")), "INVALID_TIME");
        assertCode(() -> api.stats("iris", Map.of("version", "bad version")), "INVALID_VERSION");
    }
}
