package io.mlserve.aws;

import io.mlserve.core.store.PredictionLog;
import io.mlserve.core.store.PredictionRecord;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The prediction log in DynamoDB.
 *
 * <p>Keys are laid out for the readers that come next: {@code pk = <model>#<version>} and
 * {@code sk = <ISO-8601 UTC millis>#<requestId>#<row>}, so "recent predictions of one version"
 * (drift) and "model, version, time range, paginated" (the log API) are single Query calls with
 * {@code sk BETWEEN}. {@code model} is also stored plainly for a by-model index. Items expire via
 * the {@code expiresAt} TTL attribute.
 *
 * <p>N.B. one partition per model version takes all its writes; DynamoDB adapts hot partitions,
 * but beyond ~1,000 rows/s per version the key needs a shard suffix.
 */
public final class DynamoDbPredictionLog implements PredictionLog {
    /** BatchWriteItem's limit. */
    static final int BATCH_SIZE = 25;
    static final int MAX_ATTEMPTS = 6;
    /** Fixed-width so string order is time order. */
    static final DateTimeFormatter SORTABLE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Duration ttl;
    private final ExecutorService writers = Executors.newFixedThreadPool(4, runnable -> {
        var thread = new Thread(runnable, "prediction-log-writer");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param dynamoDb client
     * @param table prediction log table name
     * @param ttl how long items are kept
     */
    public DynamoDbPredictionLog(DynamoDbClient dynamoDb, String table, Duration ttl) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.ttl = ttl;
    }

    /**
     * @param model model name
     * @param version model version
     * @return the partition key of that version's predictions
     */
    public static String partitionKey(String model, String version) {
        return model + "#" + version;
    }

    @Override
    public WriteResult write(List<PredictionRecord> records) {
        var chunks = new ArrayList<List<WriteRequest>>();
        for (int from = 0; from < records.size(); from += BATCH_SIZE) {
            chunks.add(records.subList(from, Math.min(records.size(), from + BATCH_SIZE)).stream()
                    .map(r -> WriteRequest.builder().putRequest(PutRequest.builder().item(item(r)).build()).build())
                    .toList());
        }
        if (chunks.size() == 1) {
            return writeChunk(chunks.get(0));
        }
        // Chunks go in parallel so a 1,000-row request is not 40 round trips end to end.
        var futures = new ArrayList<Future<WriteResult>>();
        chunks.forEach(chunk -> futures.add(writers.submit(() -> writeChunk(chunk))));
        int written = 0;
        int failed = 0;
        String lastError = null;
        for (int i = 0; i < futures.size(); i++) {
            try {
                var result = futures.get(i).get();
                written += result.written();
                failed += result.failed();
                lastError = result.lastError() != null ? result.lastError() : lastError;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed += chunks.get(i).size();
                lastError = "interrupted";
            } catch (ExecutionException e) {
                failed += chunks.get(i).size();
                lastError = String.valueOf(e.getCause());
            }
        }
        return new WriteResult(written, failed, lastError);
    }

    private WriteResult writeChunk(List<WriteRequest> chunk) {
        List<WriteRequest> pending = chunk;
        String lastError = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !pending.isEmpty(); attempt++) {
            try {
                var current = pending;
                var response = dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(table, current)));
                pending = response.unprocessedItems().getOrDefault(table, List.of());
                if (!pending.isEmpty()) {
                    lastError = pending.size() + " item(s) unprocessed (throttled)";
                }
            } catch (SdkException e) {
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (!pending.isEmpty() && attempt < MAX_ATTEMPTS) {
                sleepBackoff(attempt);
            }
        }
        return new WriteResult(chunk.size() - pending.size(), pending.size(), pending.isEmpty() ? null : lastError);
    }

    /** Exponential backoff with full jitter: 25 ms, 50 ms, … capped at 800 ms. */
    private static void sleepBackoff(int attempt) {
        long cap = Math.min(800, 25L << (attempt - 1));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, AttributeValue> item(PredictionRecord r) {
        var model = r.model();
        var item = new HashMap<String, AttributeValue>();
        item.put("pk", s(partitionKey(model.name(), model.version())));
        item.put("sk", s(SORTABLE_TIME.format(r.timestamp()) + "#" + r.requestId() + "#" + String.format("%05d", r.row())));
        item.put("model", s(model.name())); // partition key of the byModel index
        item.put("version", s(model.version()));
        item.put("requestId", s(r.requestId()));
        item.put("row", n(r.row()));
        item.put("ts", s(SORTABLE_TIME.format(r.timestamp())));
        item.put("inputs", AttributeValues.of(r.inputs()));
        if (r.output() != null) {
            item.put("output", AttributeValues.of(r.output()));
        }
        if (r.error() != null) {
            item.put("error", s(r.error()));
        }
        item.put("latencyMs", n(r.latencyMs()));
        item.put("source", s(r.source()));
        item.put("expiresAt", n(r.timestamp().plus(ttl).getEpochSecond()));
        return item;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(Number value) {
        return AttributeValue.fromN(value.toString());
    }
}
