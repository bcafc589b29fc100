package io.mlserve.http.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;

/** The log lines have Powertools' Lambda JSON layout: its field names and order, key-values as top-level fields. */
class JsonLoggerTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final BasicMDCAdapter mdc = new BasicMDCAdapter();
    private final JsonLogger.Sink sink = new JsonLogger.Sink(() -> out, mdc);

    @Test
    void write_shouldWritePowertoolsFields_whenContextAndKeyValues() {
        mdc.put("function_request_id", "r-1");
        mdc.put("cold_start", "true");
        mdc.put("function_memory_size", "1024");
        mdc.put("service", "predict");
        mdc.put("function_name", "predict");

        sink.write(Level.INFO, "model \"loaded\"", null, List.of(new KeyValuePair("event", "ModelLoaded"),
                new KeyValuePair("loadMs", 12.5), new KeyValuePair("model", "iris")));

        var text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("}\n").startsWith("{\"level\":\"INFO\",\"message\":\"model \\\"loaded\\\"\",\"cold_start\":true,"
                + "\"function_memory_size\":1024,\"function_name\":\"predict\",\"function_request_id\":\"r-1\",\"service\":\"predict\",\"timestamp\":\"");
        var line = Json.parseRequest(text);
        assertThat(line.path("event").asText()).isEqualTo("ModelLoaded");
        assertThat(line.path("loadMs").isNumber()).isTrue();
        assertThat(line.path("model").asText()).isEqualTo("iris");
        assertThat(line.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    }

    @Test
    void write_shouldAddTheError_whenThrowable() {
        sink.write(Level.ERROR, "unexpected failure", new IllegalStateException("boom"), null);

        var line = Json.parseRequest(out.toString(StandardCharsets.UTF_8));
        assertThat(line.path("level").asText()).isEqualTo("ERROR");
        assertThat(line.path("error").path("message").asText()).isEqualTo("boom");
        assertThat(line.path("error").path("name").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(line.path("error").path("stack").asText()).contains("JsonLoggerTest");
    }

    @Test
    void logger_shouldDropBelowItsThreshold() {
        var logger = new JsonLogger("software.amazon.awssdk.Foo", JsonLogger.WARN, sink);
        logger.info("not shown");
        logger.warn("shown {}", 1);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("not shown").contains("\"message\":\"shown 1\"");
    }
}
