package io.mlserve.function.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.baseline.BaselineService;
import io.mlserve.core.drift.DriftMetrics;
import io.mlserve.core.drift.DriftReport;
import io.mlserve.core.drift.DriftService;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.InputSpec;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import io.mlserve.core.schedule.ScheduledTask;
import io.mlserve.core.testing.InMemoryBaselineStore;
import io.mlserve.core.testing.InMemoryBlobStore;
import io.mlserve.core.testing.InMemoryDriftStores;
import io.mlserve.core.testing.InMemoryLoggedRows;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.InMemoryPredictionLog;
import io.mlserve.core.testing.InMemoryScheduleStore;
import io.mlserve.http.HttpEdge;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The drift function's two payloads — API events through the edge, schedule firings — over in-memory ports. */
class DriftHandlerTest {
    final Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    final InMemoryModelRegistry registry = new InMemoryModelRegistry().serving("iris", "1");
    final InMemoryModelStore models = new InMemoryModelStore();
    final InMemoryScheduleStore schedules = new InMemoryScheduleStore();
    final InMemoryDriftStores.History history = new InMemoryDriftStores.History();
    DriftHandler handler;

    @BeforeEach
    void setUp() {
        var manifest = new ModelManifest(1, "iris", "1", Task.CLASSIFICATION, "test",
                List.of(new Feature("sepal_length", FeatureType.FLOAT, null, null, null, null, null)),
                new InputSpec(InputSpec.Layout.PER_FEATURE, null, null, null), new OutputSpec(List.of("a", "b"), null, null, null, null),
                Map.of(), "0".repeat(64), "2026-11-23T00:00:00Z", null, null);
        models.put(new ModelRef("iris", "1"), Json.write(manifest).getBytes(StandardCharsets.UTF_8), new byte[0]);
        var baselines = new InMemoryBaselineStore();
        var drift = new DriftService(registry, models, baselines, new InMemoryLoggedRows(new InMemoryPredictionLog()),
                new InMemoryDriftStores.Configs(), new InMemoryDriftStores.Reports(), history, new InMemoryDriftStores.Events(),
                schedules, DriftMetrics.NONE, DriftReportPage::render, clock);
        var baselineService = new BaselineService(registry, models, (m, b) -> { throw new AssertionError("not loaded"); },
                new InMemoryBlobStore(), baselines, "data", clock);
        handler = new DriftHandler(new DriftApi(drift, baselineService).routes(HttpEdge.builder(1 << 20)).build(), drift);
    }

    static Map<String, Object> event(String method, String path, String resource, String role, String body) {
        var event = new LinkedHashMap<String, Object>();
        event.put("httpMethod", method);
        event.put("path", path);
        event.put("resource", resource);
        event.put("headers", Map.of("Content-Type", "application/json", "x-api-key", "k"));
        event.put("multiValueHeaders", Map.of());
        event.put("queryStringParameters", null);
        event.put("requestContext", Map.of("resourcePath", resource, "stage", "prod", "requestId", "r-1",
                "authorizer", Map.of("role", role, "keyName", "ops", "principalId", "ops")));
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return event;
    }

    @Test
    void apiEvents_shouldRunACheck_keepIt_andServeItAsJsonAndHtml() {
        // WHEN a check runs (no baseline: insufficient-data, still kept)
        var posted = handler.handle(event("POST", "/models/iris/drift", "/models/{name}/drift", "admin", null), "req-1");

        // THEN
        assertThat(posted).containsEntry("statusCode", 200);
        var report = Json.MAPPER.convertValue(Json.parseRequest((String) posted.get("body")), DriftReport.class);
        assertThat(report.verdict()).isEqualTo(DriftReport.Verdict.INSUFFICIENT_DATA);
        assertThat(report.reason()).contains("no baseline");

        var latest = handler.handle(event("GET", "/models/iris/drift", "/models/{name}/drift", "predict", null), "req-2");
        assertThat(latest).containsEntry("statusCode", 200);
        var page = handler.handle(event("GET", "/models/iris/drift/report", "/models/{name}/drift/report", "predict", null), "req-3");
        assertThat(page).containsEntry("statusCode", 200);
        assertThat((Map<String, String>) page.get("headers")).containsEntry("Content-Type", "text/html; charset=utf-8");
        assertThat((String) page.get("body")).startsWith("<!DOCTYPE html>").contains("insufficient");
        var list = handler.handle(event("GET", "/models/iris/drift/history", "/models/{name}/drift/history", "predict", null), "req-4");
        assertThat((String) list.get("body")).contains("\"count\":1").contains("insufficient-data");
    }

