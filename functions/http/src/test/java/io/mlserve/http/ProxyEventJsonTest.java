package io.mlserve.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streaming reader and writer against Jackson databind's reading of the same JSON (what the runtime's serializer does). */
class ProxyEventJsonTest {
    private static final ObjectMapper DATABIND = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static APIGatewayProxyRequestEvent read(String json) throws IOException {
        return ProxyEventJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String write(APIGatewayProxyResponseEvent response) throws IOException {
        var out = new ByteArrayOutputStream();
        ProxyEventJson.write(response, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void read_shouldEqualDatabind_forTheEventApiGatewaySends() throws IOException {
        // GIVEN a REST proxy event with multi-value headers, a query, an authorizer context of every JSON type,
        // unknown fields and a body with unicode, escapes and a surrogate pair
        String json;
        try (InputStream in = getClass().getResourceAsStream("/events/rest-proxy-predict.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        // WHEN
        var event = read(json);

        // THEN
        assertThat(event).isEqualTo(DATABIND.readValue(json, APIGatewayProxyRequestEvent.class));
        // the body is JSON text itself: its own escapes arrive as written
        assertThat(event.getBody()).contains("café ☃ \\\"quoted\\\" \\\\ tab\\t😀");
        assertThat(event.getRequestContext().getRequestId()).isEqualTo("c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
        assertThat(event.getRequestContext().getRequestTimeEpoch()).isEqualTo(1796493600000L);
        assertThat(event.getRequestContext().getIdentity().getSourceIp()).isEqualTo("203.0.113.7");
        var authorizer = event.getRequestContext().getAuthorizer();
        assertThat(authorizer).containsEntry("role", "predict").containsEntry("integrationLatency", 12)
                .containsEntry("quota", 12345678901L).containsEntry("ratio", 0.5).containsEntry("admin", false);
        assertThat(authorizer.get("nested")).isEqualTo(Map.of("a", java.util.Arrays.asList(1, "two", null, true)));
        assertThat(event.getMultiValueHeaders().get("X-Forwarded-For")).containsExactly("203.0.113.7", "198.51.100.1");
        assertThat(event.getStageVariables()).isNull();
    }

    @Test
    void read_shouldKeepNulls_andBase64Bodies() throws IOException {
        var body = Base64.getEncoder().encodeToString("{\"a\": 1}".getBytes(StandardCharsets.UTF_8));
        var json = "{\"httpMethod\":\"POST\",\"path\":\"/x\",\"headers\":null,\"multiValueHeaders\":null,"
                + "\"queryStringParameters\":{\"q\":null},\"requestContext\":null,\"body\":\"" + body + "\",\"isBase64Encoded\":true}";

        var event = read(json);

        assertThat(event).isEqualTo(DATABIND.readValue(json, APIGatewayProxyRequestEvent.class));
        assertThat(event.getHeaders()).isNull();
        assertThat(event.getQueryStringParameters()).containsEntry("q", null);
        assertThat(event.getIsBase64Encoded()).isTrue();
        assertThat(event.getBody()).isEqualTo(body);
    }

    @Test
    void read_shouldGiveAnEmptyEvent_forAnEmptyObject() throws IOException {
        assertThat(read("{}")).isEqualTo(new APIGatewayProxyRequestEvent());
    }

    @Test
    void read_shouldFail_whenTheInputIsNoObject() {
        assertThatThrownBy(() -> read("[1]")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read("{\"headers\": [\"a\"]}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read("")).isInstanceOf(IOException.class);
    }

    @Test
    void write_shouldRoundTrip_andLeaveNullFieldsOut() throws IOException {
        // GIVEN an answer with escapes, unicode and multi-value headers
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Request-Id", "r-1");
        var response = new APIGatewayProxyResponseEvent().withStatusCode(200).withHeaders(headers)
                .withMultiValueHeaders(Map.of("Set-Cookie", List.of("a=1", "b=2")))
                .withBody("{\"label\":\"caf\u00e9 \\\"q\\\" \ud83d\ude00\\n\"}").withIsBase64Encoded(false);

        // WHEN
        var json = write(response);

        // THEN
        assertThat(DATABIND.readValue(json, APIGatewayProxyResponseEvent.class)).isEqualTo(response);
        var bare = write(new APIGatewayProxyResponseEvent().withStatusCode(404).withBody("{}"));
        assertThat(bare).isEqualTo("{\"statusCode\":404,\"body\":\"{}\"}");
    }
}
