package io.mlserve.function.authorizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlserve.core.access.AccessPolicy;
import io.mlserve.core.access.ApiKeyRecord;
import io.mlserve.core.access.KeyHash;
import io.mlserve.core.access.KeyStatus;
import io.mlserve.core.access.Role;
import io.mlserve.core.access.Routes;
import io.mlserve.core.testing.InMemoryKeyStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizerHandlerTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final String PREDICT_KEY = "Pk3yValue0123456789abcdefghijklmnopqrstu";
    private static final String ADMIN_KEY = "Ak3yValue0123456789abcdefghijklmnopqrstu";
    private static final String REVOKED_KEY = "Rk3yValue0123456789abcdefghijklmnopqrstu";
    private static final String METHOD_ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/models/iris/predict";
    private static final String STAGE = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod";

    private final InMemoryKeyStore store = new InMemoryKeyStore()
            .with(new ApiKeyRecord(KeyHash.of(PREDICT_KEY), "app", Role.PREDICT, KeyStatus.ACTIVE, "k1", T0, null))
            .with(new ApiKeyRecord(KeyHash.of(ADMIN_KEY), "ops", Role.ADMIN, KeyStatus.ACTIVE, "k2", T0, null))
            .with(new ApiKeyRecord(KeyHash.of(REVOKED_KEY), "old", Role.ADMIN, KeyStatus.REVOKED, "k3", T0, T0));
    private final AuthorizerHandler handler = new AuthorizerHandler(new AccessPolicy(store));

    private static APIGatewayCustomAuthorizerEvent event(String headerName, String key) {
        var headers = new HashMap<String, String>();
        headers.put("Content-Type", "application/json");
        if (key != null) {
            headers.put(headerName, key);
        }
        var event = new APIGatewayCustomAuthorizerEvent();
        event.setType("REQUEST");
        event.setMethodArn(METHOD_ARN);
        event.setHttpMethod("POST");
        event.setResource("/models/{name}/predict");
        event.setPath("/models/iris/predict");
        event.setHeaders(headers);
        return event;
    }

    private IamPolicyResponseV1 authorize(String key) {
        return handler.handleRequest(event("x-api-key", key), new FakeContext("req-1"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(IamPolicyResponseV1 response) {
        return List.of((Map<String, Object>[]) response.getPolicyDocument().get("Statement"));
    }

    private static List<String> resources(IamPolicyResponseV1 response, String effect) {
        return statements(response).stream().filter(s -> effect.equals(s.get("Effect")))
                .flatMap(s -> List.of((String[]) s.get("Resource")).stream()).toList();
    }

    @Test
    void handleRequest_shouldAllowTheStageAndDenyEveryAdminRoute_whenTheKeyIsPredict() {
        var response = authorize(PREDICT_KEY);

        assertThat(response.getPrincipalId()).isEqualTo("key:app");
        assertThat(response.getContext()).isEqualTo(Map.of("role", "predict", "keyName", "app"));
        assertThat(resources(response, "Allow")).containsExactly(STAGE + "/*/*");
        assertThat(resources(response, "Deny")).containsExactlyInAnyOrder(
                STAGE + "/POST/models/*/versions",
                STAGE + "/PUT/models/*/aliases/*",
                STAGE + "/GET/models/*/audit",
                STAGE + "/GET/predictions",
                STAGE + "/PUT/models/*/training",
                STAGE + "/GET/models/*/training",
                STAGE + "/POST/models/*/train",
                STAGE + "/PUT/models/*/drift/config",
                STAGE + "/GET/models/*/drift/config",
                STAGE + "/POST/models/*/drift",
                STAGE + "/PUT/models/*/versions/*/baseline",
                STAGE + "/POST/models/*/quality", STAGE + "/PUT/models/*/quality/config", STAGE + "/GET/models/*/quality/config");
        assertThat(statements(response)).allMatch(s -> "execute-api:Invoke".equals(s.get("Action")));
        assertThat(response.getPolicyDocument()).containsEntry("Version", "2012-10-17");
    }

    @Test
    void handleRequest_shouldDenyExactlyTheRoutesAdminOnlyRoutesInTheTable_forAPredictKey() {
        var admin = Routes.all().stream().filter(r -> r.role() == Role.ADMIN).count();

        assertThat(resources(authorize(PREDICT_KEY), "Deny")).hasSize((int) admin);
    }

    @Test
    void handleRequest_shouldAllowTheWholeStageWithNoDeny_whenTheKeyIsAdmin() {
        var response = authorize(ADMIN_KEY);

        assertThat(response.getContext()).isEqualTo(Map.of("role", "admin", "keyName", "ops"));
        assertThat(resources(response, "Allow")).containsExactly(STAGE + "/*/*");
        assertThat(resources(response, "Deny")).isEmpty();
    }

    @Test
    void handleRequest_shouldDenyTheWholeStage_whenTheKeyIsMissingUnknownOrRevoked() {
        for (var key : new String[] {null, "", "wrong-key-value-of-forty-characters-0000", REVOKED_KEY}) {
            var response = authorize(key);

            assertThat(resources(response, "Allow")).as("key %s", key).isEmpty();
            assertThat(resources(response, "Deny")).as("key %s", key).containsExactly(STAGE + "/*/*");
            assertThat(response.getPrincipalId()).isEqualTo(Policies.ANONYMOUS);
            assertThat(response.getContext()).isEmpty();
        }
    }

    @Test
    void handleRequest_shouldReadTheHeaderInAnyCase() {
        var response = handler.handleRequest(event("X-API-Key", ADMIN_KEY), new FakeContext("req-2"));

        assertThat(response.getContext()).containsEntry("role", "admin");
    }

    @Test
    void handleRequest_shouldDenyAnything_whenTheMethodArnIsUnreadable() {
        var event = event("x-api-key", ADMIN_KEY);
        event.setMethodArn("not-an-arn");

        var response = handler.handleRequest(event, new FakeContext("req-3"));

        assertThat(resources(response, "Deny")).containsExactly("*");
        assertThat(resources(response, "Allow")).isEmpty();
    }

    @Test
    void handleRequest_shouldSerializeAsTheRestApiExpects() throws Exception {
        // GIVEN the response as the Lambda runtime writes it (bean getters, Jackson)
        var json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(authorize(PREDICT_KEY)));

        // THEN principalId, policyDocument.Version/Statement[].Effect/Action/Resource and a flat context
        assertThat(json.get("principalId").asText()).isEqualTo("key:app");
        assertThat(json.at("/policyDocument/Version").asText()).isEqualTo("2012-10-17");
        assertThat(json.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
        assertThat(json.at("/policyDocument/Statement/0/Resource/0").asText()).isEqualTo(STAGE + "/*/*");
        assertThat(json.at("/context/role").asText()).isEqualTo("predict");
        assertThat(json.at("/context/keyName").asText()).isEqualTo("app");
    }

    @Test
    void handleRequest_shouldNeverLogTheKeyValueOrItsHash() {
        // GIVEN the log captured (log4j2-test.xml follows System.out)
        var captured = new ByteArrayOutputStream();
        var original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // WHEN keys of every kind are presented
            authorize(PREDICT_KEY);
            authorize(ADMIN_KEY);
            authorize(REVOKED_KEY);
            authorize("unknown-key-value-of-forty-characters-00");
        } finally {
            System.setOut(original);
        }

        // THEN the decisions are logged by key name, never by value or hash
        var log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("app").contains("ops").contains("revoked");
        for (var key : List.of(PREDICT_KEY, ADMIN_KEY, REVOKED_KEY, "unknown-key-value-of-forty-characters-00")) {
            assertThat(log).doesNotContain(key).doesNotContain(KeyHash.of(key));
        }
    }

    @Test
    void keysTable_shouldComeFromTheEnvironment_andBeRequired() {
        assertThat(AuthorizerHandler.keysTable(Map.of("KEYS_TABLE", "keys"))).isEqualTo("keys");
        assertThatThrownBy(() -> AuthorizerHandler.keysTable(Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("KEYS_TABLE");
    }

    @Test
    void parse_shouldReadApiAndStage_fromAnyMethodArn() {
        var arn = MethodArn.parse("arn:aws-cn:execute-api:cn-north-1:1:api/dev/GET/");

        assertThat(arn).isEqualTo(new MethodArn("aws-cn", "cn-north-1", "1", "api", "dev"));
        assertThat(arn.method("GET", "predictions")).isEqualTo("arn:aws-cn:execute-api:cn-north-1:1:api/dev/GET/predictions");
        assertThatThrownBy(() -> MethodArn.parse("arn:aws:s3:::bucket/key")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MethodArn.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
