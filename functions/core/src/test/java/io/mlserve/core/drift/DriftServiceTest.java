package io.mlserve.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.baseline.BaselineBuilder;
import io.mlserve.core.drift.DriftReport.Verdict;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.InputSpec;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import io.mlserve.core.schedule.ScheduledTask;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.testing.InMemoryBaselineStore;
import io.mlserve.core.testing.InMemoryDriftStores;
import io.mlserve.core.testing.InMemoryLoggedRows;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.InMemoryPredictionLog;
import io.mlserve.core.testing.InMemoryScheduleStore;
import io.mlserve.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DriftService} over the in-memory ports: what a check reads, stores, publishes and never claims. */
class DriftServiceTest {
    static final List<Feature> FEATURES = List.of(
            new Feature("x", FeatureType.DOUBLE, null, null, null, null, null),
            new Feature("plan", FeatureType.STRING, null, null, null, null, null));
    static final ModelRef REF = new ModelRef("churn", "1");

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    final InMemoryModelRegistry registry = new InMemoryModelRegistry();
    final InMemoryModelStore models = new InMemoryModelStore();
    final InMemoryBaselineStore baselines = new InMemoryBaselineStore();
    final InMemoryPredictionLog log = new InMemoryPredictionLog();
    final InMemoryDriftStores.Configs configs = new InMemoryDriftStores.Configs();
    final InMemoryDriftStores.Reports reports = new InMemoryDriftStores.Reports();
    final InMemoryDriftStores.History history = new InMemoryDriftStores.History();
    final InMemoryDriftStores.Events events = new InMemoryDriftStores.Events();
    final InMemoryScheduleStore schedules = new InMemoryScheduleStore();
    final List<DriftReport> metrics = new CopyOnWriteArrayList<>();
    DriftService drift;