    @Test
    void apiEvents_shouldRefuseAPredictKey_onAdminRoutes_andSay404_beforeAnyCheck() {
        var forbidden = handler.handle(event("POST", "/models/iris/drift", "/models/{name}/drift", "predict", null), "r");
        assertThat(forbidden).containsEntry("statusCode", 403);
        var none = handler.handle(event("GET", "/models/iris/drift/report", "/models/{name}/drift/report", "predict", null), "r");
        assertThat(none).containsEntry("statusCode", 404);
        assertThat((String) none.get("body")).contains("DRIFT_REPORT_NOT_FOUND");
    }

    @Test
    void putConfig_shouldAnswerTheFilledConfig_andMakeTheSchedule_or422() {
        var ok = handler.handle(event("PUT", "/models/iris/drift/config", "/models/{name}/drift/config", "admin",
                "{\"schedule\": \"rate(2 hours)\", \"minSamples\": 50}"), "r");
        assertThat(ok).containsEntry("statusCode", 200);
        assertThat((String) ok.get("body")).contains("\"minSamples\":50").contains("\"cooldownMinutes\":360");
        assertThat(schedules.expression(new ScheduledTask("drift", "iris"))).contains("rate(2 hours)");

        var bad = handler.handle(event("PUT", "/models/iris/drift/config", "/models/{name}/drift/config", "admin",
                "{\"thresholds\": {\"ks\": -1}}"), "r");
        assertThat(bad).containsEntry("statusCode", 422);
        assertThat((String) bad.get("body")).contains("INVALID_DRIFT_CONFIG").contains("thresholds.ks");
    }

    @Test
    void putBaseline_shouldRefuseDataOutsideTheDataBucket() {
        var bad = handler.handle(event("PUT", "/models/iris/versions/1/baseline", "/models/{name}/versions/{version}/baseline", "admin",
                "{\"data\": \"s3://elsewhere/x.csv\"}"), "r");
        assertThat(bad).containsEntry("statusCode", 400);
        assertThat((String) bad.get("body")).contains("INVALID_FIELD");
    }

    @Test
    void scheduleFiring_shouldRunACheck() {
        var out = handler.handle(Map.of("action", "start", "kind", "drift", "model", "iris", "trigger", "schedule"), "r");

        assertThat(out).containsEntry("model", "iris").containsEntry("verdict", "insufficient-data");
        assertThat(history.summaries).hasSize(1);
        assertThatThrownBy(() -> handler.handle(Map.of("action", "start", "kind", "train", "model", "iris"), "r"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unqualified_shouldDropAnAliasOrVersion() {
        assertThat(DriftHandler.unqualified("arn:aws:lambda:us-east-1:1:function:drift:live")).isEqualTo("arn:aws:lambda:us-east-1:1:function:drift");
        assertThat(DriftHandler.unqualified("arn:aws:lambda:us-east-1:1:function:drift")).isEqualTo("arn:aws:lambda:us-east-1:1:function:drift");
    }

    @Test
    void emf_shouldWriteOneScoreLinePerEvaluatedFeature_andTheDetectedCount() {
        var out = new ByteArrayOutputStream();
        var report = new DriftReport("iris", "1", null, 0, DriftReport.Verdict.DRIFT, null, List.of(new DriftReport.FeatureDrift(
                "sepal_length", "numeric", "ks", true, null, 600, 0, 0.3, 1e-9, 0.5, 0.3,
                new io.mlserve.core.drift.DriftConfig.FeatureThresholds(0.2, 0.1, 0.1, 0.01), true, null, null)), null,
                "2026-11-25T12:00:00Z");

        new EmfDriftMetrics("mlserve", out, clock).record(report);

        var lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains("\"Dimensions\":[[\"model\",\"feature\"]]").contains("\"feature\":\"sepal_length\"")
                .contains("\"DriftScore\":2.99");
        assertThat(lines[1]).contains("\"DriftDetected\":1.0").contains("\"Unit\":\"Count\"");
    }
}
