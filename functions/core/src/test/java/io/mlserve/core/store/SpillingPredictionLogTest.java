package io.mlserve.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.testing.InMemoryPredictionLog;
import io.mlserve.core.testing.InMemoryPredictionSpill;
import io.mlserve.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SpillingPredictionLogTest {
    private static final ModelRef MODEL = new ModelRef("iris", "1");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final InMemoryPredictionLog table = new InMemoryPredictionLog();
    private final CountingLog counted = new CountingLog(table);
    private final InMemoryPredictionSpill spill = new InMemoryPredictionSpill();
    private final RecordingEvents events = new RecordingEvents();
    private final SpillingPredictionLog log =
            new SpillingPredictionLog(counted, spill, new CircuitBreaker(3, Duration.ofSeconds(30), clock), events);

    @Test
    void write_shouldNotSpill_whenTheLogTakesEveryRow() {
        var result = log.write(rows("r1", 3));

        assertThat(result).isEqualTo(new PredictionLog.WriteResult(3, 0, null));
        assertThat(table.records).hasSize(3);
        assertThat(spill.records).isEmpty();
        assertThat(events.lines).isEmpty();
    }

    @Test
    void write_shouldSpillOnlyTheUnwrittenRows_whenTheLogNamesThem() {
        // GIVEN a log that stores row 0 and throttles rows 1 and 2
        var rows = rows("r1", 3);
        PredictionLog partial = new PredictionLog() {
            @Override
            public WriteResult write(List<PredictionRecord> records) {
                return new WriteResult(1, 2, "2 item(s) unprocessed (throttled)", records.subList(1, 3));
            }

            @Override
            public void retract(PredictionRecord record) {}
        };
        var spilling = new SpillingPredictionLog(partial, spill, new CircuitBreaker(3, Duration.ofSeconds(30), clock), events);

        // WHEN
        var result = spilling.write(rows);

        // THEN the caller sees a complete write and the two rows wait in the spill
        assertThat(result.complete()).isTrue();
        assertThat(result.written()).isEqualTo(3);
        assertThat(spill.records).containsExactlyElementsOf(rows.subList(1, 3));
        assertThat(events.lines).containsExactly("spilled iris r1 2 closed 2 item(s) unprocessed (throttled)");
    }

    @Test
    void write_shouldSpillEveryRow_whenTheLogCannotSayWhichFailed() {
        table.failing = true;

        var result = log.write(rows("r1", 2));

        assertThat(result.complete()).isTrue();
        assertThat(spill.records).hasSize(2);
    }

    @Test
    void write_shouldSkipTheLog_whileTheBreakerIsOpen_andProbeItAfterTheCoolDown() {
        // GIVEN three failed writes: the breaker opens
        table.failing = true;
        for (int i = 0; i < 3; i++) {
            log.write(rows("r" + i, 1));
        }
        assertThat(counted.writes.get()).isEqualTo(3);
        assertThat(events.lines).contains("breaker open simulated outage");

        // WHEN more requests come during the cool-down
        for (int i = 3; i < 10; i++) {
            assertThat(log.write(rows("r" + i, 2)).complete()).isTrue();
        }

        // THEN the log is not called; every row is in the spill
        assertThat(counted.writes.get()).isEqualTo(3);
        assertThat(spill.records).hasSize(3 + 7 * 2);
        assertThat(events.lines).contains("spilled iris r9 2 open circuit breaker open after repeated prediction log failures");

        // WHEN the table is back and the cool-down has passed: one write probes and closes the breaker
        table.failing = false;
        clock.advance(Duration.ofSeconds(30));
        log.write(rows("r10", 1));
        log.write(rows("r11", 1));
        assertThat(counted.writes.get()).isEqualTo(5);
        assertThat(table.records).extracting(PredictionRecord::requestId).containsExactly("r10", "r11");
        assertThat(events.lines).contains("breaker closed null");
    }

    @Test
    void write_shouldReportRowsLost_onlyWhenTheSpillFailsToo() {
        table.failing = true;
        spill.failing = true;

        var result = log.write(rows("r1", 4));

        assertThat(result.complete()).isFalse();
        assertThat(result.failed()).isEqualTo(4);
        assertThat(result.lastError()).contains("spill failed").contains("simulated outage");
        assertThat(events.lines).anyMatch(line -> line.startsWith("lost iris r1 4"));
    }

    @Test
    void write_shouldNeverSpillInFlightMarkers_andRetractShouldNotCallTheLog_whileOpen() {
        // GIVEN an open breaker
        table.failing = true;
        for (int i = 0; i < 3; i++) {
            log.write(rows("r" + i, 1));
        }
        spill.records.clear();
        var marker = PredictionRecord.inFlight(MODEL, "m1", clock.instant(), "api");

        // WHEN a canary request writes and retracts its marker
        var result = log.write(List.of(marker));
        log.retract(marker);

        // THEN the marker went nowhere (a replayed marker could never be retracted)
        assertThat(result.failed()).isEqualTo(1);
        assertThat(spill.records).isEmpty();
        assertThat(counted.retracts.get()).isZero();
    }

    @Test
    void write_shouldSpill_whenTheLogThrows() {
        PredictionLog broken = new PredictionLog() {
            @Override
            public WriteResult write(List<PredictionRecord> records) {
                throw new IllegalStateException("bug");
            }

            @Override
            public void retract(PredictionRecord record) {}
        };
        var spilling = new SpillingPredictionLog(broken, spill, new CircuitBreaker(3, Duration.ofSeconds(30), clock), events);

        assertThat(spilling.write(rows("r1", 2)).complete()).isTrue();
        assertThat(spill.records).hasSize(2);
    }

    static List<PredictionRecord> rows(String requestId, int n) {
        var rows = new ArrayList<PredictionRecord>();
        for (int i = 0; i < n; i++) {
            rows.add(new PredictionRecord(MODEL, requestId, i, Instant.parse("2026-12-04T10:00:00.123456789Z"),
                    Map.of("x", 1.5 + i), Map.of("label", "setosa"), 0.4, "api", null));
        }
        return rows;
    }

    private static final class CountingLog implements PredictionLog {
        final PredictionLog delegate;
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger retracts = new AtomicInteger();

        CountingLog(PredictionLog delegate) {
            this.delegate = delegate;
        }

        @Override
        public WriteResult write(List<PredictionRecord> records) {
            writes.incrementAndGet();
            return delegate.write(records);
        }

        @Override
        public void retract(PredictionRecord record) {
            retracts.incrementAndGet();
            delegate.retract(record);
        }
    }

    private static final class RecordingEvents implements PredictionLogEvents {
        final List<String> lines = new ArrayList<>();

        @Override
        public void spilled(ModelRef model, String requestId, int rows, boolean breakerOpen, String reason) {
            lines.add("spilled " + model.name() + " " + requestId + " " + rows + " " + (breakerOpen ? "open" : "closed") + " " + reason);
        }

        @Override
        public void lost(ModelRef model, String requestId, int rows, String reason) {
            lines.add("lost " + model.name() + " " + requestId + " " + rows + " " + reason);
        }

        @Override
        public void breaker(boolean open, String reason) {
            lines.add("breaker " + (open ? "open" : "closed") + " " + reason);
        }
    }
}
