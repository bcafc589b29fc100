package io.mlserve.aws;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.LogShards;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Rewrites prediction-log items of the legacy layout ({@code pk = <model>#<version>}, attribute {@code model}) into
 * the sharded one ({@code pk = <model>#<version>#<shard>}, {@code shard}, {@code modelShard}, no {@code model}),
 * each into the shard its request id and row give under its version's registered count — for versions registered
 * before sharding that is 1, so shard 0, which is also what their predictionIds say.
 *
 * <p>Per item: a conditional Put of the new item ({@code attribute_not_exists(pk)}: an item already there — from an
 * earlier, interrupted run, or since given feedback — wins and is never overwritten), then the Delete of the old one.
 * Readers only read the sharded layout, so between the two steps nothing is read twice; a crash leaves at worst an
 * old copy that the next run deletes. Hence idempotent and resumable: run it again until it reports 0 legacy items.
 * Attributes are copied as they are (TTL included), so expiry does not change.
 */
public final class PredictionLogMigration {
    private final DynamoDbClient dynamoDb;
    private final String table;
    private final LogShards shards;
    /** Per version, also for versions no longer registered (those count as 1, as LogShards says). */
    private final Map<ModelRef, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * What one run did.
     *
     * @param scanned items read
     * @param legacy items of the legacy layout found
     * @param migrated legacy items written in the sharded layout (and removed from the old)
     * @param alreadyMigrated legacy items whose sharded copy existed already (the old one was removed)
     * @param failed legacy items left as they were because a write failed (run again)
     * @param lastError the last failure, or null
     */
    public record Result(long scanned, long legacy, long migrated, long alreadyMigrated, long failed, String lastError) {}

    /**
     * @param dynamoDb client
     * @param table the prediction log table
     * @param shards each version's registered shard count
     */
    public PredictionLogMigration(DynamoDbClient dynamoDb, String table, LogShards shards) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.shards = shards;
    }

    /**
     * @param item a prediction-log item
     * @return true when it is of the legacy layout: pk {@code <model>#<version>} (one '#'), no {@code shard}
     */
    static boolean legacy(Map<String, AttributeValue> item) {
        var pk = item.get(PredictionLogSchema.PK);
        return pk != null && pk.s() != null && !item.containsKey(PredictionLogSchema.SHARD)
                && pk.s().indexOf('#') > 0 && pk.s().indexOf('#') == pk.s().lastIndexOf('#') && item.containsKey(PredictionLogSchema.SK);
    }

    /**
     * @param item a legacy item
     * @param shardCount its version's shard count
     * @return the same row in the sharded layout
     */
    static Map<String, AttributeValue> sharded(Map<String, AttributeValue> item, int shardCount) {
        var pk = item.get(PredictionLogSchema.PK).s();
        var model = pk.substring(0, pk.indexOf('#'));
        var version = pk.substring(pk.indexOf('#') + 1);
        var requestId = item.containsKey(PredictionLogSchema.REQUEST_ID) ? item.get(PredictionLogSchema.REQUEST_ID).s() : "";
        int row = item.containsKey(PredictionLogSchema.ROW) ? Integer.parseInt(item.get(PredictionLogSchema.ROW).n()) : 0;
        int shard = LogShards.shardOf(requestId, row, shardCount);
        var out = new HashMap<>(item);
        out.remove(PredictionLogSchema.MODEL); // new items stay out of the old byModel index
        out.put(PredictionLogSchema.PK, AttributeValue.fromS(PredictionLogSchema.partitionKey(model, version, shard)));
        out.put(PredictionLogSchema.SHARD, AttributeValue.fromN(Integer.toString(shard)));
        out.put(PredictionLogSchema.MODEL_SHARD, AttributeValue.fromS(PredictionLogSchema.modelShard(model, shard)));
        out.putIfAbsent(PredictionLogSchema.VERSION, AttributeValue.fromS(version));
        return out;
    }

    /**
     * Scans the table ({@code segments} parallel Scan segments) and moves every legacy item.
     *
     * @param segments parallel scan segments, 1..16
     * @param dryRun count only, change nothing
     * @return the counts
     */
    public Result run(int segments, boolean dryRun) {
        if (segments < 1 || segments > 16) {
            throw new IllegalArgumentException("segments must be 1..16, got " + segments);
        }
        var scanned = new AtomicLong();
        var legacy = new AtomicLong();
        var migrated = new AtomicLong();
        var already = new AtomicLong();
        var failed = new AtomicLong();
        var lastError = new java.util.concurrent.atomic.AtomicReference<String>();
        try (var pool = Executors.newFixedThreadPool(segments)) {
            var futures = new ArrayList<Future<?>>();
            for (int segment = 0; segment < segments; segment++) {
                int s = segment;
                futures.add(pool.submit(() -> {
                    var request = ScanRequest.builder().tableName(table)
                            .filterExpression("attribute_not_exists(#shard)")
                            .expressionAttributeNames(Map.of("#shard", PredictionLogSchema.SHARD));
                    if (segments > 1) {
                        request.segment(s).totalSegments(segments);
                    }
                    for (var page : dynamoDb.scanPaginator(request.build())) {
                        scanned.addAndGet(page.scannedCount() == null ? page.count() : page.scannedCount());
                        for (var item : page.items()) {
                            if (!legacy(item)) {
                                continue;
                            }
                            legacy.incrementAndGet();
                            if (dryRun) {
                                continue;
                            }
                            try {
                                if (move(item)) {
                                    migrated.incrementAndGet();
                                } else {
                                    already.incrementAndGet();
                                }
                            } catch (SdkException | IllegalArgumentException e) {
                                failed.incrementAndGet();
                                lastError.set(item.get(PredictionLogSchema.PK).s() + " " + item.get(PredictionLogSchema.SK).s() + ": " + e);
                            }
                        }
                    }
                }));
            }
            for (var future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the scan failed (run again: the migration is idempotent): " + e.getCause(), e.getCause());
        }
        return new Result(scanned.get(), legacy.get(), migrated.get(), already.get(), failed.get(), lastError.get());
    }

    /** @return true when the sharded copy was written, false when it existed already */
    private boolean move(Map<String, AttributeValue> item) {
        var pk = item.get(PredictionLogSchema.PK).s();
        var version = new ModelRef(pk.substring(0, pk.indexOf('#')), pk.substring(pk.indexOf('#') + 1));
        var copy = sharded(item, counts.computeIfAbsent(version, shards::shards));
        boolean written;
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(copy).conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PredictionLogSchema.PK)));
            written = true;
        } catch (ConditionalCheckFailedException e) {
            written = false; // an earlier run (or feedback since) made it: it wins
        }
        dynamoDb.deleteItem(b -> b.tableName(table).key(Map.of(PredictionLogSchema.PK, item.get(PredictionLogSchema.PK),
                PredictionLogSchema.SK, item.get(PredictionLogSchema.SK))));
        return written;
    }
}
