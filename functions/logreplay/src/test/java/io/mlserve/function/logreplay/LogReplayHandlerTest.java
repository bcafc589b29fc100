package io.mlserve.function.logreplay;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.store.SpillReplay;
import io.mlserve.core.store.SpilledRows;
import io.mlserve.http.EmfMetrics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogReplayHandlerTest {
    private final Map<String, PredictionRecord> table = new HashMap<>();
    private boolean unavailable;
    private final ByteArrayOutputStream metricsOut = new ByteArrayOutputStream();
    private final List<String> delays = new ArrayList<>();
    private final LogReplayHandler handler = new LogReplayHandler(new SpillReplay(record -> {
        if (unavailable) {
            throw new IllegalStateException("ResourceNotFoundException: table gone");
        }
        return table.putIfAbsent(record.requestId() + "#" + record.row(), record) == null;
    }), new EmfMetrics("mlserve", Map.of("POWERTOOLS_SERVICE_NAME", "logreplay"), metricsOut),
            (receipt, seconds) -> delays.add(receipt + "=" + seconds));

    @Test
    void handle_shouldReplayEveryRowOnce_andSendPoisonBack() {
        // GIVEN two spill messages (one sent twice, as SQS may) and a message that is not a spill message
        var first = message("a", body("req-1", 3));
        var again = message("b", body("req-1", 3));
        var second = message("c", body("req-2", 2));
        var poison = message("d", "{\"hello\":1}");

        // WHEN
        var response = handler.handleRequest(event(first, again, poison, second), new FakeContext("inv-1"));

        // THEN the rows are in the table once each; only the poison message goes back to the queue
        assertThat(table).hasSize(5);
        assertThat(failed(response)).containsExactly("d");
        assertThat(delays).isEmpty(); // poison keeps the queue's visibility timeout: it heads for the DLQ
        var metrics = metricsOut.toString(StandardCharsets.UTF_8);
        assertThat(metrics).contains("\"PredictionLogRowsReplayed\":3").contains("\"PredictionLogRowsReplayed\":2")
                .doesNotContain("\"PredictionLogRowsReplayed\":0");
    }

    @Test
    void handle_shouldReturnEveryMessage_whenTheTableIsStillUnavailable() {
        unavailable = true;
        var later = message("b", body("req-2", 1));
        later.setAttributes(Map.of("ApproximateReceiveCount", "4"));

        var response = handler.handleRequest(event(message("a", body("req-1", 1)), later), new FakeContext("inv-2"));

        // THEN both go back, hidden for a delay that grows with their receives
        assertThat(failed(response)).containsExactly("a", "b");
        assertThat(delays).containsExactly("receipt-a=30", "receipt-b=240");
        assertThat(table).isEmpty();
        assertThat(metricsOut.size()).isZero();
    }

    private static String body(String requestId, int rows) {
        var records = new ArrayList<PredictionRecord>();
        for (int i = 0; i < rows; i++) {
            records.add(new PredictionRecord(new ModelRef("iris", "1"), requestId, i, Instant.parse("2026-12-04T10:00:00Z"),
                    Map.of("x", i), Map.of("label", "setosa"), 1, "api", null));
        }
        return SpilledRows.pack(records, 250_000).messages().get(0).body();
    }

    private static SQSEvent.SQSMessage message(String id, String body) {
        var message = new SQSEvent.SQSMessage();
        message.setMessageId(id);
        message.setBody(body);
        message.setReceiptHandle("receipt-" + id);
        message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        return message;
    }

    private static SQSEvent event(SQSEvent.SQSMessage... messages) {
        var event = new SQSEvent();
        event.setRecords(List.of(messages));
        return event;
    }

    private static List<String> failed(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    @Test
    void delaySeconds_shouldDoubleFrom30s_upTo15min() {
        assertThat(LogReplayHandler.delaySeconds(1)).isEqualTo(30);
        assertThat(LogReplayHandler.delaySeconds(2)).isEqualTo(60);
        assertThat(LogReplayHandler.delaySeconds(5)).isEqualTo(480);
        assertThat(LogReplayHandler.delaySeconds(6)).isEqualTo(900);
        assertThat(LogReplayHandler.delaySeconds(1000)).isEqualTo(900);
    }
}
