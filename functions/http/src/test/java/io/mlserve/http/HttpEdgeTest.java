package io.mlserve.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpEdgeTest {
    private final HttpEdge edge = HttpEdge.builder(1024)
            .route("GET", "/health", request -> HttpResponse.ok(Map.of("status", "ok")))
            .route("POST", "/models/{name}/predict", request -> HttpResponse.ok(Map.of(
                    "name", request.path("name"), "caller", request.caller().actor(), "body", request.jsonObject())))
            .route("PUT", "/models/{name}/aliases/{alias}", request -> HttpResponse.ok(Map.of("alias", request.path("alias"))))
            .route("GET", "/models/{name}", request -> {
                throw new IllegalStateException("boom: io.mlserve.secret.Internal");
            })
            .route("GET", "/models", request -> {
                throw new InvalidInputException("BAD", "bad thing", null);
            })
            .build();

    static APIGatewayProxyRequestEvent event(String method, String path, String body, String role) {
        var event = new APIGatewayProxyRequestEvent().withHttpMethod(method).withPath(path).withBody(body)
                .withHeaders(Map.of("Content-Type", "application/json"));
        if (role != null) {
            var context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
            context.setAuthorizer(Map.of("role", role, "keyName", "k-" + role));
            event.setRequestContext(context);
        }
        return event;
    }

    private static JsonNode error(APIGatewayProxyResponseEvent response) {
        return Json.parseRequest(response.getBody()).path("error");
    }

    @Test
    void handle_shouldRouteByTemplate_andPassPathParametersAndCaller() {
        var response = edge.handle(event("POST", "/models/iris/predict", "{\"a\": 1}", "predict"), "r1");

        assertThat(response.getStatusCode()).isEqualTo(200);
        var body = Json.parseRequest(response.getBody());
        assertThat(body.path("name").asText()).isEqualTo("iris");
        assertThat(body.path("caller").asText()).isEqualTo("key:k-predict");
        assertThat(response.getHeaders()).containsEntry("X-Request-Id", "r1").containsEntry("Content-Type", "application/json");
    }

    @ParameterizedTest(name = "{0} {1} as {2} -> {3} {4}")
    @CsvSource(nullValues = "-", value = {
        "GET,    /nowhere,                        admin,   404, ROUTE_NOT_FOUND",
        "GET,    /models/iris/predict,            admin,   405, METHOD_NOT_ALLOWED",
        "POST,   /models/iris/predict,            -,       401, UNAUTHORIZED",
        "PUT,    /models/iris/aliases/canary,     predict, 403, FORBIDDEN",
        "POST,   /models/iris/predict,            public,  401, UNAUTHORIZED",
        "POST,   /models/iris/predict,            root,    401, UNAUTHORIZED",
        "GET,    /models,                         predict, 400, BAD",
        "GET,    /models/iris,                    predict, 500, INTERNAL_ERROR",
    })
    void handle_shouldAnswerTheErrorContract(String method, String path, String role, int status, String code) {
        var response = edge.handle(event(method, path, method.equals("GET") ? null : "{}", role), "r2");

        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(error(response).path("code").asText()).isEqualTo(code);
        assertThat(error(response).path("message").asText()).isNotBlank();
        assertThat(response.getBody()).doesNotContain("io.mlserve").doesNotContain("Exception").doesNotContain("boom");
    }

    @Test
    void handle_shouldLetAdminCallEveryRoute_andAnyoneThePublicOnes() {
        assertThat(edge.handle(event("PUT", "/models/iris/aliases/canary", "{}", "admin"), "r").getStatusCode()).isEqualTo(200);
        assertThat(edge.handle(event("GET", "/health", null, null), "r").getStatusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "text/plain                          | 415",
        "application/x-www-form-urlencoded   | 415",
        "multipart/form-data; boundary=x     | 415",
        "application/json; charset=utf-8     | 200",
        "application/merge-patch+json        | 200",
    })
    void handle_shouldRefuseNonJsonBodies_with415(String contentType, int status) {
        var event = event("POST", "/models/iris/predict", "{\"a\": 1}", "predict").withHeaders(Map.of("content-type", contentType));

        var response = edge.handle(event, "r3");

        assertThat(response.getStatusCode()).isEqualTo(status);
        if (status == 415) {
            assertThat(error(response).path("code").asText()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        }
    }

    @Test
    void handle_shouldRefuseBodiesOverTheLimit_with413() {
        var big = "{\"a\": \"" + "é".repeat(600) + "\"}"; // 612 chars, 1,212 UTF-8 bytes

        var response = edge.handle(event("POST", "/models/iris/predict", big, "predict"), "r4");

        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(error(response).path("details").path("bytes").asInt()).isGreaterThan(1024);
    }

    @Test
    void handle_shouldRefuseBase64BodiesThatAreNotUtf8() {
        var event = event("POST", "/models/iris/predict", Base64.getEncoder().encodeToString(new byte[] {'{', (byte) 0xC3, '}'}), "predict")
                .withIsBase64Encoded(true);

        var response = edge.handle(event, "r5");

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(error(response).path("code").asText()).isEqualTo("INVALID_ENCODING");
    }

    @Test
    void handle_shouldDecodeBase64Utf8Bodies() {
        var body = Base64.getEncoder().encodeToString("{\"a\": \"ü\"}".getBytes(StandardCharsets.UTF_8));

        var response = edge.handle(event("POST", "/models/iris/predict", body, "predict").withIsBase64Encoded(true), "r6");

        assertThat(Json.parseRequest(response.getBody()).at("/body/a").asText()).isEqualTo("ü");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "trailing garbage  | {\"a\": 1} x",
        "second document   | {\"a\": 1} {\"b\": 2}",
        "duplicate key     | {\"a\": 1, \"a\": 2}",
        "unterminated      | {\"a\": ",
    })
    void handle_shouldRefuseMalformedJson_withoutParserInternals(String name, String body) {
        var response = edge.handle(event("POST", "/models/iris/predict", body, "predict"), "r7");

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(error(response).path("code").asText()).isEqualTo("MALFORMED_JSON");
        assertThat(response.getBody()).doesNotContainIgnoringCase("jackson").doesNotContain("java.");
    }

    @Test
    void handle_shouldNameTheNestingLimit_notTheLibrarySetting() {
        var deep = "[".repeat(200) + "]".repeat(200);

        var response = edge.handle(event("POST", "/models/iris/predict", "{\"a\": " + deep + "}", "predict"), "r8");

        assertThat(error(response).path("message").asText()).contains("nested more than 64 levels")
                .doesNotContain("StreamReadConstraints");
    }
}
