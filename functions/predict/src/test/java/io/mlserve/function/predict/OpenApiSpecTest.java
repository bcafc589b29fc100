package io.mlserve.function.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml: valid OpenAPI 3.0, and equal to the contract's routes, roles and error codes. */
class OpenApiSpecTest {
    /** The repository's file, not the packaged copy: this is what a reviewer edits. */
    static final Path SPEC = Path.of("../../docs/openapi.yaml");

    /** The route table the authorizer and the functions enforce (method + API Gateway resource → role). */
    private static final Map<String, String> CONTRACT_ROUTES = io.mlserve.core.access.Routes.all().stream()
            .collect(java.util.stream.Collectors.toMap(r -> r.method() + " " + r.resource(), r -> r.role().apiName()));

    /** Every code of the error contract, gateway-generated and from the functions. */
    private static final List<String> CONTRACT_CODES = List.of(
            "UNAUTHORIZED", "FORBIDDEN", "INVALID_API_KEY", "ROUTE_NOT_FOUND", "PAYLOAD_TOO_LARGE", "THROTTLED",
            "UNSUPPORTED_MEDIA_TYPE", "BAD_REQUEST", "INTERNAL_ERROR", "MALFORMED_JSON", "INVALID_REQUEST",
            "EMPTY_INSTANCES", "TOO_MANY_INSTANCES", "INVALID_INSTANCES", "INVALID_MODEL_NAME", "INVALID_VERSION",
            "MODEL_NOT_FOUND", "VERSION_NOT_FOUND", "METHOD_NOT_ALLOWED", "MODEL_REJECTED", "MODEL_UNAVAILABLE",
            "REGISTRY_UNAVAILABLE", "VALIDATION_FAILED", "CONFLICT", "INVALID_GUARD", "INVALID_WEIGHT", "MISSING_FIELD",
            "INVALID_FIELD", "MISSING_PARAMETER", "INVALID_TIME", "INVALID_TIME_RANGE", "INVALID_LIMIT", "INVALID_CURSOR",
            "INVALID_INPUT", "INPUT_NOT_FOUND", "JOB_NOT_FOUND", "INVALID_STATUS", "INVALID_TRAINING_SPEC", "TRAINING_SPEC_NOT_FOUND",
            "TRAINING_RUNNING", "TRAINING_UNAVAILABLE", "DRIFT_REPORT_NOT_FOUND", "INVALID_DRIFT_CONFIG",
            "INVALID_REFERENCE_DATA");

    private static String text;
    private static JsonNode tree;

    @BeforeAll
    static void read() throws IOException {
        text = Files.readString(SPEC);
        tree = new ObjectMapper(new YAMLFactory()).readTree(text);
    }

    @Test
    void spec_shouldParseWithoutAnyMessage_whenReadBySwaggerParser() {
        // GIVEN full resolution, as a client generator would read it
        var options = new ParseOptions();
        options.setResolve(true);
        options.setValidateInternalRefs(true);

        // WHEN
        var result = new OpenAPIV3Parser().readContents(text, null, options);

        // THEN
        assertThat(result.getMessages()).as("parser messages").isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.0.3");
    }

    @Test
    void everyRef_shouldPointAtSomethingInTheDocument() {
        // the parser leaves a dangling response $ref unreported: check every one here
        var refs = new TreeSet<String>();
        collectRefs(tree, refs);

        assertThat(refs).isNotEmpty().allSatisfy(ref -> {
            assertThat(ref).startsWith("#/components/");
            assertThat(tree.at(ref.substring(1)).isObject()).as("%s resolves", ref).isTrue();
        });
    }

    private static void collectRefs(JsonNode node, Set<String> refs) {
        if (node.isObject() && node.path("$ref").isTextual()) {
            refs.add(node.path("$ref").asText());
        }
        node.forEach(child -> collectRefs(child, refs));
    }

    @Test
    void spec_shouldHoldExactlyTheContractRoutesWithTheirRoles() {
        var documented = new TreeMap<String, String>();
        forEachOperation(parsed(), (route, op) -> documented.put(route, role(op)));

        assertThat(documented).containsExactlyInAnyOrderEntriesOf(CONTRACT_ROUTES);
    }

