package io.mlserve.aws;

import io.mlserve.core.store.PredictionLog.WriteResult;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.store.PredictionSpill;
import io.mlserve.core.store.SpilledRows;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The prediction log's spill on SQS: rows packed as JSON ({@link SpilledRows}) into messages of at most
 * {@value #MAX_MESSAGE_BYTES} bytes, sent with SendMessageBatch (at most 10 entries and 256 KiB per call). Entries SQS
 * refuses are sent once more; what still fails is reported lost.
 *
 * <p>N.B. one row larger than a message (a request of ~256 KiB of features in a single row) cannot be spilled and is
 * reported lost.
 */
public final class SqsPredictionSpill implements PredictionSpill {
    /** SQS's limit for a message and for a whole batch call is 262,144 bytes; the margin covers attributes and framing. */
    static final int MAX_MESSAGE_BYTES = 250_000;
    static final int MAX_BATCH_BYTES = 262_144;
    static final int MAX_BATCH_ENTRIES = 10;

    /** Sends the calls of one large spill side by side (a 1,000-row request is about two). */
    private static final ExecutorService SENDERS = Executors.newFixedThreadPool(4, runnable -> {
        var thread = new Thread(runnable, "prediction-spill-sender");
        thread.setDaemon(true);
        return thread;
    });

    private final SqsClient sqs;
    private final String queueUrl;

    /**
     * @param sqs client (with an API call timeout: this runs on the request path)
     * @param queueUrl the spill queue
     */
    public SqsPredictionSpill(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public WriteResult spill(List<PredictionRecord> records) {
        var packed = SpilledRows.pack(records, MAX_MESSAGE_BYTES);
        int lost = packed.oversized().size();
        String lastError = lost == 0 ? null : lost + " row(s) larger than an SQS message";
        var batches = new ArrayList<List<SpilledRows.Message>>();
        var batch = new ArrayList<SpilledRows.Message>();
        int batchBytes = 0;
        for (var message : packed.messages()) {
            int size = message.body().getBytes(StandardCharsets.UTF_8).length;
            if (!batch.isEmpty() && (batch.size() == MAX_BATCH_ENTRIES || batchBytes + size > MAX_BATCH_BYTES)) {
                batches.add(batch);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(message);
            batchBytes += size;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        // A large request needs several calls (256 KiB each at most): in parallel, so it waits for one round trip.
        var failures = new ArrayList<Failure>();
        if (batches.size() == 1) {
            failures.add(send(batches.get(0)));
        } else {
            var futures = batches.stream().map(b -> CompletableFuture.supplyAsync(() -> send(b), SENDERS)).toList();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    failures.add(futures.get(i).join());
                } catch (RuntimeException e) {
                    failures.add(new Failure(batches.get(i).stream().mapToInt(m -> m.records().size()).sum(), String.valueOf(e)));
                }
            }
        }
        for (var failure : failures) {
            lost += failure.lost;
            lastError = failure.error != null ? failure.error : lastError;
        }
        return new WriteResult(records.size() - lost, lost, lost == 0 ? null : lastError);
    }

    private record Failure(int lost, String error) {}

    /** Sends the messages, once more for entries SQS refused; returns the rows of those still refused. */
    private Failure send(List<SpilledRows.Message> messages) {
        var pending = messages;
        String error = null;
        for (int attempt = 1; attempt <= 2 && !pending.isEmpty(); attempt++) {
            var entries = new ArrayList<SendMessageBatchRequestEntry>();
            for (int i = 0; i < pending.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(pending.get(i).body()).build());
            }
            try {
                var current = pending;
                var response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                var refused = new ArrayList<SpilledRows.Message>();
                for (var failed : response.failed()) {
                    refused.add(current.get(Integer.parseInt(failed.id().substring(1))));
                    error = failed.code() + ": " + failed.message();
                }
                pending = refused;
            } catch (SdkException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
        return new Failure(pending.stream().mapToInt(m -> m.records().size()).sum(), pending.isEmpty() ? null : error);
    }
}
