package io.mlserve.aws;

import io.mlserve.core.store.PredictionLog;
import io.mlserve.core.store.PredictionRecord;
import java.time.Duration;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
    /** Fixed-width so string order is time order ({@link PredictionLogSchema#SORTABLE_TIME}). */
    static final DateTimeFormatter SORTABLE_TIME = PredictionLogSchema.SORTABLE_TIME;

    /** Default budget for one write including its retries: well under the function's timeout. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Duration ttl;
    private final Duration deadline;
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
        this(dynamoDb, table, ttl, DEFAULT_DEADLINE);
    }

    /**
     * @param dynamoDb client
     * @param table prediction log table name
     * @param ttl how long items are kept
     * @param deadline how long one write may take with all its retries; what is still unwritten then is
     *     reported as failed, so an outage adds at most this much to a request
     */
    public DynamoDbPredictionLog(DynamoDbClient dynamoDb, String table, Duration ttl, Duration deadline) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.ttl = ttl;
        this.deadline = deadline;
    }

    /**
     * @param model model name
     * @param version model version
     * @return the partition key of that version's predictions
     */
    public static String partitionKey(String model, String version) {
        return PredictionLogSchema.partitionKey(model, version);
    }

    @Override
    public WriteResult write(List<PredictionRecord> records) {
        var chunks = new ArrayList<List<PredictionRecord>>();
        for (int from = 0; from < records.size(); from += BATCH_SIZE) {
            chunks.add(records.subList(from, Math.min(records.size(), from + BATCH_SIZE)));
        }
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        if (chunks.size() == 1) {
            return writeChunk(chunks.get(0), deadlineNanos);
        }
        // Chunks go in parallel so a 1,000-row request is not 40 round trips end to end.
        var futures = new ArrayList<Future<WriteResult>>();
        chunks.forEach(chunk -> futures.add(writers.submit(() -> writeChunk(chunk, deadlineNanos))));
        int written = 0;
        int failed = 0;
        String lastError = null;
        var unwritten = new ArrayList<PredictionRecord>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                // the chunks stop retrying at the deadline themselves; the margin covers one last call
                long wait = Math.max(0, deadlineNanos - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1);
                var result = futures.get(i).get(wait, TimeUnit.NANOSECONDS);
                written += result.written();
                failed += result.failed();
                unwritten.addAll(result.unwritten());
                lastError = result.lastError() != null ? result.lastError() : lastError;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lastError = "interrupted";
            } catch (ExecutionException e) {
                lastError = String.valueOf(e.getCause());
            } catch (TimeoutException e) {
                futures.get(i).cancel(true);
                lastError = "deadline of " + deadline.toMillis() + " ms passed";
            }
            failed += chunks.get(i).size();
            unwritten.addAll(chunks.get(i)); // possibly written after all: a replay's conditional write skips those
        }
        return new WriteResult(written, failed, lastError, unwritten);
    }

    private WriteResult writeChunk(List<PredictionRecord> records, long deadlineNanos) {
        var byKey = new HashMap<Map<String, AttributeValue>, PredictionRecord>();
        var chunk = new ArrayList<WriteRequest>(records.size());
        for (var r : records) {
            var item = item(r);
            byKey.put(keyOf(item), r);
            chunk.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        List<WriteRequest> pending = chunk;
        String lastError = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !pending.isEmpty(); attempt++) {
            if (attempt > 1 && System.nanoTime() >= deadlineNanos) {
                lastError = "deadline of " + deadline.toMillis() + " ms passed; last error: " + lastError;
                break;
            }
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
        var unwritten = pending.stream().map(w -> byKey.get(keyOf(w.putRequest().item()))).toList();
        return new WriteResult(chunk.size() - pending.size(), pending.size(), pending.isEmpty() ? null : lastError, unwritten);
    }

    private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
        return Map.of(PredictionLogSchema.PK, item.get(PredictionLogSchema.PK), PredictionLogSchema.SK, item.get(PredictionLogSchema.SK));
    }

    /**
     * Writes one row unless its key is already in the table (the spill's replay): a row replayed twice, or replayed
     * after its original write succeeded after all, is never duplicated, and feedback recorded on it is never
     * overwritten.
     *
     * @param record the row
     * @return true when written now, false when the table already held its key
     * @throws SdkException when the table cannot take the write (the caller keeps the row for later)
     */
    public boolean putIfAbsent(PredictionRecord record) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item(record))
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PredictionLogSchema.PK)));
            return true;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            return false;
        }
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

    @Override
    public void retract(PredictionRecord record) {
        try {
            dynamoDb.deleteItem(b -> b.tableName(table).key(key(record)));
        } catch (SdkException e) {
            // left behind, the marker counts as one failed request: pessimistic, never silent
        }
    }

    private static Map<String, AttributeValue> key(PredictionRecord r) {
        var model = r.model();
        return Map.of(PredictionLogSchema.PK, s(partitionKey(model.name(), model.version())),
                PredictionLogSchema.SK, s(PredictionLogSchema.sortKey(r)));
    }

    private Map<String, AttributeValue> item(PredictionRecord r) {
        var model = r.model();
        var item = new HashMap<String, AttributeValue>(key(r));
        item.put(PredictionLogSchema.MODEL, s(model.name())); // partition key of the byModel index
        item.put(PredictionLogSchema.VERSION, s(model.version()));
        item.put(PredictionLogSchema.REQUEST_ID, s(r.requestId()));
        item.put(PredictionLogSchema.ROW, n(r.row()));
        item.put(PredictionLogSchema.TS, s(SORTABLE_TIME.format(r.timestamp())));
        item.put(PredictionLogSchema.INPUTS, AttributeValues.of(r.inputs()));
        if (r.output() != null) {
            item.put(PredictionLogSchema.OUTPUT, AttributeValues.of(r.output()));
        }
        if (r.error() != null) {
            item.put(PredictionLogSchema.ERROR, s(r.error()));
        }
        item.put(PredictionLogSchema.LATENCY_MS, n(r.latencyMs()));
        item.put(PredictionLogSchema.SOURCE, s(r.source()));
        item.put(PredictionLogSchema.EXPIRES_AT, n(r.timestamp().plus(ttl).getEpochSecond()));
        return item;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(Number value) {
        return AttributeValue.fromN(value.toString());
    }
}
