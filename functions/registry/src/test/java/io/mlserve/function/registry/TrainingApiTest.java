package io.mlserve.function.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.jobs.JobService;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.json.Json;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.core.schedule.ScheduledTask;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.InMemoryScheduleStore;
import io.mlserve.core.testing.InMemoryTrainingLock;
import io.mlserve.core.testing.InMemoryTrainingSpecStore;
import io.mlserve.core.testing.MutableClock;
import io.mlserve.core.training.TrainingService;
import io.mlserve.http.HttpEdge;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The training routes at the registry function's edge, over in-memory specs, lock, jobs, schedules and engine. */
class TrainingApiTest {
    private static final String BUCKET = "mlserve-data";
    private static final String SPEC = """
            {"data": "s3://mlserve-data/training/churn/", "target": "churned",
             "features": [{"name": "tenure", "type": "float"}, {"name": "contract", "type": "string"}],
             "task": "classification",
             "candidates": [{"algorithm": "logistic-regression"}, {"algorithm": "cart"}],
             "metric": "accuracy", "schedule": "rate(1 day)"}""";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryScheduleStore schedules = new InMemoryScheduleStore();
    private final InMemoryTrainingLock lock = new InMemoryTrainingLock();
    private final List<String> launched = new ArrayList<>();
    private final HttpEdge edge = edge();

    private HttpEdge edge() {
        var registry = new InMemoryModelRegistry();
        var service = new RegistryService(registry, new InMemoryModelStore(), (m, b) -> null, "b", clock);
        var jobService = new JobService(jobs, registry, (bucket, key) -> Optional.empty(), id -> {}, BUCKET, clock);
        var training = new TrainingService(new InMemoryTrainingSpecStore(), lock, jobs, launched::add, schedules, BUCKET, clock);
        return new RegistryWiring(new RegistryApi(service, new InMemoryModelStore(), new PredictionLogApi(new InMemoryPredictionLogReader(),
                clock), null), new JobsApi(jobService), new TrainingApi(training), service, 1024 * 1024).edge();
    }

    private APIGatewayProxyResponseEvent call(String method, String path, String body, String role) {
        var context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setAuthorizer(Map.of("role", role, "keyName", "ops"));
        return edge.handle(new APIGatewayProxyRequestEvent().withHttpMethod(method).withPath(path).withBody(body)
                .withHeaders(Map.of("Content-Type", "application/json")).withRequestContext(context), "r");
    }

    private static JsonNode json(APIGatewayProxyResponseEvent response) {
        return Json.parseRequest(response.getBody());
    }

