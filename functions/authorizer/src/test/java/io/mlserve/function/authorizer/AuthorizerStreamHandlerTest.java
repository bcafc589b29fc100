package io.mlserve.function.authorizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlserve.core.access.AccessPolicy;
import io.mlserve.core.access.ApiKeyRecord;
import io.mlserve.core.access.KeyHash;
import io.mlserve.core.access.KeyStatus;
import io.mlserve.core.access.Role;
import io.mlserve.core.testing.InMemoryKeyStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The deployed entry point: the event as API Gateway sends it in, the policy the runtime would have written out. */
class AuthorizerStreamHandlerTest {
    private static final String PREDICT_KEY = "Pk3yValue0123456789abcdefghijklmnopqrstu";
    private static final ObjectMapper DATABIND = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final AuthorizerHandler handler = new AuthorizerHandler(new AccessPolicy(new InMemoryKeyStore()
            .with(new ApiKeyRecord(KeyHash.of(PREDICT_KEY), "app", Role.PREDICT, KeyStatus.ACTIVE, "k1", Instant.EPOCH, null))));

    @ParameterizedTest(name = "key {0}")
    @ValueSource(strings = {PREDICT_KEY, "unknown-key-0123456789abcdefghijklmnopqr"})
    void handleRequest_shouldAnswerWhatTheRuntimeWouldHaveWritten(String key) throws Exception {
        // GIVEN a REQUEST authorizer event as API Gateway sends it
        String json;
        try (InputStream in = getClass().getResourceAsStream("/events/request-authorizer.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(PREDICT_KEY, key);
        }
        var direct = handler.handleRequest(DATABIND.readValue(json, APIGatewayCustomAuthorizerEvent.class), new FakeContext("r-1"));

        // WHEN it goes through the stream handler
        var out = new ByteArrayOutputStream();
        new AuthorizerStreamHandler(handler).handleRequest(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out, new FakeContext("r-1"));

        // THEN the same policy document, principal and context as databind writes the direct answer
        var streamed = DATABIND.readTree(out.toByteArray());
        assertThat(streamed).isEqualTo(DATABIND.valueToTree(direct));
        assertThat(streamed.path("policyDocument").path("Statement").get(0).path("Effect").asText())
                .isEqualTo(key.equals(PREDICT_KEY) ? "Allow" : "Deny");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{}", "{\"methodArn\": null, \"headers\": null, \"requestContext\": {\"x\": [1]}}"})
    void read_shouldTakeEventsWithoutFields(String json) throws Exception {
        var event = AuthorizerStreamHandler.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(event).isEqualTo(DATABIND.readValue("{}", APIGatewayCustomAuthorizerEvent.class));
    }
}
