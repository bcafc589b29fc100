package io.mlserve.core.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.AuditEntry;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.registry.VersionStatus;
import io.mlserve.core.schedule.ScheduledTask;
import io.mlserve.core.testing.InMemoryLabelledRows;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryScheduleStore;
import io.mlserve.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class QualityServiceTest {
    private static final String MODEL = "iris";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry().serving(MODEL, "1");
    private final InMemoryLabelledRows rows = new InMemoryLabelledRows();
    private final Map<String, QualityConfigStore.StoredConfig> stored = new ConcurrentHashMap<>();
    private final QualityConfigStore configs = new QualityConfigStore() {
        @Override
        public Optional<StoredConfig> find(String model) {
            return Optional.ofNullable(stored.get(model));
        }

        @Override
        public void put(String model, StoredConfig config) {
            stored.put(model, config);
        }
    };
    private final List<Map<String, Object>> published = new ArrayList<>();
    private final InMemoryScheduleStore schedules = new InMemoryScheduleStore();
    private final QualityService service = new QualityService(registry, new QualityMeasurer(rows), configs, (type, detail) -> {
        assertThat(type).isEqualTo(QualityService.MODEL_QUALITY_DEGRADED);
        published.add(detail);
        return "e-" + published.size();
    }, schedules, report -> "<html>" + report.series().size() + "</html>", clock);

    private static Map<String, Object> label(String label) {
        return Map.of("label", label, "probabilities", Map.of("a", label.equals("a") ? 0.8 : 0.2, "b", label.equals("b") ? 0.8 : 0.2));
    }

    /** n predictions of version v, a minute apart before now; the first {@code labelled} get actuals, every k-th one wrong. */
    private void predictions(String version, int n, int labelled, int wrongEvery) {
        for (int i = 0; i < n; i++) {
            String predicted = i % 2 == 0 ? "a" : "b";
            String actual = i >= labelled ? null : (wrongEvery > 0 && i % wrongEvery == 0 ? (predicted.equals("a") ? "b" : "a") : predicted);
            rows.add(new ModelRef(MODEL, version), clock.instant().minus(Duration.ofMinutes(i + 1)), label(predicted), actual);
        }
    }

    @Test
    void quality_shouldCountAndMatchByConstruction_whenASubsetIsLabelled() {
        // GIVEN 200 predictions, 120 labelled, every 4th labelled one wrong (i = 0, 4, 8, … are "a" predictions labelled "b")
        predictions("1", 200, 120, 4);

        // WHEN
        var answer = service.quality(MODEL, null, null, "1");

        // THEN
        assertThat(answer).containsEntry("count", 200L).containsEntry("labelled", 120L).containsEntry("coverage", 0.6);
        var metrics = (QualityMetrics.Classification) answer.get("metrics");
        assertThat(metrics.confusionMatrix()).isEqualTo(Map.of("a", Map.of("a", 30L, "b", 0L), "b", Map.of("a", 30L, "b", 60L)));
        assertThat(metrics.accuracy().value()).isEqualTo(90.0 / 120);
        assertThat(metrics.accuracy().low()).isLessThan(0.75);
        assertThat(metrics.accuracy().high()).isGreaterThan(0.75);
        assertThat(metrics.logLoss()).isNotNull();
        assertThat(Json.write(answer)).contains("\"kind\":\"classification\"");
    }

    @Test
    void quality_shouldAnswerPerVersion_whenNoVersionGiven() {
        register("2");
        predictions("1", 10, 10, 0);
        predictions("2", 4, 2, 0);

        var answer = service.quality(MODEL, null, null, null);

        @SuppressWarnings("unchecked")
        var versions = (Map<String, Map<String, Object>>) answer.get("versions");
        assertThat(versions).containsOnlyKeys("1", "2");
        assertThat(versions.get("1")).containsEntry("count", 10L).containsEntry("labelled", 10L);
        assertThat(versions.get("2")).containsEntry("count", 4L).containsEntry("labelled", 2L).containsEntry("coverage", 0.5);
        assertThat(answer).containsEntry("production", "1");
    }

    @Test
    void quality_shouldRefuse_whenWindowOrVersionIsBad() {
        assertThatThrownBy(() -> service.quality(MODEL, "2026-12-04T11:00:00Z", "2026-12-04T10:00:00Z", null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_TIME_RANGE"));
        assertThatThrownBy(() -> service.quality(MODEL, "yesterday", null, null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_TIME"));
        assertThatThrownBy(() -> service.quality(MODEL, "2026-10-01T00:00:00Z", null, null)).hasMessageContaining("at most 720 hours");
        assertThatThrownBy(() -> service.quality(MODEL, null, null, "9")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.quality("nobody", null, null, null)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void quality_shouldCountUnlabelledOnly_whenNothingIsLabelled() {
        predictions("1", 5, 0, 0);

        var answer = service.quality(MODEL, null, null, "1");

        assertThat(answer).containsEntry("count", 5L).containsEntry("labelled", 0L).doesNotContainKey("metrics");
    }

    @Test
    void putConfig_shouldStoreAndSchedule_whenValid() throws Exception {
        var config = service.putConfig(MODEL, Json.MAPPER.readTree("{\"schedule\": \"rate(5 minutes)\", \"floors\": {\"minAccuracy\": 0.9}}"), "admin");

        assertThat(service.getConfig(MODEL)).isEqualTo(config);
        assertThat(schedules.expression(new ScheduledTask(ScheduledTask.QUALITY, MODEL))).contains("rate(5 minutes)");
    }

    @Test
    void check_shouldPublishDegraded_whenProductionBelowAFloor() throws Exception {
        // GIVEN accuracy 0.75 on 120 labelled rows, floor 0.9
        service.putConfig(MODEL, Json.MAPPER.readTree("{\"minLabelled\": 100, \"floors\": {\"minAccuracy\": 0.9}}"), "admin");
        predictions("1", 200, 120, 4);

        // WHEN
        var check = service.check(MODEL);

        // THEN
        assertThat(check.verdict()).isEqualTo("degraded");
        assertThat(check.eventId()).isEqualTo("e-1");
        assertThat(published).singleElement().satisfies(d -> {
            assertThat(d).containsEntry("model", MODEL).containsEntry("version", "1").containsEntry("labelled", 120L);
            assertThat(d.get("broken")).isEqualTo(Map.of("minAccuracy", Map.of("value", 0.75, "floor", 0.9)));
        });
    }

    @Test
    void check_shouldPublishNothing_whenTooFewLabelledOrFloorsHold() throws Exception {
        service.putConfig(MODEL, Json.MAPPER.readTree("{\"minLabelled\": 200, \"floors\": {\"minAccuracy\": 0.9}}"), "admin");
        predictions("1", 200, 120, 4);

        assertThat(service.check(MODEL).verdict()).isEqualTo("insufficient-data");

        service.putConfig(MODEL, Json.MAPPER.readTree("{\"minLabelled\": 100, \"floors\": {\"minAccuracy\": 0.7}}"), "admin");
        assertThat(service.check(MODEL).verdict()).isEqualTo("ok");
        assertThat(published).isEmpty();
    }

    @Test
    void report_shouldDrawOneSeriesPerVersionInTimeBuckets() {
        register("2");
        predictions("1", 300, 300, 4);
        predictions("2", 60, 60, 0);

        var report = service.report(MODEL, null, null);

        assertThat(report.metric()).isEqualTo("accuracy");
        assertThat(report.series()).extracting(QualityReport.Series::version).containsExactly("1", "2");
        var v1 = report.series().get(0);
        assertThat(v1.points()).hasSizeGreaterThan(3);
        assertThat(v1.points().stream().mapToLong(QualityReport.Point::labelled).sum()).isEqualTo(300);
        assertThat(report.series().get(1).points()).allSatisfy(p -> assertThat(p.estimate().value()).isEqualTo(1.0));
        assertThat(service.reportHtml(MODEL, null, null)).isEqualTo("<html>2</html>");
    }

    @Test
    void quality_shouldGiveRegressionMetrics_whenOutputsAreValues() {
        registry.register(new RegisteredVersion("house", "1", VersionStatus.SERVING, "s3://b/models/house/1/", null, "regression",
                Map.of(), "2026-11-23T00:00:00Z", "t"), new AuditEntry("house", "t", "REGISTERED", "1", null, null, "t", null));
        var ref = new ModelRef("house", "1");
        rows.add(ref, clock.instant().minusSeconds(60), Map.of("value", 110.0), 100.0);
        rows.add(ref, clock.instant().minusSeconds(50), Map.of("value", 5.0), 0.0);
        rows.add(ref, clock.instant().minusSeconds(40), Map.of("value", 190.0), 200.0);

        var answer = service.quality("house", null, null, "1");

        var m = (QualityMetrics.Regression) answer.get("metrics");
        assertThat(m.mae().value()).isCloseTo(25.0 / 3, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(m.mape().value()).isCloseTo(0.075, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(m.mapeExcluded()).isEqualTo(1);
        assertThat(answer).containsEntry("kind", "regression");
    }

    private void register(String version) {
        registry.register(new RegisteredVersion(MODEL, version, VersionStatus.SERVING, "s3://b/models/" + MODEL + "/" + version + "/",
                null, "classification", Map.of(), "2026-11-24T00:00:00Z", "t"),
                new AuditEntry(MODEL, "t", "REGISTERED", version, null, null, "t", null));
    }
}
