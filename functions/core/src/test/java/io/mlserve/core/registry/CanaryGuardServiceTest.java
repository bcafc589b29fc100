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
}
