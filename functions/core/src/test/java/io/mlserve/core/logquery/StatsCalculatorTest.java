package io.mlserve.core.logquery;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.model.ModelRef;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StatsCalculatorTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private final PredictionQuery query =
            new PredictionQuery("iris", "1", T0, T0.plusSeconds(3600), 100, null, true, true);

    private static PredictionRecord row(String requestId, int row, double latencyMs, Map<String, Object> output) {
        return new PredictionRecord(new ModelRef("iris", "1"), requestId, row, T0.plusSeconds(requestId.hashCode() & 0xff), Map.of(),
                output, latencyMs, "api", null);
    }

    private static PredictionRecord failure(String requestId, double latencyMs) {
        return new PredictionRecord(new ModelRef("iris", "1"), requestId, 0, T0, Map.of(), null, latencyMs, "api", "INFERENCE_FAILED");
    }

    @Test
    void nearestRank_shouldPickCeilingRank_whenTwentySamples() {
        double[] sorted = IntStream.rangeClosed(1, 20).asDoubleStream().toArray();

        // rank = ceil(p * 20 / 100)
        assertThat(StatsCalculator.nearestRank(sorted, 5)).isEqualTo(1.0); // ceil(1.0) = 1
        assertThat(StatsCalculator.nearestRank(sorted, 25)).isEqualTo(5.0); // ceil(5.0) = 5
        assertThat(StatsCalculator.nearestRank(sorted, 50)).isEqualTo(10.0);
        assertThat(StatsCalculator.nearestRank(sorted, 95)).isEqualTo(19.0); // exactly 19, no float drift
        assertThat(StatsCalculator.nearestRank(sorted, 99)).isEqualTo(20.0); // ceil(19.8) = 20
        assertThat(StatsCalculator.nearestRank(sorted, 100)).isEqualTo(20.0);
    }

    @Test
    void nearestRank_shouldReturnObservedValue_whenFewSamples() {
        assertThat(StatsCalculator.nearestRank(new double[] {7.5}, 5)).isEqualTo(7.5);
        assertThat(StatsCalculator.nearestRank(new double[] {7.5}, 99)).isEqualTo(7.5);
        assertThat(StatsCalculator.nearestRank(new double[] {1, 2, 3}, 50)).isEqualTo(2.0); // ceil(1.5) = 2
        assertThat(StatsCalculator.nearestRank(new double[] {1, 2, 3}, 5)).isEqualTo(1.0); // ceil(0.15) = 1
    }

    @Test
    void compute_shouldCountRowsErrorsAndLatencyPerRequest_whenClassifierLog() {
        // GIVEN 10 successful requests with latencies 10, 20, … 100 ms; r1 has 3 rows, the others 1;
        // and 2 failed requests (latency 1 ms, must not enter the percentiles)
        var items = new ArrayList<PredictionRecord>();
        for (int r = 1; r <= 10; r++) {
            int rows = r == 1 ? 3 : 1;
            for (int i = 0; i < rows; i++) {
                var label = r <= 6 ? (Object) "setosa" : r <= 9 ? (Object) "versicolor" : (Object) 2L;
                items.add(row("r" + r, i, 10.0 * r, Map.of("label", label, "probabilities", Map.of("setosa", 0.9))));
            }
        }
        items.add(failure("e1", 1.0));
        items.add(failure("e2", 1.0));

        // WHEN
        var stats = new StatsCalculator().compute(query, items.stream());

        // THEN rows = 3 + 9 = 12, requests = 10, errors = 2
        assertThat(stats.count()).isEqualTo(12);
        assertThat(stats.requestCount()).isEqualTo(10);
        assertThat(stats.errorCount()).isEqualTo(2);
        assertThat(stats.errorRate()).isCloseTo(2.0 / 14, within(1e-12));
        assertThat(stats.requestErrorRate()).isCloseTo(2.0 / 12, within(1e-12));
        // one sample per request: [10..100]; p50 = 5th = 50 (per row it would be 6th of 12 = 30)
        assertThat(stats.latencyMs()).isEqualTo(new PredictionStats.Latency(50.0, 100.0, 100.0));
        // setosa: r1 (3 rows) + r2..r6 = 8; versicolor: r7..r9 = 3; integer label 2: r10
        assertThat(stats.classes()).containsExactly(Map.entry("2", 1L), Map.entry("setosa", 8L), Map.entry("versicolor", 3L));
        assertThat(stats.values()).isNull();
        assertThat(stats.truncated()).isFalse();
        assertThat(stats.model()).isEqualTo("iris");
        assertThat(stats.version()).isEqualTo("1");
        assertThat(stats.from()).isEqualTo(query.from());
        assertThat(stats.to()).isEqualTo(query.to());
    }

    @Test
    void compute_shouldGiveQuantilesAndMean_whenSingleTargetRegression() {
        // GIVEN values 4, 1, 3, 2 (sorted 1, 2, 3, 4) and one non-numeric value that is skipped
        var items = Stream.of(
                row("a", 0, 5, Map.of("value", 4.0)),
                row("a", 1, 5, Map.of("value", 1L)),
                row("a", 2, 5, Map.of("value", 3.0)),
                row("a", 3, 5, Map.of("value", 2.0)),
                row("a", 4, 5, Map.of("value", "NaN")));

        // WHEN
        var stats = new StatsCalculator().compute(query, items);

        // THEN n = 4: p05 = ceil(0.2) = 1st, p25 = 1st, p50 = 2nd, p75 = 3rd, p95 = ceil(3.8) = 4th
        assertThat(stats.values()).containsOnlyKeys("value");
        assertThat(stats.values().get("value")).isEqualTo(new PredictionStats.Quantiles(4, 1.0, 1.0, 2.0, 3.0, 4.0, 2.5));
        assertThat(stats.classes()).isNull();
        assertThat(stats.count()).isEqualTo(5);
        assertThat(stats.requestCount()).isEqualTo(1);
        assertThat(stats.latencyMs()).isEqualTo(new PredictionStats.Latency(5.0, 5.0, 5.0));
    }

    @Test
    void compute_shouldGiveQuantilesPerTarget_whenMultiTargetRegression() {
        var items = Stream.of(
                row("a", 0, 5, Map.of("value", Map.of("price", 10.0, "rent", 1.0))),
                row("a", 1, 5, Map.of("value", Map.of("price", 30.0, "rent", 2.0))),
                row("b", 0, 7, Map.of("value", Map.of("price", 20.0))));

        var stats = new StatsCalculator().compute(query, items);

        // price sorted 10, 20, 30: p05 = 1st, p25 = ceil(0.75) = 1st, p50 = ceil(1.5) = 2nd, p75 = ceil(2.25) = 3rd, p95 = 3rd
        assertThat(stats.values().get("price")).isEqualTo(new PredictionStats.Quantiles(3, 10, 10, 20, 30, 30, 20));
        // rent sorted 1, 2: p05 = 1st, p25 = 1st, p50 = 1st, p75 = ceil(1.5) = 2nd, p95 = 2nd
        assertThat(stats.values().get("rent")).isEqualTo(new PredictionStats.Quantiles(2, 1, 1, 1, 2, 2, 1.5));
    }

    @Test
    void compute_shouldReturnZerosAndNullPercentiles_whenWindowEmpty() {
        var stats = new StatsCalculator().compute(query, Stream.empty());

        assertThat(stats.count()).isZero();
        assertThat(stats.errorCount()).isZero();
        assertThat(stats.errorRate()).isZero();
        assertThat(stats.requestErrorRate()).isZero();
        assertThat(stats.latencyMs()).isEqualTo(new PredictionStats.Latency(null, null, null));
        assertThat(stats.classes()).isNull();
        assertThat(stats.values()).isNull();
        assertThat(stats.truncated()).isFalse();
    }

    @Test
    void compute_shouldReportErrorRateOne_whenOnlyFailures() {
        var stats = new StatsCalculator().compute(query, Stream.of(failure("e1", 3), failure("e2", 4)));

        assertThat(stats.errorRate()).isEqualTo(1.0);
        assertThat(stats.latencyMs().p50()).isNull();
    }

    @Test
    void compute_shouldStopAtCapAndFlagTruncated_whenMoreItemsThanCap() {
        // GIVEN 5 items and a cap of 3; count how many the calculator pulls
        var pulled = new AtomicInteger();
        var items = IntStream.range(0, 5).mapToObj(i -> row("r" + i, 0, i, Map.of("label", "x"))).peek(i -> pulled.incrementAndGet());

        // WHEN
        var stats = new StatsCalculator(3).compute(query, items);

        // THEN only the first 3 count, and reading stopped right after the 4th showed there is more
        assertThat(stats.truncated()).isTrue();
        assertThat(stats.count()).isEqualTo(3);
        assertThat(pulled.get()).isLessThanOrEqualTo(4);
    }

    @Test
    void compute_shouldNotFlagTruncated_whenItemsEqualCap() {
        var items = List.of(row("a", 0, 1, Map.of()), row("b", 0, 2, Map.of()), row("c", 0, 3, Map.of()));

        var stats = new StatsCalculator(3).compute(query, items.stream());

        assertThat(stats.truncated()).isFalse();
        assertThat(stats.count()).isEqualTo(3);
    }
}
