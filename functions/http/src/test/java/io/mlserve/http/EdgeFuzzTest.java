package io.mlserve.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.inference.InstanceParser;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.Task;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based fuzzing (jqwik, a bounded number of tries per property so CI time stays fixed) of the
 * request path every API call takes: the edge's decoding and routing, the JSON parser and the instance
 * validator. Whatever the input, the answer is a status below 500 in the error contract, and never an
 * uncaught exception.
 */
class EdgeFuzzTest {
    private static final Set<String> INTERNALS = Set.of("Exception", "java.", "com.fasterxml", "jackson", "io.mlserve",
            "StreamReadConstraints", "\tat ");

    private static final ModelManifest MANIFEST = new ModelManifest(1, "m", "1", Task.CLASSIFICATION, null,
            List.of(new Feature("x", FeatureType.FLOAT, null, null, null, null, null),
                    new Feature("n", FeatureType.INT64, null, null, null, null, null),
                    new Feature("s", FeatureType.STRING, null, null, List.<Object>of("a", "b"), null, null)),
            null, null, Map.of(), null, null, null, null);

    private final HttpEdge edge = HttpEdge.builder(64 * 1024)
            .route("POST", "/models/{name}/predict", request -> {
                new InstanceParser(100).parse(Json.parseRequest(request.body()), MANIFEST);
                return HttpResponse.ok(Map.of("ok", true));
            })
            .build();

    @Property(tries = 1500)
    void anyText_shouldGetAContractAnswer(@ForAll("jsonish") String body) {
        check(HttpEdgeTest.event("POST", "/models/m/predict", body, "predict"));
    }

    @Property(tries = 500)
    void anyBytes_shouldGetAContractAnswer(@ForAll byte[] bytes) {
        check(HttpEdgeTest.event("POST", "/models/m/predict", Base64.getEncoder().encodeToString(bytes), "predict")
                .withIsBase64Encoded(true));
    }

    @Property(tries = 500)
    void anyPathMethodAndRole_shouldGetAContractAnswer(
            @ForAll("paths") String path, @ForAll("methods") String method, @ForAll("roles") String role) {
        check(HttpEdgeTest.event(method, path, "{}", role));
    }

    private void check(com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent event) {
        var response = edge.handle(event, "fuzz");
        assertThat(response.getStatusCode()).isLessThan(500);
        if (response.getStatusCode() >= 400) {
            var error = Json.parseRequest(response.getBody()).path("error");
            assertThat(error.path("code").asText()).isNotBlank();
            assertThat(error.path("message").asText()).isNotBlank();
            assertThat(error.has("details")).isTrue();
            for (var internal : INTERNALS) {
                assertThat(response.getBody()).doesNotContain(internal);
            }
        }
    }

    @Provide
    Arbitrary<String> jsonish() {
        var scalar = Arbitraries.oneOf(
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("NaN", "-Infinity", "Infinity", "1e999", "-0", "null", "true", "\"a\"", "\"b\"", "\"\\u0000\"",
                        "9".repeat(120), "[]", "{}", "\"x\"", "1.5"),
                Arbitraries.strings().ofMaxLength(20).map(s -> Json.write(s)));
        var key = Arbitraries.of("x", "n", "s", "instances", "zzz", "", "x\u0000");
        Arbitrary<String> instance = Combinators.combine(key, scalar, key, scalar, key, scalar)
                .as((k1, v1, k2, v2, k3, v3) -> "{\"" + k1 + "\": " + v1 + ", \"" + k2 + "\": " + v2 + ", \"" + k3 + "\": " + v3 + "}");
        Arbitrary<String> request = instance.list().ofMaxSize(5).map(list -> "{\"instances\": [" + String.join(",", list) + "]}");
        Arbitrary<String> mangled = Combinators.combine(request, Arbitraries.integers().between(0, 200), Arbitraries.strings().ofMaxLength(5))
                .as((text, at, noise) -> text.substring(0, Math.min(at, text.length())) + noise + text.substring(Math.min(at, text.length())));
        return Arbitraries.oneOf(request, mangled, Arbitraries.strings().ofMaxLength(200),
                Arbitraries.integers().between(1, 300).map(n -> "{\"instances\": " + "[".repeat(n) + "]".repeat(n) + "}"));
    }

    @Provide
    Arbitrary<String> paths() {
        var segment = Arbitraries.oneOf(Arbitraries.of("models", "m", "predict", "..", "%2e%2e", "%2F", "", "{name}", "aliases"),
                Arbitraries.strings().ofMaxLength(12));
        return segment.list().ofMaxSize(5).map(parts -> "/" + String.join("/", parts));
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "get", "TRACE");
    }

    @Provide
    Arbitrary<String> roles() {
        return Arbitraries.of("predict", "admin", "public", "", "ADMIN", "root").injectNull(0.2);
    }
}
