package io.mlserve.function.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobIds;
import io.mlserve.core.jobs.JobService;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.jobs.RangeResult;
import io.mlserve.core.json.Json;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.MutableClock;
import io.mlserve.http.HttpEdge;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The jobs routes at the registry function's edge, over in-memory jobs, registry, objects and engine. */
class JobsApiTest {
    private static final String BUCKET = "mlserve-data";
    private static final String INPUT = "s3://" + BUCKET + "/batch/input/iris/a.csv";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore();
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry().serving("iris", "1");
    private final Map<String, String> objects = new HashMap<>(Map.of("batch/input/iris/a.csv", "\"0123abcd\""));
    private final List<String> launched = new ArrayList<>();
    private final HttpEdge edge = edge();

    private HttpEdge edge() {
        var service = new RegistryService(registry, new InMemoryModelStore(), (m, b) -> null, "b", clock);
        var jobs = new JobService(store, registry, (bucket, key) -> bucket.equals(BUCKET) ? Optional.ofNullable(objects.get(key))
                : Optional.empty(), launched::add, BUCKET, clock);
        var wiring = new RegistryWiring(new RegistryApi(service, new InMemoryModelStore(), new PredictionLogApi(
                new InMemoryPredictionLogReader(), clock), null), new JobsApi(jobs), new TrainingApi(null), service, 1024 * 1024);
        return wiring.edge();
    }

    private APIGatewayProxyResponseEvent call(String method, String path, Map<String, String> query, String body, String role) {
        var context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        if (role != null) {
            context.setAuthorizer(Map.of("role", role, "keyName", "k"));
        }
        return edge.handle(new APIGatewayProxyRequestEvent().withHttpMethod(method).withPath(path).withBody(body)
                .withQueryStringParameters(query).withHeaders(Map.of("Content-Type", "application/json")).withRequestContext(context), "r");
    }

    private APIGatewayProxyResponseEvent submit(String model, String body) {
        return call("POST", "/models/" + model + "/jobs", null, body, "predict");
    }

    private static JsonNode json(APIGatewayProxyResponseEvent response) {
        return Json.parseRequest(response.getBody());
    }

