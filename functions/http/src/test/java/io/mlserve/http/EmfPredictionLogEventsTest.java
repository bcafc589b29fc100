package io.mlserve.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlserve.core.model.ModelRef;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spill's metrics reach CloudWatch at once, one EMF line each, with the model as dimension. */
class EmfPredictionLogEventsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final EmfPredictionLogEvents events =
            new EmfPredictionLogEvents(new EmfMetrics("mlserve", Map.of("POWERTOOLS_SERVICE_NAME", "predict"), out));

    @Test
    void spilledAndLost_shouldEachWriteTheirMetricAtOnce_withTheModelDimension() throws Exception {
        events.spilled(new ModelRef("iris", "2"), "req-1", 3, true, "circuit breaker open");
        events.lost(new ModelRef("iris", "2"), "req-2", 4, "spill failed");
        events.breaker(true, "ResourceNotFoundException"); // a log line, no metric

        var lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertThat(lines).hasSize(2);
        var json = new ObjectMapper();
        var spilled = json.readTree(lines[0]);
        assertThat(spilled.path("PredictionLogRowsSpilled").asDouble()).isEqualTo(3.0);
        assertThat(spilled.path("model").asText()).isEqualTo("iris");
        assertThat(spilled.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText()).isEqualTo("mlserve");
        assertThat(spilled.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString()).isEqualTo("[[\"model\"]]");
        var lost = json.readTree(lines[1]);
        assertThat(lost.path("PredictionLogRowsLost").asDouble()).isEqualTo(4.0);
    }
}
