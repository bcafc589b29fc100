package io.mlserve.aws;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.LogShards;
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
 * The prediction log in DynamoDB, in the sharded layout of {@link PredictionLogSchema}.
 *
 * <p>Each row goes to {@code pk = <model>#<version>#<shard>} with the shard a stable hash of its request id and row
 * ({@link LogShards#shardOf}) over the version's registered shard count, so one version's writes spread over that many
 * partitions (DynamoDB takes ~1,000 writes/s per partition key) and a retried write lands on the same key.
 * {@code sk = <ISO-8601 UTC millis>#<requestId>#<row>}, so a time range of one shard is one Query with
 * {@code sk BETWEEN}; readers merge the shards. {@code modelShard = <model>#<shard>} feeds the model-wide index
 * {@code byModelShard}; items carry no {@code model} attribute, so they stay out of the old single-partition
 * {@code byModel} index. Items expire via the {@code expiresAt} TTL attribute.
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
    private final LogShards shards;
    private final ExecutorService writers = Executors.newFixedThreadPool(4, runnable -> {
        var thread = new Thread(runnable, "prediction-log-writer");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param dynamoDb client
     * @param table prediction log table name
     * @param ttl how long items are kept
     * @param shards each version's shard count
     */
    public DynamoDbPredictionLog(DynamoDbClient dynamoDb, String table, Duration ttl, LogShards shards) {
        this(dynamoDb, table, ttl, DEFAULT_DEADLINE, shards);
    }

    /**
     * @param dynamoDb client
     * @param table prediction log table name
     * @param ttl how long items are kept
     * @param deadline how long one write may take with all its retries; what is still unwritten then is
     *     reported as failed, so an outage adds at most this much to a request
     * @param shards each version's shard count
     */
    public DynamoDbPredictionLog(DynamoDbClient dynamoDb, String table, Duration ttl, Duration deadline, LogShards shards) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.ttl = ttl;
        this.deadline = deadline;
        this.shards = shards;
    }

    /**
     * @param model model name
     * @param version model version
     * @param shard the shard
     * @return the partition key of that shard of the version's predictions
     */
    public static String partitionKey(String model, String version, int shard) {
        return PredictionLogSchema.partitionKey(model, version, shard);
    }

    @Override
    public WriteResult write(List<PredictionRecord> records) {
        var counts = new HashMap<ModelRef, Integer>();
        var chunks = new ArrayList<List<PredictionRecord>>();
        var requests = new ArrayList<List<WriteRequest>>();
        for (int from = 0; from < records.size(); from += BATCH_SIZE) {
            var chunk = records.subList(from, Math.min(records.size(), from + BATCH_SIZE));
            chunks.add(chunk);
            requests.add(chunk.stream()
                    .map(r -> WriteRequest.builder()
                            .putRequest(PutRequest.builder().item(item(r, counts.computeIfAbsent(r.model(), this::shardCount))).build())
                            .build())
                    .toList());
        }
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        if (chunks.size() == 1) {
            return writeChunk(chunks.get(0), requests.get(0), deadlineNanos);
        }
        // Chunks go in parallel so a 1,000-row request is not 40 round trips end to end.
        var futures = new ArrayList<Future<WriteResult>>();
        for (int i = 0; i < chunks.size(); i++) {
            var chunk = chunks.get(i);
            var chunkRequests = requests.get(i);
            futures.add(writers.submit(() -> writeChunk(chunk, chunkRequests, deadlineNanos)));
        }
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
            unwritten.addAll(chunks.get(i)); // possibly written after all: the replay's conditional write skips those
        }
        return new WriteResult(written, failed, lastError, unwritten);
    }

    /** Writes one chunk ({@code records} and their requests, in the same order); the result names the rows not written. */
    private WriteResult writeChunk(List<PredictionRecord> records, List<WriteRequest> chunk, long deadlineNanos) {
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
        if (pending.isEmpty()) {
            return new WriteResult(chunk.size(), 0, null);
        }
        var byKey = new HashMap<Map<String, AttributeValue>, PredictionRecord>();
        for (int i = 0; i < chunk.size(); i++) {
            byKey.put(keyOf(chunk.get(i).putRequest().item()), records.get(i));
        }
        var unwritten = pending.stream().map(w -> byKey.get(keyOf(w.putRequest().item()))).toList();
        return new WriteResult(chunk.size() - pending.size(), pending.size(), lastError, unwritten);
    }

    private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
        return Map.of(PredictionLogSchema.PK, item.get(PredictionLogSchema.PK), PredictionLogSchema.SK, item.get(PredictionLogSchema.SK));
    }

    /**
     * Writes one row unless its key is already in the table (the spill's replay): a row replayed twice, or replayed
     * after its original write succeeded after all, is never duplicated, and feedback recorded on it is never
     * overwritten. Unlike {@link #write}, a registry that cannot give the version's shard count fails the call rather
     * than falling back to shard 0: a replay must land on the key the row was meant to have.
     *
     * @param record the row
     * @return true when written now, false when the table already held its key
     * @throws RuntimeException when the table (an {@link SdkException}) or the registry cannot take or answer the call;
     *     the caller keeps the row for later
     */
    public boolean putIfAbsent(PredictionRecord record) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item(record, shards.shards(record.model())))
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
            dynamoDb.deleteItem(b -> b.tableName(table).key(key(record, shardCount(record.model()))));
        } catch (SdkException e) {
            // left behind, the marker counts as one failed request: pessimistic, never silent
        }
    }

    /**
     * The version's shard count; when the registry cannot say (an outage), shard 0 of a one-shard layout: every reader
     * reads shard 0 of every version, so the row stays readable (only less spread) rather than lost.
     */
    private int shardCount(ModelRef version) {
        try {
            return shards.shards(version);
        } catch (RuntimeException e) {
            return LogShards.MIN;
        }
    }

    /**
     * @param r a row
     * @param shardCount its version's shard count
     * @return the row's key: {@code pk = <model>#<version>#<shard>}, {@code sk = <time>#<requestId>#<row>}
     */
    public static Map<String, AttributeValue> key(PredictionRecord r, int shardCount) {
        return keyOnShard(r, LogShards.shardOf(r.requestId(), r.row(), shardCount));
    }

    private static Map<String, AttributeValue> keyOnShard(PredictionRecord r, int shard) {
        var model = r.model();
        return Map.of(PredictionLogSchema.PK, s(partitionKey(model.name(), model.version(), shard)),
                PredictionLogSchema.SK, s(PredictionLogSchema.sortKey(r)));
    }

    /**
     * The one place an item is built: the writer and anything that writes a row later (a replay of spilled rows) make
     * the same bytes under the same key.
     *
     * @param r a row
     * @param shardCount its version's shard count
     * @param ttl how long it is kept
     * @return the row's item in the sharded layout
     */
    public static Map<String, AttributeValue> item(PredictionRecord r, int shardCount, Duration ttl) {
        var model = r.model();
        int shard = LogShards.shardOf(r.requestId(), r.row(), shardCount);
        var item = new HashMap<String, AttributeValue>(keyOnShard(r, shard));
        item.put(PredictionLogSchema.SHARD, n(shard));
        item.put(PredictionLogSchema.MODEL_SHARD, s(PredictionLogSchema.modelShard(model.name(), shard))); // byModelShard
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

    private Map<String, AttributeValue> item(PredictionRecord r, int shardCount) {
        return item(r, shardCount, ttl);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(Number value) {
        return AttributeValue.fromN(value.toString());
    }
}