    /** Every refusal in the error contract, with nothing of ours in it. */
    private static void assertError(APIGatewayProxyResponseEvent response, int status, String code) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
        var error = json(response).path("error");
        assertThat(error.path("code").asText()).as(response.getBody()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("details").isObject()).as(response.getBody()).isTrue();
        assertThat(response.getBody()).doesNotContain("io.mlserve").doesNotContain("java.").doesNotContain("Exception");
    }

    @Test
    void submit_shouldAnswer202ThenTheSameJobWith200_whenTheSameObjectIsAskedForTwice() {
        // WHEN
        var first = submit("iris", "{\"input\": \"" + INPUT + "\"}");
        clock.advance(Duration.ofSeconds(5));
        var second = submit("iris", "{\"input\": \"" + INPUT + "\"}");

        // THEN 202 with the queued job, then 200 with the same one; the machine was started by name = jobId
        assertThat(first.getStatusCode()).as(first.getBody()).isEqualTo(202);
        assertThat(second.getStatusCode()).as(second.getBody()).isEqualTo(200);
        var job = json(first);
        var jobId = JobIds.batch(BUCKET, "batch/input/iris/a.csv", "0123abcd", null);
        assertThat(job.path("jobId").asText()).isEqualTo(jobId);
        assertThat(json(second).path("jobId").asText()).isEqualTo(jobId);
        assertThat(json(second).path("startedAt").asText()).isEqualTo(job.path("startedAt").asText()).isEqualTo("2026-11-25T09:00:00.000Z");
        assertThat(launched).containsOnly(jobId);
        assertThat(store.list(null, null, 10, null).jobs()).hasSize(1);
    }

    @Test
    void submit_shouldAnswerTheContractJobJson_withExplicitNulls() {
        var job = json(submit("iris", "{\"input\": \"" + INPUT + "\", \"rangeBytes\": 1024}"));

        var fields = new TreeSet<String>();
        job.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrder("jobId", "type", "model", "version", "status", "input", "rowsRead", "rowsPredicted",
                "rowsRejected", "chunks", "outputs", "errors", "startedAt", "endedAt", "failureReason");
        assertThat(job.path("type").asText()).isEqualTo("batch");
        assertThat(job.path("model").asText()).isEqualTo("iris");
        assertThat(job.path("version").isNull()).as("version is resolved when the job starts").isTrue();
        assertThat(job.path("status").asText()).isEqualTo("QUEUED");
        assertThat(job.path("input").asText()).isEqualTo(INPUT);
        assertThat(job.path("chunks").toString()).isEqualTo("{\"total\":0,\"done\":0}");
        assertThat(job.path("outputs").isArray()).isTrue();
        assertThat(job.path("endedAt").isNull()).isTrue();
        assertThat(job.path("failureReason").isNull()).isTrue();
        assertThat(store.find(job.path("jobId").asText()).orElseThrow().details()).containsEntry(JobService.RANGE_BYTES, 1024L);
    }

    @Test
    void submit_shouldPinTheVersion_whenOneIsGiven() {
        var response = submit("iris", "{\"input\": \"" + INPUT + "\", \"version\": \"1\"}");

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(json(response).path("version").asText()).isEqualTo("1");
        assertThat(json(response).path("jobId").asText()).isEqualTo(JobIds.batch(BUCKET, "batch/input/iris/a.csv", "0123abcd", "1"));
    }

    @Test
    void submit_shouldStartALogAllJobOfItsOwn_andRefuseANonBooleanLogAll() {
        var sampled = json(submit("iris", "{\"input\": \"" + INPUT + "\"}"));
        var logAll = submit("iris", "{\"input\": \"" + INPUT + "\", \"logAll\": true}");

        assertThat(logAll.getStatusCode()).as(logAll.getBody()).isEqualTo(202);
        assertThat(json(logAll).path("jobId").asText()).isEqualTo(JobIds.batch(BUCKET, "batch/input/iris/a.csv", "0123abcd", null, true))
                .isNotEqualTo(sampled.path("jobId").asText());
        assertThat(store.find(json(logAll).path("jobId").asText()).orElseThrow().details())
                .containsEntry(io.mlserve.core.jobs.JobService.LOG_ALL, true);
        assertError(submit("iris", "{\"input\": \"" + INPUT + "\", \"logAll\": \"yes\"}"), 400, "INVALID_FIELD");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "iris  | {\"input\": \"s3://other-bucket/batch/input/iris/a.csv\"}          | 400 | INVALID_INPUT",
        "iris  | {\"input\": \"s3://mlserve-data/\"}                                 | 400 | INVALID_INPUT",
        "iris  | {\"input\": \"/batch/input/iris/a.csv\"}                             | 400 | INVALID_INPUT",
        "iris  | {\"input\": \"s3://mlserve-data/batch/input/iris/missing.csv\"}       | 404 | INPUT_NOT_FOUND",
        "iris  | {\"input\": \"s3://mlserve-data/batch/input/iris/a.csv\", \"version\": \"7\"} | 404 | VERSION_NOT_FOUND",
        "nosuch| {\"input\": \"s3://mlserve-data/batch/input/iris/a.csv\"}             | 404 | MODEL_NOT_FOUND",
        "Iris! | {\"input\": \"s3://mlserve-data/batch/input/iris/a.csv\"}             | 400 | INVALID_MODEL_NAME",
        "iris  | {\"input\": \"s3://mlserve-data/batch/input/iris/a.csv\", \"version\": \"../1\"} | 400 | INVALID_VERSION",
        "iris  | {}                                                                   | 400 | MISSING_FIELD",
        "iris  | {\"input\": 7.5}                                                     | 400 | INVALID_FIELD",
        "iris  | {\"input\": [\"s3://mlserve-data/a.csv\"]}                           | 400 | INVALID_FIELD",
        "iris  | {\"input\": \"s3://mlserve-data/batch/input/iris/a.csv\", \"extra\": 1} | 400 | INVALID_FIELD",
        "iris  | {\"input\": \"s3://mlserve-data/batch/input/iris/a.csv\", \"version\": true} | 400 | INVALID_FIELD",
        "iris  | {\"input\": \"s3://mlserve-data/batch/input/iris/a.csv\", \"rangeBytes\": 1023} | 400 | INVALID_FIELD",
        "iris  | {\"input\": \"s3://mlserve-data/batch/input/iris/a.csv\", \"rangeBytes\": 1e3} | 400 | INVALID_FIELD",
        "iris  | {\"input\": \"s3://mlserve-data/batch/input/iris/a.csv\", \"rangeBytes\": \"4096\"} | 400 | INVALID_FIELD",
        "iris  | {\"input\": \"s3://mlserve-data/batch/input/iris/a.csv\", \"rangeBytes\": 4294967296} | 400 | INVALID_FIELD",
        "iris  | [1]                                                                  | 400 | INVALID_REQUEST",
        "iris  | {\"input\": \"s3://mlserve-data/batch/input/iris/a.csv\"} trailing    | 400 | MALFORMED_JSON",
    })
    void submit_shouldRefuseInTheErrorContract_andClaimNothing(String model, String body, int status, String code) {
        var response = submit(model.strip(), body.strip());

        assertError(response, status, code);
        assertThat(store.list(null, null, 10, null).jobs()).isEmpty();
        assertThat(launched).isEmpty();
    }

    @Test
    void submit_shouldAnswerModelNotFound_whenNoVersionIsInProduction() {
        // GIVEN a model whose only version is a candidate (nothing in production)
        registry.register(new io.mlserve.core.registry.RegisteredVersion("churn", "1", io.mlserve.core.registry.VersionStatus.CANDIDATE,
                "s3://b/models/churn/1/", null, "classification", Map.of(), "2026-11-24T00:00:00Z", "t"),
                new io.mlserve.core.registry.AuditEntry("churn", "2026-11-24T00:00:00Z", "REGISTERED", "1", null, null, "t", null));

        assertError(submit("churn", "{\"input\": \"" + INPUT + "\"}"), 404, "MODEL_NOT_FOUND");
        assertThat(submit("churn", "{\"input\": \"" + INPUT + "\", \"version\": \"1\"}").getStatusCode()).isEqualTo(202);
    }

    @Test
    void submit_shouldAnswer409_whenTheObjectAlreadyHasAJobForAnotherModel() {
        registry.serving("other", "1");
        assertThat(submit("iris", "{\"input\": \"" + INPUT + "\"}").getStatusCode()).isEqualTo(202);

        assertError(submit("other", "{\"input\": \"" + INPUT + "\"}"), 409, "CONFLICT");
    }

    @Test
    void get_shouldAnswerTheJobWithItsProgress_and404ForAnUnknownId() {
        // GIVEN a job two of three ranges into its work
        var jobId = json(submit("iris", "{\"input\": \"" + INPUT + "\"}")).path("jobId").asText();
        store.start(jobId, "1", 3);
        store.completeRange(jobId, new RangeResult(0, 100, 99, 1, 100, "s3://x/part-00000.csv", "s3://x/e"));
        store.completeRange(jobId, new RangeResult(1, 50, 50, 0, 50, "s3://x/part-00001.csv", null));

        // WHEN
        var response = call("GET", "/jobs/" + jobId, null, null, "predict");

        // THEN
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        var job = json(response);
        assertThat(job.path("status").asText()).isEqualTo("RUNNING");
        assertThat(job.path("version").asText()).isEqualTo("1");
        assertThat(job.path("rowsRead").asLong()).isEqualTo(150);
        assertThat(job.path("rowsPredicted").asLong()).isEqualTo(149);
        assertThat(job.path("rowsRejected").asLong()).isEqualTo(1);
        assertThat(job.path("chunks").path("total").asInt()).isEqualTo(3);
        assertThat(job.path("chunks").path("done").asInt()).isEqualTo(2);
        assertError(call("GET", "/jobs/b-000000000000000000000000", null, null, "predict"), 404, "JOB_NOT_FOUND");
        assertError(call("GET", "/jobs/%2e%2e", null, null, "predict"), 404, "JOB_NOT_FOUND");
    }

    @Test
    void get_shouldShowTheFailureReason_whenTheJobFailed() {
        var jobId = json(submit("iris", "{\"input\": \"" + INPUT + "\"}")).path("jobId").asText();
        store.finish(jobId, JobStatus.FAILED, List.of(), List.of(), "the header has no column 'petal_width'", "2026-11-25T09:00:01.000Z");

        var job = json(call("GET", "/jobs/" + jobId, null, null, "predict"));

        assertThat(job.path("status").asText()).isEqualTo("FAILED");
        assertThat(job.path("failureReason").asText()).isEqualTo("the header has no column 'petal_width'");
        assertThat(job.path("endedAt").asText()).isEqualTo("2026-11-25T09:00:01.000Z");
    }

    @Test
    void get_shouldFlattenTheDetails_ofOtherJobTypes() {
        store.claim(new Job("t-1", "train", "iris", null, JobStatus.QUEUED, null, 0, 0, 0, 0, 0, List.of(), List.of(),
                "2026-11-25T08:00:00.000Z", null, null, Map.of("candidates", 3)));

        var job = json(call("GET", "/jobs/t-1", null, null, "predict"));

        assertThat(job.path("type").asText()).isEqualTo("train");
        assertThat(job.path("candidates").asInt()).isEqualTo(3);
    }

    @Test
    void list_shouldPageNewestFirst_andFilterByModelAndStatus() {
        // GIVEN five iris jobs a minute apart, one of them running, and one job of another model
        registry.serving("other", "1");
        var ids = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            objects.put("in/" + i + ".csv", "e" + i);
            ids.add(json(submit("iris", "{\"input\": \"s3://" + BUCKET + "/in/" + i + ".csv\"}")).path("jobId").asText());
            clock.advance(Duration.ofMinutes(1));
        }
        objects.put("in/other.csv", "eo");
        submit("other", "{\"input\": \"s3://" + BUCKET + "/in/other.csv\"}");
        store.start(ids.get(1), "1", 1);

        // WHEN iris is paged two at a time
        var seen = new ArrayList<String>();
        String cursor = null;
        int pages = 0;
        do {
            var query = new HashMap<String, String>(Map.of("model", "iris", "limit", "2"));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            var page = json(call("GET", "/jobs", query, null, "predict"));
            assertThat(page.path("count").asInt()).isEqualTo(page.path("jobs").size());
            page.path("jobs").forEach(j -> seen.add(j.path("jobId").asText()));
            cursor = page.has("nextCursor") ? page.path("nextCursor").asText() : null;
            pages++;
        } while (cursor != null);

        // THEN newest first, every job once, the last page without a cursor
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
        var running = json(call("GET", "/jobs", Map.of("status", "RUNNING"), null, "predict"));
        assertThat(running.path("count").asInt()).isEqualTo(1);
        assertThat(running.path("jobs").get(0).path("jobId").asText()).isEqualTo(ids.get(1));
        assertThat(running.has("nextCursor")).isFalse();
        assertThat(json(call("GET", "/jobs", null, null, "predict")).path("count").asInt()).isEqualTo(6);
    }

    @ParameterizedTest
    @CsvSource({
        "status, DONE, INVALID_STATUS",
        "limit, 0, INVALID_LIMIT",
        "limit, 501, INVALID_LIMIT",
        "limit, ten, INVALID_LIMIT",
        "cursor, not-a-cursor, INVALID_CURSOR",
        "model, Iris!, INVALID_MODEL_NAME",
    })
    void list_shouldRefuseABadParameter_inTheErrorContract(String parameter, String value, String code) {
        assertError(call("GET", "/jobs", Map.of(parameter, value), null, "predict"), 400, code);
    }

    @Test
    void jobsRoutes_shouldBeOpenToPredictAndAdminKeys_andClosedWithoutAKey() {
        var body = "{\"input\": \"" + INPUT + "\"}";
        assertThat(call("POST", "/models/iris/jobs", null, body, "admin").getStatusCode()).isEqualTo(202);
        assertThat(call("POST", "/models/iris/jobs", null, body, "predict").getStatusCode()).isEqualTo(200);
        assertThat(call("GET", "/jobs", null, null, "admin").getStatusCode()).isEqualTo(200);
        assertThat(call("GET", "/jobs", null, null, "predict").getStatusCode()).isEqualTo(200);
        assertError(call("GET", "/jobs", null, null, null), 401, "UNAUTHORIZED");
        assertError(call("POST", "/models/iris/jobs", null, body, null), 401, "UNAUTHORIZED");
        assertError(call("GET", "/jobs/b-1", null, null, "public"), 401, "UNAUTHORIZED");
        assertError(call("DELETE", "/jobs/b-1", null, null, "admin"), 405, "METHOD_NOT_ALLOWED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded"})
    void submit_shouldAnswer415_whenTheBodyIsNotJson(String contentType) {
        var context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setAuthorizer(Map.of("role", "predict", "keyName", "k"));
        var response = edge.handle(new APIGatewayProxyRequestEvent().withHttpMethod("POST").withPath("/models/iris/jobs")
                .withBody("{\"input\": \"" + INPUT + "\"}").withHeaders(Map.of("Content-Type", contentType)).withRequestContext(context), "r");

        assertError(response, 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    @Test
    void registryRoutes_shouldStillBeServed_besideTheJobsRoutes() {
        assertThat(call("GET", "/models", null, null, "predict").getStatusCode()).isEqualTo(200);
        assertError(call("GET", "/predictions", Map.of("model", "iris"), null, "predict"), 403, "FORBIDDEN");
    }
}
