package io.mlserve.function.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.quality.QualityConfigStore;
import io.mlserve.core.quality.QualityMeasurer;
import io.mlserve.core.quality.QualityService;
import io.mlserve.core.schedule.ScheduledTask;
import io.mlserve.core.testing.InMemoryLabelledRows;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryScheduleStore;
import io.mlserve.http.HttpEdge;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The quality routes and the quality schedule's payload, through the drift function's handler. */
class QualityApiTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry().serving("iris", "1");
    private final InMemoryLabelledRows rows = new InMemoryLabelledRows();
    private final InMemoryScheduleStore schedules = new InMemoryScheduleStore();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final Map<String, QualityConfigStore.StoredConfig> configs = new ConcurrentHashMap<>();
    private final QualityService quality = new QualityService(registry, new QualityMeasurer(rows), new QualityConfigStore() {
        @Override
        public Optional<StoredConfig> find(String model) {
            return Optional.ofNullable(configs.get(model));
        }

        @Override
        public void put(String model, StoredConfig config) {
            configs.put(model, config);
        }
    }, (type, detail) -> {
        events.add(detail);
        return "e-" + events.size();
    }, schedules, QualityReportPage::render, clock);
    private final DriftHandler handler = new DriftHandler(new QualityApi(quality).routes(HttpEdge.builder(1 << 20)).build(), null, quality);

    private Map<String, Object> call(String method, String path, String resource, String role, String body, Map<String, String> query) {
        var event = DriftHandlerTest.event(method, path, resource, role, body);
        event.put("queryStringParameters", query);
        return handler.handle(event, "r");
    }

    @Test
    void routes_shouldAnswerQualityConfigAndPage_andRefuseBadInputAs4xx() {
        // GIVEN 10 predictions, 8 labelled, 6 of them right
        for (int i = 0; i < 10; i++) {
            rows.add(new ModelRef("iris", "1"), clock.instant().minusSeconds(60 + i), Map.of("label", "a"), i < 8 ? (i < 6 ? "a" : "b") : null);
        }

        // WHEN / THEN
        var answer = call("GET", "/models/iris/quality", "/models/{name}/quality", "predict", null, Map.of("version", "1"));
        assertThat(answer).containsEntry("statusCode", 200);
        assertThat((String) answer.get("body")).contains("\"count\":10", "\"labelled\":8", "\"coverage\":0.8", "\"accuracy\":{\"value\":0.75");
        var badTime = call("GET", "/models/iris/quality", "/models/{name}/quality", "predict", null, Map.of("from", "soon"));
        assertThat(badTime).containsEntry("statusCode", 400);
        assertThat((String) badTime.get("body")).contains("INVALID_TIME");
        var put = call("PUT", "/models/iris/quality/config", "/models/{name}/quality/config", "admin",
                "{\"schedule\": \"rate(2 hours)\", \"floors\": {\"minAccuracy\": 0.9}, \"minLabelled\": 5}", null);
        assertThat(put).containsEntry("statusCode", 200);
        assertThat(schedules.expression(new ScheduledTask(ScheduledTask.QUALITY, "iris"))).contains("rate(2 hours)");
        var refused = call("PUT", "/models/iris/quality/config", "/models/{name}/quality/config", "admin", "{\"floors\": {\"maxMae\": 1}}", null);
        assertThat(refused).containsEntry("statusCode", 422);
        assertThat((String) refused.get("body")).contains("INVALID_QUALITY_CONFIG", "floors.maxMae: applies to regressors");
        var forbidden = call("PUT", "/models/iris/quality/config", "/models/{name}/quality/config", "predict", "{}", null);
        assertThat(forbidden).containsEntry("statusCode", 403);
        var page = call("GET", "/models/iris/quality/report", "/models/{name}/quality/report", "predict", null, null);
        assertThat(page).containsEntry("statusCode", 200);
        assertThat((String) page.get("body")).startsWith("<!DOCTYPE html>").contains("<svg");
        var unknown = call("GET", "/models/nobody/quality", "/models/{name}/quality", "predict", null, null);
        assertThat(unknown).containsEntry("statusCode", 404);
    }

    @Test
    void schedulePayload_shouldRunTheCheck_andPublishWhenAFloorIsBroken() throws Exception {
        quality.putConfig("iris", Json.MAPPER.readTree("{\"minLabelled\": 5, \"floors\": {\"minAccuracy\": 0.9}}"), "admin");
        for (int i = 0; i < 8; i++) {
            rows.add(new ModelRef("iris", "1"), clock.instant().minusSeconds(60 + i), Map.of("label", "a"), i < 6 ? "a" : "b");
        }

        var out = handler.handle(Map.of("action", "start", "kind", "quality", "model", "iris", "trigger", "schedule"), "r");

        assertThat(out).containsEntry("verdict", "degraded").containsEntry("labelled", 8L).containsEntry("eventId", "e-1");
        assertThat(events).singleElement().satisfies(d -> assertThat(d).containsEntry("model", "iris").containsEntry("version", "1"));
    }
}