    @Test
    void everyOperation_shouldHaveAUniqueIdSummaryAndErrorBody() {
        var api = parsed();
        var ids = new HashSet<String>();
        forEachOperation(api, (route, op) -> {
            assertThat(op.getOperationId()).as(route).isNotBlank();
            assertThat(ids.add(op.getOperationId())).as("operationId %s is unique", op.getOperationId()).isTrue();
            assertThat(op.getSummary()).as(route).isNotBlank();
            assertThat(op.getResponses()).as(route).containsKeys("429", "500");
            var success = op.getResponses().keySet().stream().filter(s -> s.startsWith("2")).toList();
            assertThat(success).as("%s has a 2xx answer", route).isNotEmpty();
            op.getResponses().forEach((status, response) -> {
                if (response.get$ref() != null) {
                    response = api.getComponents().getResponses().get(response.get$ref().replace("#/components/responses/", ""));
                    assertThat(response).as("%s %s: its $ref resolves", route, status).isNotNull();
                }
                var content = response.getContent();
                assertThat(content).as("%s %s has content", route, status).isNotNull();
                content.forEach((type, media) -> assertThat(media.getExample() != null || media.getExamples() != null)
                        .as("%s %s %s has an example", route, status, type).isTrue());
                if (!status.startsWith("2")) {
                    assertThat(content.get("application/json").getSchema().get$ref())
                            .as("%s %s uses the Error schema", route, status).isEqualTo("#/components/schemas/Error");
                }
            });
        });
    }

    @Test
    void publicOperations_shouldNeedNoKey_andOthersTheApiKey() {
        var api = parsed();
        assertThat(api.getComponents().getSecuritySchemes().get("ApiKey").getName()).isEqualTo("x-api-key");
        assertThat(api.getSecurity()).hasSize(1);
        assertThat(api.getSecurity().get(0)).containsOnlyKeys("ApiKey");
        forEachOperation(api, (route, op) -> {
            if (role(op).equals("public")) {
                assertThat(op.getSecurity()).as("%s: security: []", route).isNotNull().isEmpty();
            } else {
                assertThat(op.getSecurity()).as("%s inherits the key requirement", route).isNull();
                assertThat(op.getResponses()).as(route).containsKeys("401", "403");
            }
        });
    }

    @Test
    void errorList_shouldHoldEveryContractCode_andEveryCodeTheExamplesUse() {
        // GIVEN the codes x-mlserve-errors documents
        var listed = new TreeSet<String>();
        tree.path("x-mlserve-errors").forEach(e -> {
            assertThat(e.path("status").asInt()).as(e.toString()).isBetween(400, 599);
            assertThat(e.path("when").asText()).as(e.toString()).isNotBlank();
            assertThat(listed.add(e.path("code").asText())).as("%s listed once", e.path("code")).isTrue();
        });

        // WHEN the codes any error example in the document uses are collected
        var used = new TreeSet<String>();
        collectErrorCodes(tree.path("paths"), used);
        collectErrorCodes(tree.path("components").path("responses"), used);

        // THEN
        assertThat(listed).containsAll(CONTRACT_CODES).containsAll(used);
        assertThat(used).as("every contract code has an example").containsAll(CONTRACT_CODES);
    }

    private static void collectErrorCodes(JsonNode node, Set<String> codes) {
        if (node.isObject()) {
            var error = node.path("error");
            if (error.isObject() && error.path("code").isTextual()) {
                codes.add(error.path("code").asText());
            }
            node.forEach(child -> collectErrorCodes(child, codes));
        } else if (node.isArray()) {
            node.forEach(child -> collectErrorCodes(child, codes));
        }
    }

    static OpenAPI parsed() {
        var options = new ParseOptions();
        options.setResolve(false);
        return new OpenAPIV3Parser().readContents(text, null, options).getOpenAPI();
    }

    private static String role(Operation op) {
        return op.getExtensions() == null ? "" : String.valueOf(op.getExtensions().get("x-mlserve-role"));
    }

    interface OperationCheck {
        void check(String route, Operation op);
    }

    /** Visits "METHOD /path" and its operation, for every operation of the spec. */
    static void forEachOperation(OpenAPI api, OperationCheck check) {
        var seen = new ArrayList<String>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            var route = method.name().toUpperCase(Locale.ROOT) + " " + path;
            seen.add(route);
            check.check(route, op);
        }));
        assertThat(seen).isNotEmpty();
    }
}