    private static void assertError(APIGatewayProxyResponseEvent response, int status, String code) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
        assertThat(json(response).path("error").path("code").asText()).as(response.getBody()).isEqualTo(code);
        assertThat(response.getBody()).doesNotContain("io.mlserve").doesNotContain("Exception");
    }

    @Test
    void putTraining_shouldStoreTheSpecWithDefaults_andSetTheSchedule() {
        var response = call("PUT", "/models/churn/training", SPEC, "admin");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        var body = json(response);
        assertThat(body.path("target").asText()).isEqualTo("churned");
        assertThat(body.path("split").path("testFraction").asDouble()).isEqualTo(0.2); // default filled in
        assertThat(body.path("updatedBy").asText()).isEqualTo("key:ops");
        assertThat(body.path("updatedAt").asText()).isEqualTo("2026-11-25T09:00:00Z");
        assertThat(body.path("activeSchedule").asText()).isEqualTo("rate(1 day)");
        assertThat(schedules.expression(new ScheduledTask("train", "churn"))).contains("rate(1 day)");

        var read = call("GET", "/models/churn/training", null, "admin");
        assertThat(read.getStatusCode()).isEqualTo(200);
        assertThat(json(read)).isEqualTo(body);
    }

    @Test
    void putTraining_shouldAnswer422WithEveryProblem_whenTheSpecIsBad() {
        var response = call("PUT", "/models/churn/training", """
                {"data": "s3://elsewhere/x/", "target": "y", "features": [{"name": "y", "type": "float"}],
                 "task": "classification", "candidates": [{"algorithm": "linear-regression"}], "metric": "rmse"}""", "admin");

        assertError(response, 422, "INVALID_TRAINING_SPEC");
        assertThat(json(response).path("error").path("details").path("problems").size()).isGreaterThanOrEqualTo(3);
        assertThat(schedules.expression(new ScheduledTask("train", "churn"))).isEmpty();
    }

    @Test
    void putTraining_shouldAnswer400_whenTheBodyIsNotAnObject() {
        assertError(call("PUT", "/models/churn/training", "[1]", "admin"), 400, "INVALID_REQUEST");
    }

    @Test
    void getTraining_shouldAnswer404_whenNoSpecIsSet() {
        assertError(call("GET", "/models/churn/training", null, "admin"), 404, "TRAINING_SPEC_NOT_FOUND");
    }

    @Test
    void trainingRoutes_shouldRefuseAPredictKey() {
        assertError(call("GET", "/models/churn/training", null, "predict"), 403, "FORBIDDEN");
        assertError(call("PUT", "/models/churn/training", SPEC, "predict"), 403, "FORBIDDEN");
        assertError(call("POST", "/models/churn/train", null, "predict"), 403, "FORBIDDEN");
        assertThat(launched).isEmpty();
    }

    @Test
    void train_shouldAnswer202WithTheJob_then409WithTheRunningJobsId() {
        // GIVEN
        call("PUT", "/models/churn/training", SPEC, "admin");

        // WHEN
        var started = call("POST", "/models/churn/train", null, "admin");
        var again = call("POST", "/models/churn/train", "{}", "admin");

        // THEN
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(202);
        var jobId = json(started).path("jobId").asText();
        assertThat(jobId).matches("t-[0-9a-f]{32}");
        assertThat(json(started).path("status").asText()).isEqualTo("QUEUED");
        assertThat(launched).containsExactly(jobId);
        assertError(again, 409, "TRAINING_RUNNING");
        assertThat(json(again).path("error").path("details").path("jobId").asText()).isEqualTo(jobId);
    }

    @Test
    void train_shouldAnswer404_whenNoSpecIsSet() {
        assertError(call("POST", "/models/churn/train", null, "admin"), 404, "TRAINING_SPEC_NOT_FOUND");
        assertThat(launched).isEmpty();
    }

    @Test
    void getJob_shouldShowATrainJobsDetailsAsTopLevelFields_once() {
        // GIVEN a train job whose steps have written their findings
        call("PUT", "/models/churn/training", SPEC, "admin");
        var jobId = json(call("POST", "/models/churn/train", null, "admin")).path("jobId").asText();
        var findings = new LinkedHashMap<String, Object>();
        findings.put("dataFingerprint", Map.of("objects", List.of(Map.of("key", "training/churn/a.csv", "etag", "e", "size", 10L)),
                "rows", 100L, "rowsRejected", 2L));
        findings.put("candidates", List.of(Map.of("index", 0L, "algorithm", "cart", "status", "SUCCEEDED")));
        findings.put("champion", 0L);
        findings.put("version", "3");
        findings.put("promoted", true);
        findings.put("promotionReason", "no serving version");
        jobs.updateDetails(jobId, findings);
        jobs.start(jobId, "3", 2);
        jobs.finish(jobId, JobStatus.SUCCEEDED, List.of(), List.of(), null, "2026-11-25T09:05:00.000Z");

        // WHEN
        var response = call("GET", "/jobs/" + jobId, null, "predict");

        // THEN common fields and the training ones side by side; "version" written once
        assertThat(response.getStatusCode()).isEqualTo(200);
        var body = json(response);
        assertThat(body.path("type").asText()).isEqualTo("train");
        assertThat(body.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(body.path("version").asText()).isEqualTo("3");
        assertThat(body.path("trigger").asText()).isEqualTo("api");
        assertThat(body.path("actor").asText()).isEqualTo("key:ops");
        assertThat(body.path("spec").path("target").asText()).isEqualTo("churned");
        assertThat(body.path("champion").asInt()).isEqualTo(0);
        assertThat(body.path("promoted").asBoolean()).isTrue();
        assertThat(body.path("promotionReason").asText()).isEqualTo("no serving version");
        assertThat(body.path("dataFingerprint").path("rows").asLong()).isEqualTo(100);
        assertThat(body.path("candidates").get(0).path("algorithm").asText()).isEqualTo("cart");
        assertThat(response.getBody().split("\"version\"", -1)).hasSize(2);
    }
}
