package io.mlserve.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanaryGuardServiceTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry().serving("m", "1").serving("m", "2");
    private final RegistryService service = new RegistryService(registry, new InMemoryModelStore(), (m, b) -> null, "b", clock);
    private final List<String> published = new ArrayList<>();
    private final EventPublisher events = (type, detail) -> {
        published.add(type + ":" + detail.get("model") + ":" + detail.get("canary"));
        return "event-" + published.size();
    };

    private CanaryGuardService guard(CanaryHealth measured) {
        return new CanaryGuardService(registry, service, (model, version, from, to) -> {
            assertThat(version).isEqualTo("2");
            assertThat(java.time.Duration.between(from, to).toMinutes()).isEqualTo(10);
            return measured;
        }, events, clock);
    }

    private void canary(CanaryGuard guard) {
        service.setProduction("m", "1", "t");
        service.setCanary("m", "2", 25, guard, "t");
    }

    @Test
    void checkAll_shouldRollBackAndPublish_whenErrorRateAboveLimit() {
        canary(new CanaryGuard(0.05, 500.0, 20, 10));

        var decisions = guard(new CanaryHealth(40, 4, 12.0)).checkAll();

        assertThat(decisions).singleElement().satisfies(d -> {
            assertThat(d.rolledBack()).isTrue();
            assertThat(d.reason()).startsWith("error rate 0.100 > 0.050");
            assertThat(d.eventId()).isEqualTo("event-1");
        });
        assertThat(registry.aliases("m").canaryWeight()).isZero();
        assertThat(registry.aliases("m").production()).isEqualTo("1");
        assertThat(published).containsExactly("CanaryRolledBack:m:2");
        assertThat(registry.audit("m")).last().satisfies(a -> {
            assertThat(a.action()).isEqualTo("CANARY_ROLLED_BACK");
            assertThat(a.actor()).isEqualTo("canary-guard");
        });
    }

    @Test
    void checkAll_shouldRollBack_whenP95LatencyAboveLimit() {
        canary(new CanaryGuard(null, 100.0, 5, null));

        assertThat(guard(new CanaryHealth(10, 0, 180.0)).checkAll()).singleElement()
                .satisfies(d -> assertThat(d.reason()).startsWith("p95 latency 180.00 ms > 100.00 ms"));
    }

    @Test
    void checkAll_shouldLeaveCanary_whenTooFewRequestsOrWithinLimits() {
        canary(null);

        assertThat(guard(new CanaryHealth(3, 3, 900.0)).checkAll()).singleElement()
                .satisfies(d -> assertThat(d.rolledBack()).isFalse());
        assertThat(guard(new CanaryHealth(100, 1, 20.0)).checkAll()).singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo("within limits"));
        assertThat(registry.aliases("m").canaryWeight()).isEqualTo(25);
        assertThat(published).isEmpty();
    }

    @Test
    void checkAll_shouldIgnoreModels_whoseCanaryTakesNoTraffic() {
        service.setProduction("m", "1", "t");
        service.setCanary("m", "2", 0, null, "t");

        assertThat(guard(new CanaryHealth(100, 100, 900.0)).checkAll()).isEmpty();
    }

    @Test
    void checkAll_shouldCheckEveryOtherModel_whenOneModelFails() {
        // GIVEN two models with canaries, the first of which cannot be measured
        registry.serving("a", "1").serving("a", "2");
        service.setProduction("a", "1", "t");
        service.setCanary("a", "2", 25, null, "t");
        canary(new CanaryGuard(0.05, 500.0, 20, 10));
        var guard = new CanaryGuardService(registry, service, (model, version, from, to) -> {
            if (model.equals("a")) {
                throw new IllegalStateException("log query failed");
            }
            return new CanaryHealth(40, 4, 12.0);
        }, events, clock);

        // WHEN the guard runs
        var decisions = guard.checkAll();

        // THEN the failure is recorded for 'a' and 'm' is still rolled back
        assertThat(decisions).hasSize(2);
        assertThat(decisions).filteredOn(CanaryGuardService.Decision::failed).singleElement()
                .satisfies(d -> assertThat(d.model()).isEqualTo("a"));
        assertThat(decisions).filteredOn(CanaryGuardService.Decision::rolledBack).singleElement()
                .satisfies(d -> assertThat(d.model()).isEqualTo("m"));
        assertThat(registry.aliases("m").canaryWeight()).isZero();
    }

    // ---------------------------------------------------------------- ground truth

    private final io.mlserve.core.testing.InMemoryLabelledRows labelled = new io.mlserve.core.testing.InMemoryLabelledRows();

    /** n labelled rows of a version in the last minutes, {@code correct} of them right. */
    private void labelledRows(String version, int n, int correct) {
        for (int i = 0; i < n; i++) {
            labelled.add(new io.mlserve.core.model.ModelRef("m", version), clock.instant().minusSeconds(i + 1),
                    java.util.Map.of("label", "a"), i < correct ? "a" : "b");
        }
    }

    private CanaryGuardService qualityGuard() {
        return new CanaryGuardService(registry, service, (model, version, from, to) -> new CanaryHealth(100, 0, 10.0), events, clock,
                new io.mlserve.core.quality.QualityMeasurer(labelled));
    }

    @Test
    void checkAll_shouldRollBack_whenCanaryAccuracyIntervalLiesBelowProductionMinusDrop() {
        // GIVEN production 95% right, canary 60% right, on 200 labelled rows each; allowed drop 5 points
        canary(new CanaryGuard(null, null, null, null, 0.05, null, 50));
        labelledRows("1", 200, 190);
        labelledRows("2", 200, 120);

        // WHEN
        var decisions = qualityGuard().checkAll();

        // THEN
        assertThat(decisions).singleElement().satisfies(d -> {
            assertThat(d.rolledBack()).isTrue();
            assertThat(d.reason()).startsWith("accuracy 0.6000 [").contains("< production's 0.9500 - 0.0500");
        });
        assertThat(registry.aliases("m").canaryWeight()).isZero();
        assertThat(published).containsExactly("CanaryRolledBack:m:2");
    }

    @Test
    void checkAll_shouldKeepCanary_whenItsIntervalReachesProductionMinusDrop() {
        // a small dip on few rows: the interval still reaches 0.90
        canary(new CanaryGuard(null, null, null, null, 0.05, null, 20));
        labelledRows("1", 40, 38);
        labelledRows("2", 40, 34);

        assertThat(qualityGuard().checkAll()).singleElement().satisfies(d -> assertThat(d.rolledBack()).isFalse());
        assertThat(registry.aliases("m").canaryWeight()).isEqualTo(25);
    }

    @Test
    void checkAll_shouldNotJudgeQuality_whenTooFewLabelled() {
        canary(new CanaryGuard(null, null, null, null, 0.05, null, 100));
        labelledRows("1", 200, 200);
        labelledRows("2", 99, 0);

        assertThat(qualityGuard().checkAll()).singleElement().satisfies(d -> assertThat(d.rolledBack()).isFalse());
    }

    @Test
    void checkAll_shouldRollBack_whenCanaryMapeIntervalLiesAboveProductionPlusRise() {
        canary(new CanaryGuard(null, null, null, null, null, 0.02, 30));
        for (int i = 0; i < 100; i++) {
            labelled.add(new io.mlserve.core.model.ModelRef("m", "1"), clock.instant().minusSeconds(i + 1), java.util.Map.of("value", 101.0), 100.0);
            labelled.add(new io.mlserve.core.model.ModelRef("m", "2"), clock.instant().minusSeconds(i + 1),
                    java.util.Map.of("value", 100.0 + 10 + i % 5), 100.0);
        }

        assertThat(qualityGuard().checkAll()).singleElement().satisfies(d -> {
            assertThat(d.rolledBack()).isTrue();
            assertThat(d.reason()).startsWith("MAPE 0.1200 [");
        });
    }
}
