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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 13, failures 1 and 3 at the registry's edge: strict alias bodies, the registry left as it was, roles. */
class RegistryApiTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T00:00:00Z"));
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry().serving("m", "1").serving("m", "2");
    private final RegistryService service = new RegistryService(registry, new InMemoryModelStore(), (m, b) -> null, "b", clock);
    private final HttpEdge edge = new RegistryApi(service, new InMemoryModelStore(),
            new PredictionLogApi(new InMemoryPredictionLogReader(), clock)).edge(1024 * 1024);

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
}