    @BeforeEach
    void setUp() {
        drift = new DriftService(registry, models, baselines, new InMemoryLoggedRows(log), configs, reports, history, events, schedules,
                metrics::add, report -> "<html>" + report.verdict().spelling() + "</html>", clock);
        registry.serving("churn", "1");
        models.put(REF, Json.write(manifest()).getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    static ModelManifest manifest() {
        return new ModelManifest(1, "churn", "1", Task.CLASSIFICATION, "test", FEATURES,
                new InputSpec(InputSpec.Layout.PER_FEATURE, null, null, null),
                new OutputSpec(List.of("no", "yes"), null, null, null, null), Map.of(), "0".repeat(64), "2026-11-23T00:00:00Z", null,
                null);
    }

    /** Rows: x ~ N(shift, 1), plan 50/50 basic/pro; the label follows x. */
    static List<Map<String, Object>> rows(int n, long seed, double shift) {
        var random = new Random(seed);
        var out = new ArrayList<Map<String, Object>>(n);
        for (int i = 0; i < n; i++) {
            out.add(Map.of("x", shift + random.nextGaussian(), "plan", random.nextBoolean() ? "basic" : "pro"));
        }
        return out;
    }

    static String label(Map<String, Object> row) {
        return ((Double) row.get("x")) > 0 ? "yes" : "no";
    }

    void giveBaseline() {
        var reference = rows(4000, 1, 0);
        var cells = reference.stream().map(r -> new String[] {r.get("x").toString(), (String) r.get("plan")}).toList();
        var predictions = reference.stream().map(r -> (Prediction) new Prediction.Classification(label(r), null)).toList();
        baselines.put(REF, BaselineBuilder.build(REF, "reference", "s3://data/ref.csv", "2026-11-24T00:00:00Z", FEATURES, cells,
                Task.CLASSIFICATION, predictions));
    }

    void logTraffic(int n, long seed, double shift, Duration ago) {
        var at = clock.instant().minus(ago);
        var records = new ArrayList<PredictionRecord>();
        var traffic = rows(n, seed, shift);
        for (int i = 0; i < traffic.size(); i++) {
            var row = traffic.get(i);
            records.add(new PredictionRecord(REF, "req-" + seed, i, at, row, Map.of("label", label(row)), 1.0, "api", null));
        }
        log.write(records);
    }

    @Test
    @SuppressWarnings("unchecked")
    void check_shouldFlagTheShiftedFeatureOnly_andPublishDriftDetected_whenTrafficMoved() {
        // GIVEN a baseline and traffic whose x moved by 1σ (plan unchanged)
        giveBaseline();
        logTraffic(1000, 2, 1.0, Duration.ofMinutes(5));

        // WHEN
        var report = drift.check("churn");

        // THEN the verdict names x (and the predictions that follow it), never plan
        assertThat(report.verdict()).isEqualTo(Verdict.DRIFT);
        assertThat(report.version()).isEqualTo("1");
        assertThat(report.samples()).isEqualTo(1000);
        assertThat(report.driftedFeatures()).contains("x").doesNotContain("plan");
        assertThat(events.published).hasSize(1);
        var event = events.published.get(0);
        assertThat(event.detailType()).isEqualTo("DriftDetected");
        assertThat(event.detail()).containsEntry("model", "churn").containsEntry("version", "1")
                .containsEntry("driftedFeatures", report.driftedFeatures());
        assertThat((Map<String, Object>) event.detail().get("scores")).containsKeys("x", "plan", "prediction");
        assertThat((Map<String, Object>) ((Map<?, ?>) event.detail().get("scores")).get("x")).containsKeys("statistic", "pValue", "psi");
        assertThat((Map<String, Object>) event.detail().get("report")).containsKeys("json", "html");
        // stored: the report, its page, a summary; scores recorded as metrics
        assertThat(history.summaries).singleElement().satisfies(s -> {
            assertThat(s.verdict()).isEqualTo(Verdict.DRIFT);
            assertThat(s.driftedFeatures()).contains("x");
            assertThat(s.scores()).containsKeys("x", "plan");
        });
        assertThat(reports.pages).containsValue("<html>drift</html>");
        assertThat(metrics).containsExactly(report);
        assertThat(drift.latest("churn")).isEqualTo(report);
        assertThat(drift.reportHtml("churn")).isEqualTo("<html>drift</html>");
    }

    @Test
    void check_shouldSayNoDrift_andPublishNothing_whenTrafficIsLikeTheBaseline() {
        giveBaseline();
        logTraffic(1000, 3, 0, Duration.ofMinutes(5));

        var report = drift.check("churn");

        assertThat(report.verdict()).isEqualTo(Verdict.NO_DRIFT);
        assertThat(events.published).isEmpty();
    }

    @Test
    void check_shouldBeInsufficientData_whenTooFewRowsInTheWindow() {
        // GIVEN plenty of shifted rows, but older than the window, and too few inside it
        giveBaseline();
        logTraffic(2000, 4, 3.0, Duration.ofHours(30));
        logTraffic(100, 5, 3.0, Duration.ofMinutes(1));

        var report = drift.check("churn");

        assertThat(report.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(report.samples()).isEqualTo(100);
        assertThat(report.reason()).contains("minSamples");
        assertThat(events.published).isEmpty();
        assertThat(history.summaries).singleElement().extracting(DriftSummary::verdict).isEqualTo(Verdict.INSUFFICIENT_DATA);
    }

    @Test
    void check_shouldReadOnlyTheNewestLastRows_andSkipFailedRequests() {
        // GIVEN a config capping the window at 600 rows: the newest 600 are unshifted, older ones shifted
        giveBaseline();
        drift.putConfig("churn", Json.MAPPER.valueToTree(Map.of("window", Map.of("lastRows", 600))), "admin");
        logTraffic(2000, 6, 3.0, Duration.ofMinutes(10));
        logTraffic(600, 7, 0, Duration.ofMinutes(1));
        log.write(List.of(new PredictionRecord(REF, "failed", 0, clock.instant().minusSeconds(1), Map.of(), null, 1, "api",
                "INFERENCE_FAILED")));

        var report = drift.check("churn");

        assertThat(report.samples()).isEqualTo(600);
        assertThat(report.verdict()).isEqualTo(Verdict.NO_DRIFT);
        assertThat(report.window().lastRows()).isEqualTo(600);
        assertThat(report.window().hours()).isNull();
    }

    @Test
    void check_shouldBeInsufficientData_whenTheVersionHasNoBaseline() {
        logTraffic(1000, 8, 3.0, Duration.ofMinutes(1));

        var report = drift.check("churn");

        assertThat(report.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(report.reason()).contains("no baseline");
        assertThat(events.published).isEmpty();
    }

    @Test
    void check_shouldBeInsufficientData_whenTheModelHasNoProductionVersion() {
        var noProduction = new InMemoryModelRegistry();
        noProduction.register(new io.mlserve.core.registry.RegisteredVersion("fresh", "1", io.mlserve.core.registry.VersionStatus.CANDIDATE,
                "s3://b/models/fresh/1/", null, "classification", Map.of(), "2026-11-23T00:00:00Z", "test"),
                new io.mlserve.core.registry.AuditEntry("fresh", "2026-11-23T00:00:00Z", "register", "1", null, null, "test", null));
        var service = new DriftService(noProduction, models, baselines, new InMemoryLoggedRows(log), configs, reports, history, events,
                schedules, DriftMetrics.NONE, report -> "", clock);

        var report = service.check("fresh");

        assertThat(report.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(report.version()).isNull();
        assertThat(report.reason()).contains("no production version");
    }

    @Test
    void check_shouldBe404_whenTheModelIsUnknown() {
        assertThatThrownBy(() -> drift.check("nobody")).isInstanceOf(MlServeException.class)
                .extracting(e -> ((MlServeException) e).code()).isEqualTo("MODEL_NOT_FOUND");
    }

    @Test
    void putConfig_shouldStoreItAndItsSchedule_andGetConfigShouldFillDefaults() {
        assertThat(drift.getConfig("churn")).isEqualTo(DriftConfig.defaults());

        var config = drift.putConfig("churn", Json.MAPPER.valueToTree(Map.of("schedule", "rate(6 hours)", "minSamples", 200,
                "thresholds", Map.of("features", Map.of("x", Map.of("ks", 0.2))))), "admin");

        assertThat(config.minSamples()).isEqualTo(200);
        assertThat(drift.getConfig("churn")).isEqualTo(config);
        assertThat(schedules.expression(new ScheduledTask("drift", "churn"))).contains("rate(6 hours)");
        assertThat(configs.configs.get("churn").updatedBy()).isEqualTo("admin");
    }

    @Test
    void putConfig_shouldRefuseAnUnknownFeature_andKeepTheOldConfig() {
        assertThatThrownBy(() -> drift.putConfig("churn", Json.MAPPER.valueToTree(Map.of("thresholds",
                Map.of("features", Map.of("height", Map.of("ks", 0.2))))), "admin"))
                .isInstanceOf(MlServeException.class)
                .satisfies(e -> {
                    assertThat(((MlServeException) e).code()).isEqualTo("INVALID_DRIFT_CONFIG");
                    assertThat(e.getMessage()).contains("thresholds.features.height");
                });
        assertThat(configs.configs).isEmpty();
        assertThat(schedules.expression(new ScheduledTask("drift", "churn"))).isEmpty();
    }

    @Test
    void latest_shouldBe404_whenNoCheckRanYet() {
        assertThatThrownBy(() -> drift.latest("churn")).isInstanceOf(MlServeException.class)
                .extracting(e -> ((MlServeException) e).code()).isEqualTo("DRIFT_REPORT_NOT_FOUND");
    }

    @Test
    void history_shouldListNewestFirst_andRefuseABadLimit() {
        giveBaseline();
        drift.check("churn");
        clock.advance(Duration.ofHours(1));
        logTraffic(1000, 9, 0, Duration.ofMinutes(1));
        drift.check("churn");

        var entries = drift.history("churn", null);

        assertThat(entries).extracting(DriftSummary::verdict).containsExactly(Verdict.NO_DRIFT, Verdict.INSUFFICIENT_DATA);
        assertThat(drift.history("churn", "1")).hasSize(1);
        assertThatThrownBy(() -> drift.history("churn", "0")).isInstanceOf(MlServeException.class)
                .extracting(e -> ((MlServeException) e).code()).isEqualTo("INVALID_LIMIT");
    }

    @Test
    void cells_shouldWriteLoggedValuesAsCsvText_inManifestOrder() {
        assertThat(DriftService.cells(FEATURES, Map.of("plan", "pro", "x", 2.0))).containsExactly("2", "pro");
        assertThat(DriftService.cells(FEATURES, Map.of("x", 0.25))).containsExactly("0.25", null);
        assertThat(DriftService.prediction(Map.of("value", Map.of("a", 1.5)))).isEqualTo(1.5);
        assertThat(DriftService.prediction(Map.of("label", "yes", "probabilities", Map.of()))).isEqualTo("yes");
    }
}
