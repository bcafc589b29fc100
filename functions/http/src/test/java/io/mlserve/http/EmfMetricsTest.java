package io.mlserve.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final EmfMetrics metrics = new EmfMetrics("mlserve", Map.of("POWERTOOLS_SERVICE_NAME", "predict",
            "AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/24/[$LATEST]abc", "AWS_LAMBDA_FUNCTION_VERSION", "7"), out);

    private JsonNode[] lines() {
        var text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        return text.lines().map(Json::parseRequest).toArray(JsonNode[]::new);
    }

    @Test
    void flush_shouldWriteOneEmfLine_whenMetricsRecorded() {
        metrics.add(EmfMetrics.Metric.REQUESTS, 1);
        metrics.add(EmfMetrics.Metric.PREDICTED_ROWS, 60);
        metrics.add(EmfMetrics.Metric.PREDICTED_ROWS, 40);
        metrics.add(EmfMetrics.Metric.INFERENCE_LATENCY, 0.0421);
        metrics.flush();
        metrics.flush(); // nothing recorded since: nothing written

        var lines = lines();
        assertThat(lines).hasSize(1);
        var line = lines[0];
        var directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(line.path("_aws").path("Timestamp").asLong()).isGreaterThan(1_700_000_000_000L);
        assertThat(directive.path("Namespace").asText()).isEqualTo("mlserve");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Service\"]]");
        assertThat(directive.path("Metrics").toString()).isEqualTo("[{\"Name\":\"Requests\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"PredictedRows\",\"Unit\":\"Count\"},{\"Name\":\"InferenceLatency\",\"Unit\":\"Milliseconds\"}]");
        assertThat(line.path("Service").asText()).isEqualTo("predict");
        assertThat(line.path("logStreamId").asText()).isEqualTo("2026/11/24/[$LATEST]abc");
        assertThat(line.path("functionVersion").asText()).isEqualTo("7");
        assertThat(line.path("Requests").asDouble()).isEqualTo(1.0);
        assertThat(line.path("PredictedRows").asDouble()).isEqualTo(100.0);
        assertThat(line.path("InferenceLatency").asDouble()).isEqualTo(0.0421);
    }

    @Test
    void flush_shouldNameOnlyRecordedMetrics_whenAnotherInvocationRecordsOthers() {
        metrics.add(EmfMetrics.Metric.CLIENT_ERRORS, 1);
        metrics.flush();
        metrics.add(EmfMetrics.Metric.REQUESTS, 1);
        metrics.flush();

        var lines = lines();
        assertThat(lines[0].path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").toString())
                .isEqualTo("[{\"Name\":\"ClientErrors\",\"Unit\":\"Count\"}]");
        assertThat(lines[0].has("Requests")).isFalse();
        assertThat(lines[1].path("Requests").asDouble()).isEqualTo(1.0);
        assertThat(lines[1].has("ClientErrors")).isFalse();
    }

    @Test
    void flushSingle_shouldWriteItsOwnDimension_whenCalled() {
        metrics.flushSingle("PredictionLogWriteFailures", 3, "Count", "model", "iris\"x");

        var line = lines()[0];
        assertThat(line.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString()).isEqualTo("[[\"model\"]]");
        assertThat(line.path("model").asText()).isEqualTo("iris\"x");
        assertThat(line.path("PredictionLogWriteFailures").asDouble()).isEqualTo(3.0);
    }
}
