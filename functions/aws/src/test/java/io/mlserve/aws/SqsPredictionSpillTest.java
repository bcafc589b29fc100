package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.store.SpilledRows;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** Packing, batching and loss accounting of the SQS spill, against an SQS that fails on cue. */
class SqsPredictionSpillTest {
    private static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/000000000000/spill";

    private static final class ScriptedSqs implements SqsClient {
        final List<SendMessageBatchRequest> calls = new ArrayList<>();
        final List<String> stored = new ArrayList<>();
        final Function<SendMessageBatchRequestEntry, Boolean> refuse;

        ScriptedSqs(Function<SendMessageBatchRequestEntry, Boolean> refuse) {
            this.refuse = refuse;
        }

        @Override
        public synchronized SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) { // calls come in parallel
            calls.add(request);
            var failed = new ArrayList<BatchResultErrorEntry>();
            for (var entry : request.entries()) {
                if (refuse.apply(entry)) {
                    failed.add(BatchResultErrorEntry.builder().id(entry.id()).code("InternalError").message("try later").build());
                } else {
                    stored.add(entry.messageBody());
                }
            }
            return SendMessageBatchResponse.builder().failed(failed).build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {}
    }

    private static List<PredictionRecord> rows(int n, int featureBytes) {
        var rows = new ArrayList<PredictionRecord>();
        for (int i = 0; i < n; i++) {
            rows.add(new PredictionRecord(new ModelRef("iris", "1"), "req-1", i, Instant.parse("2026-12-04T10:00:00Z"),
                    Map.of("text", "x".repeat(featureBytes)), Map.of("label", "setosa"), 0.5, "api", null));
        }
        return rows;
    }

    @Test
    void spill_shouldKeepEveryCallWithinSqsLimits_andLoseNothing() {
        // GIVEN 1,000 rows of ~2 KB: ~8 messages of 250 KB, which need more than one batch call (256 KiB per call)
        var sqs = new ScriptedSqs(entry -> false);
        var rows = rows(1000, 2000);

        // WHEN
        var result = new SqsPredictionSpill(sqs, QUEUE).spill(rows);

        // THEN
        assertThat(result.complete()).isTrue();
        assertThat(result.written()).isEqualTo(1000);
        for (var call : sqs.calls) {
            assertThat(call.queueUrl()).isEqualTo(QUEUE);
            assertThat(call.entries()).hasSizeLessThanOrEqualTo(10);
            assertThat(call.entries().stream().mapToInt(e -> e.messageBody().getBytes(StandardCharsets.UTF_8).length).sum())
                    .isLessThanOrEqualTo(SqsPredictionSpill.MAX_BATCH_BYTES);
        }
        // a standard queue keeps no order between messages: every row once, in order within each message
        var back = sqs.stored.stream().flatMap(body -> SpilledRows.unpack(body).stream()).toList();
        assertThat(back).containsExactlyInAnyOrderElementsOf(rows);
        assertThat(sqs.calls).hasSizeGreaterThan(1);
    }

    @Test
    void spill_shouldSendRefusedEntriesOnceMore() {
        var refusedOnce = new java.util.HashSet<String>();
        var sqs = new ScriptedSqs(entry -> refusedOnce.add(entry.messageBody()));

        var result = new SqsPredictionSpill(sqs, QUEUE).spill(rows(3, 10));

        assertThat(result.complete()).isTrue();
        assertThat(sqs.calls).hasSize(2);
        assertThat(sqs.stored).hasSize(1);
    }

    @Test
    void spill_shouldReportRowsLost_whenSqsKeepsFailing() {
        var sqs = new ScriptedSqs(entry -> {
            throw SqsException.builder().message("queue gone").build();
        });

        var result = new SqsPredictionSpill(sqs, QUEUE).spill(rows(5, 10));

        assertThat(result.written()).isZero();
        assertThat(result.failed()).isEqualTo(5);
        assertThat(result.lastError()).contains("queue gone");
    }

    @Test
    void spill_shouldReportARowTooLargeForAMessage_asLost() {
        var sqs = new ScriptedSqs(entry -> false);
        var rows = new ArrayList<>(rows(2, 10));
        rows.addAll(rows(1, 300_000));

        var result = new SqsPredictionSpill(sqs, QUEUE).spill(rows);

        assertThat(result.written()).isEqualTo(2);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.lastError()).contains("larger than an SQS message");
    }
}
