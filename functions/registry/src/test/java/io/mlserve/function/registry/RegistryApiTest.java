package io.mlserve.function.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.json.Json;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.MutableClock;
import io.mlserve.http.HttpEdge;
import java.time.Instant;
import java.util.Map;
import io.mlserve.core.baseline.BaselineService;
import io.mlserve.core.inference.FeatureBatch;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.Predictor;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.testing.InMemoryBaselineStore;
import io.mlserve.core.testing.InMemoryBlobStore;
import io.mlserve.core.testing.Manifests;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 13, failures 1 and 3 at the registry's edge: strict alias bodies, the registry left as it was, roles. */
class RegistryApiTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry().serving("m", "1").serving("m", "2");
    private final InMemoryModelStore models = new InMemoryModelStore();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final InMemoryBaselineStore baselineStore = new InMemoryBaselineStore();
    private final ModelLoader loader = (manifest, bytes) -> new Predictor() {
        @Override
        public List<Prediction> predict(FeatureBatch batch) {
            return IntStream.range(0, batch.rows()).<Prediction>mapToObj(i -> new Prediction.Classification("yes",
                    Map.of("no", 0.25, "yes", 0.75))).toList();
        }

        @Override
        public void close() {}
    };
    private final RegistryService service = new RegistryService(registry, models, loader, "b", clock);
    private final HttpEdge edge = new RegistryApi(service, models,
            new PredictionLogApi(new InMemoryPredictionLogReader(), clock),
            new BaselineService(registry, models, loader, blobs, baselineStore, "data", clock)).edge(1024 * 1024);

    private APIGatewayProxyResponseEvent call(String method, String path, String body, String role) {
        var context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setAuthorizer(Map.of("role", role, "keyName", "k"));
        return edge.handle(new APIGatewayProxyRequestEvent().withHttpMethod(method).withPath(path).withBody(body)
                .withHeaders(Map.of("Content-Type", "application/json")).withRequestContext(context), "r");
    }

    private static JsonNode json(APIGatewayProxyResponseEvent response) {
        return Json.parseRequest(response.getBody());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"maxErrorRate\": NaN}}",
        "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"maxErrorRate\": \"Infinity\"}}",
        "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"maxErrorRate\": 1e999}}",
        "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"maxP95LatencyMs\": -Infinity}}",
        "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"minRequests\": 1.5}}",
        "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"minRequests\": \"20\"}}",
        "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"windowMinutes\": 4294967306}}",
        "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"maxErrorRate\": 0.1, \"extra\": 1}}",
        "{\"version\": \"2\", \"weight\": 10, \"guard\": [1]}",
        "{\"version\": \"2\", \"weight\": 4294967346}",
        "{\"version\": \"2\", \"weight\": 50.5}",
        "{\"version\": \"2\", \"weight\": \"50\"}",
        "{\"version\": \"2\", \"weight\": -1}",
        "{\"version\": \"2\"}",
    })
    void setCanary_shouldAnswer400AndChangeNothing_whenAValueIsNotAcceptable(String body) {
        // GIVEN production 1
        service.setProduction("m", "1", "t");
        var before = registry.aliases("m");

        // WHEN a bad canary body arrives
        var response = call("PUT", "/models/m/aliases/canary", body, "admin");

        // THEN 400 in the error contract, no internals, and the registry is unchanged
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(400);
        assertThat(json(response).at("/error/code").asText()).isIn("INVALID_GUARD", "INVALID_WEIGHT");
        assertThat(response.getBody()).doesNotContain("io.mlserve").doesNotContain("java.").doesNotContain("Exception");
        assertThat(registry.aliases("m")).isEqualTo(before);
        assertThat(call("GET", "/models/m", null, "predict").getStatusCode()).isEqualTo(200);
    }

    @Test
    void setCanary_shouldAcceptAValidGuard_andRecordTheKeyName() {
        service.setProduction("m", "1", "t");

        var response = call("PUT", "/models/m/aliases/canary",
                "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"maxErrorRate\": 0.02, \"minRequests\": 5}}", "admin");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(json(response).path("guard").path("maxErrorRate").asDouble()).isEqualTo(0.02);
        assertThat(registry.audit("m")).last().satisfies(a -> assertThat(a.actor()).isEqualTo("key:k"));
    }

    @Test
    void adminRoutes_shouldBeForbidden_forAPredictKey() {
        assertThat(call("PUT", "/models/m/aliases/production", "{\"version\": \"1\"}", "predict").getStatusCode()).isEqualTo(403);
        assertThat(call("GET", "/models/m/audit", null, "predict").getStatusCode()).isEqualTo(403);
        assertThat(call("GET", "/predictions", null, "predict").getStatusCode()).isEqualTo(403);
        assertThat(call("POST", "/models/m/versions", "{\"location\": \"s3://b/models/m/3/\"}", "predict").getStatusCode())
                .isEqualTo(403);
        assertThat(call("GET", "/models", null, "predict").getStatusCode()).isEqualTo(200);
        assertThat(call("GET", "/models/m/versions", null, "predict").getStatusCode()).isEqualTo(200);
    }

    /** Uploads version 3 of model "mixed" (the package registration validates; no samples). */
    private void upload() {
        byte[] onnx = "graph".getBytes(StandardCharsets.UTF_8);
        var m = Manifests.mixed(ManifestChecks.sha256Hex(onnx));
        var manifest = new ModelManifest(1, "mixed", "3", m.task(), null, m.features(), m.input(), m.output(), m.metrics(),
                m.sha256(), m.createdAt(), null, null);
        models.put(new ModelRef("mixed", "3"), Json.write(manifest).getBytes(StandardCharsets.UTF_8), onnx);
    }

    private static String registration(String reference) {
        return "{\"location\": \"s3://b/models/mixed/3/\"" + (reference == null ? "" : ", \"reference\": " + reference) + "}";
    }

    @Test
    void register_shouldStoreTheBaseline_whenTheBodyCarriesAReference() {
        // GIVEN an uploaded version and reference rows in the data bucket (one refused: amount out of range)
        upload();
        blobs.putText("data", "ref/mixed.csv", "amount,ratio,count,plan,extra\n1.5,0.2,3,basic,x\n20,0.4,1,pro,y\n500,0.1,2,pro,z\n");

        // WHEN it is registered with a reference
        var response = call("POST", "/models/mixed/versions", registration("\"s3://data/ref/mixed.csv\""), "admin");

        // THEN 201 with the version's fields and a baseline summary, and the baseline is stored beside the version
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        var body = json(response);
        assertThat(body.path("version").asText()).isEqualTo("3");
        assertThat(body.path("status").asText()).isEqualTo("candidate");
        assertThat(body.at("/baseline/source").asText()).isEqualTo("reference");
        assertThat(body.at("/baseline/data").asText()).isEqualTo("s3://data/ref/mixed.csv");
        assertThat(body.at("/baseline/rows").asLong()).isEqualTo(2);
        assertThat(body.at("/baseline/skippedRows").asLong()).isEqualTo(1);
        assertThat(body.at("/baseline/features").size()).isEqualTo(4);
        assertThat(registry.version("mixed", "3")).isPresent();
        assertThat(baselineStore.find(new ModelRef("mixed", "3"))).hasValueSatisfying(b -> assertThat(b.rows()).isEqualTo(2));
    }

    @Test
    void register_shouldAnswerAsBefore_withoutAReference() {
        upload();

        var response = call("POST", "/models/mixed/versions", registration(null), "admin");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        assertThat(json(response).has("baseline")).isFalse();
        assertThat(baselineStore.baselines).isEmpty();
    }

    @Test
    void register_shouldRecordLogShards_whenTheBodyNamesACountOrNot() {
        upload();

        var response = call("POST", "/models/mixed/versions", "{\"location\": \"s3://b/models/mixed/3/\", \"logShards\": 16}", "admin");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(201);
        assertThat(json(response).path("logShards").asInt()).isEqualTo(16);
        assertThat(registry.version("mixed", "3")).get().extracting(v -> v.logShards()).isEqualTo(16);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65", "-3", "2.5", "\"4\"", "true", "[4]"})
    void register_shouldAnswer422AndRegisterNothing_whenLogShardsIsNotAnIntegerFrom1To64(String logShards) {
        upload();

        var response = call("POST", "/models/mixed/versions",
                "{\"location\": \"s3://b/models/mixed/3/\", \"logShards\": " + logShards + "}", "admin");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(422);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("INVALID_LOG_SHARDS");
        assertThat(registry.version("mixed", "3")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"s3://other/ref/mixed.csv\"", "\"s3://data/\"", "\"s3://data/ref/\"", "\"data/ref.csv\"", "42",
        "null", "{\"data\": \"s3://data/ref/mixed.csv\"}", "[\"s3://data/ref/mixed.csv\"]"})
    void register_shouldAnswer400AndRegisterNothing_whenTheReferenceIsMalformed(String reference) {
        upload();
        blobs.putText("data", "ref/mixed.csv", "amount,ratio,count,plan\n1.5,0.2,3,basic\n");

        var response = call("POST", "/models/mixed/versions", registration(reference), "admin");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(400);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("INVALID_FIELD");
        assertThat(json(response).at("/error/details/field").asText()).isEqualTo("reference");
        assertThat(registry.version("mixed", "3")).isEmpty();
        assertThat(baselineStore.baselines).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"amount,ratio,plan\n1.5,0.2,basic\n", "amount,ratio,count,plan\n", "amount,ratio,count,plan\n500,0.2,3,gold\n"})
    void register_shouldAnswer422AndRegisterNothing_whenTheReferenceDataCannotMakeABaseline(String csv) {
        upload();
        blobs.putText("data", "ref/mixed.csv", csv);

        var response = call("POST", "/models/mixed/versions", registration("\"s3://data/ref/mixed.csv\""), "admin");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(422);
        assertThat(json(response).at("/error/code").asText()).isEqualTo(BaselineService.INVALID_REFERENCE_DATA);
        assertThat(registry.version("mixed", "3")).isEmpty();
        assertThat(baselineStore.baselines).isEmpty();
    }

    @Test
    void register_shouldAnswer404AndRegisterNothing_whenTheReferenceObjectIsMissing() {
        upload();

        var response = call("POST", "/models/mixed/versions", registration("\"s3://data/ref/none.csv\""), "admin");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(404);
        assertThat(json(response).at("/error/code").asText()).isEqualTo("INPUT_NOT_FOUND");
        assertThat(registry.version("mixed", "3")).isEmpty();
    }
}
