package io.mlserve.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/**
 * docs/openapi.yaml and the CDK app's REST API describe the same routes (both directions), and each
 * operation's {@code x-mlserve-role} matches what API Gateway enforces for its method: public means
 * no authorizer and no API key; predict and admin mean the Lambda authorizer and an API key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiRoutesTest {
    private static final Path SPEC = Path.of("../docs/openapi.yaml");
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private final Map<String, Template> templates = new TreeMap<>();
    private JsonNode spec;

    @BeforeAll
    void synth(@TempDir Path repo) throws IOException {
        spec = new ObjectMapper(new YAMLFactory()).readTree(SPEC.toFile());
        // Stand-in artifacts: the template only needs the files to exist.
        StandInArtifacts.write(repo);
        for (var target : List.of("aws", "local")) {
            var app = new App(AppProps.builder().context(Map.of("target", target, "repoRoot", repo.toString())).build());
            templates.put(target, Template.fromStack(MlServingApp.build(app)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws", "local"})
    void routes_shouldBeTheSameInTheSpecAndTheStack(String target) {
        // GIVEN
        var deployed = methods(templates.get(target)).keySet();
        var documented = documentedRoles().keySet();

        // THEN both directions, each with its own message
        assertThat(difference(deployed, documented))
                .as("routes the CDK app (%s) deploys that docs/openapi.yaml does not describe", target).isEmpty();
        assertThat(difference(documented, deployed))
                .as("routes docs/openapi.yaml describes that the CDK app (%s) does not deploy", target).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"aws", "local"})
    void everyRoute_shouldBeGuardedAsItsDocumentedRole(String target) {
        // GIVEN
        var deployed = methods(templates.get(target));
        var wrong = new ArrayList<String>();

        // WHEN each documented operation is compared with its method's settings
        documentedRoles().forEach((route, role) -> {
            var method = deployed.get(route);
            if (method == null) {
                return; // reported by routes_shouldBeTheSameInTheSpecAndTheStack
            }
            var expected = role.equals("public")
                    ? new Guard(false, false)
                    : new Guard(true, true);
            if (!role.equals("public") && !role.equals("predict") && !role.equals("admin")) {
                wrong.add(route + ": x-mlserve-role '" + role + "' is not public, predict or admin");
            } else if (!method.equals(expected)) {
                wrong.add(route + " (" + role + "): expected " + expected + ", deployed " + method);
            }
        });

        // THEN
        assertThat(wrong).as("methods whose authorizer/API key do not match x-mlserve-role (%s)", target).isEmpty();
    }

    /** What API Gateway enforces on one method. */
    private record Guard(boolean customAuthorizer, boolean apiKeyRequired) {
        @Override
        public String toString() {
            return (customAuthorizer ? "Lambda authorizer" : "no authorizer") + " + " + (apiKeyRequired ? "API key" : "no API key");
        }
    }

    /** "METHOD /path" → role, for every operation of the spec. */
    private Map<String, String> documentedRoles() {
        var routes = new TreeMap<String, String>();
        spec.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (HTTP_METHODS.contains(op.getKey()) && !op.getKey().equals("options")) {
                routes.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue().path("x-mlserve-role").asText(""));
            }
        }));
        assertThat(routes).as("operations in %s", SPEC).isNotEmpty();
        return routes;
    }

    /**
     * Every {@code AWS::ApiGateway::Method} as "METHOD /full/path" → its guard. The path is rebuilt
     * from the {@code AWS::ApiGateway::Resource} chain (ParentId → PathPart); OPTIONS (CORS) and an
     * {@code ANY /{proxy+}} catch-all (with the {@code ANY /} CDK adds beside it) are not routes of the API.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Guard> methods(Template template) {
        var resources = (Map<String, Map<String, Object>>) template.toJSON().get("Resources");
        var methods = new TreeMap<String, Guard>();
        resources.forEach((id, resource) -> {
            if (!"AWS::ApiGateway::Method".equals(resource.get("Type"))) {
                return;
            }
            var props = (Map<String, Object>) resource.get("Properties");
            var httpMethod = String.valueOf(props.get("HttpMethod")).toUpperCase(Locale.ROOT);
            var path = path(resources, props.get("ResourceId"));
            if (httpMethod.equals("OPTIONS")) {
                return;
            }
            var custom = "CUSTOM".equals(props.get("AuthorizationType")) && props.get("AuthorizerId") != null;
            var previous = methods.put(httpMethod + " " + path, new Guard(custom, Boolean.TRUE.equals(props.get("ApiKeyRequired"))));
            assertThat(previous).as("%s %s is deployed once", httpMethod, path).isNull();
        });
        if (methods.containsKey("ANY /{proxy+}")) {
            // CDK mounts a root catch-all on "/" as well
            methods.remove("ANY /{proxy+}");
            methods.remove("ANY /");
        }
        assertThat(methods).as("API Gateway methods in the template").isNotEmpty();
        return methods;
    }

    /** The full path of a resource reference: {@code Ref} to a Resource, or the API's root resource. */
    @SuppressWarnings("unchecked")
    private static String path(Map<String, Map<String, Object>> resources, Object reference) {
        var parts = new ArrayList<String>();
        var current = reference;
        for (int depth = 0; depth < 32; depth++) {
            if (!(current instanceof Map<?, ?> ref) || !ref.containsKey("Ref")) {
                // Fn::GetAtt [api, RootResourceId]: the root
                assertThat(current).as("a resource reference").isInstanceOf(Map.class);
                assertThat(((Map<String, Object>) current)).containsKey("Fn::GetAtt");
                return parts.isEmpty() ? "/" : "/" + String.join("/", parts.reversed());
            }
            var resource = resources.get(String.valueOf(ref.get("Ref")));
            assertThat(resource).as("resource %s", ref.get("Ref")).isNotNull();
            assertThat(resource.get("Type")).isEqualTo("AWS::ApiGateway::Resource");
            var props = (Map<String, Object>) resource.get("Properties");
            parts.add(String.valueOf(props.get("PathPart")));
            current = props.get("ParentId");
        }
        throw new AssertionError("resource chain deeper than 32 levels from " + reference);
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        var rest = new TreeSet<>(a);
        rest.removeAll(b);
        return rest;
    }
}
