package io.mlserve.aws;

import io.mlserve.core.store.PredictionRecord;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The one definition of a prediction-log item, shared by the writer ({@link DynamoDbPredictionLog}) and every reader
 * ({@link DynamoDbPredictionLogReader}, its cursor, drift's logged rows, feedback): keys, attribute names, the indexes
 * and the projections.
 *
 * <p>Keys (sharded layout): {@code pk = <model>#<version>#<shard>} and
 * {@code sk = <ISO-8601 UTC millis>#<requestId>#<row, 5 digits>}, so "one shard of a version in a time range" is one
 * Query with {@code sk BETWEEN}, and readers merge a version's shards. Index {@value #BY_MODEL_SHARD_INDEX}
 * (partition {@code modelShard = <model>#<shard>}, sort {@code sk}) serves "every version of a model". Attributes:
 * {@code shard}, {@code modelShard}, {@code version}, {@code requestId}, {@code row}, {@code ts}, {@code inputs} (map),
 * {@code output} (map; absent on a failed request), {@code error} (only on a failed request), {@code latencyMs},
 * {@code source}, {@code expiresAt} (TTL, epoch seconds); feedback adds {@code actual}, {@code observedAt},
 * {@code labelledAt}. No {@code model}: the name is pk up to its first '#'.
 *
 * <p>Legacy layout (before sharding): {@code pk = <model>#<version>} with a {@code model} attribute, indexed by
 * {@value #BY_MODEL_INDEX}; {@code mlserve migrate-log} rewrites such items into shard 0 of their version.
 */
public final class PredictionLogSchema {
    /** Partition key: {@code <model>#<version>}. */
    public static final String PK = "pk";
    /** Sort key: {@code <time>#<requestId>#<row>}. */
    public static final String SK = "sk";
    public static final String MODEL = "model";
    public static final String VERSION = "version";
    public static final String REQUEST_ID = "requestId";
    public static final String ROW = "row";
    public static final String TS = "ts";
    public static final String INPUTS = "inputs";
    public static final String OUTPUT = "output";
    public static final String ERROR = "error";
    public static final String LATENCY_MS = "latencyMs";
    public static final String SOURCE = "source";
    /** TTL attribute (epoch seconds). */
    public static final String EXPIRES_AT = "expiresAt";
    /** The legacy GSI of model-wide reads (items written before sharding): partition {@value #MODEL}, sort {@value #SK}. */
    public static final String BY_MODEL_INDEX = "byModel";

    // --- sharded layout (issue 11), and ground truth (issue 12) ---
    /** The row's shard, 0..logShards-1 ({@link io.mlserve.core.store.LogShards#shardOf}). */
    public static final String SHARD = "shard";
    /** Partition key of {@value #BY_MODEL_SHARD_INDEX}: {@code <model>#<shard>}. */
    public static final String MODEL_SHARD = "modelShard";
    /** The GSI of model-wide reads in the sharded layout: partition {@value #MODEL_SHARD}, sort {@value #SK}, projection ALL. */
    public static final String BY_MODEL_SHARD_INDEX = "byModelShard";
    /**
     * The ground-truth label or value recorded by feedback ({@link DynamoDbFeedbackStore}): S for a class label — always
     * as text, also for a model with integer classes ({@code "1"}), so compare it with {@code String.valueOf} of the
     * predicted label — and N for a regression value. Written once, never overwritten.
     */
    public static final String ACTUAL = "actual";
    /** When the caller says the actual was observed (ISO-8601), optional. */
    public static final String OBSERVED_AT = "observedAt";
    /** When feedback recorded the actual (ISO-8601 millis UTC). */
    public static final String LABELLED_AT = "labelledAt";

    /**
     * @param model model name
     * @param version model version
     * @param shard 0..logShards-1
     * @return the partition key of one shard of that version's items: {@code <model>#<version>#<shard>}
     */
    public static String partitionKey(String model, String version, int shard) {
        return model + "#" + version + "#" + shard;
    }

    /**
     * @param model model name
     * @param shard 0..logShards-1
     * @return the {@value #MODEL_SHARD} value (partition of {@value #BY_MODEL_SHARD_INDEX})
     */
    public static String modelShard(String model, int shard) {
        return model + "#" + shard;
    }

    /** Fixed-width, so string order is time order. */
    public static final DateTimeFormatter SORTABLE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** What statistics read: everything but the inputs (most of an item's bytes). */
    public static final List<String> OUTCOME_ATTRIBUTES =
            List.of(PK, SK, VERSION, REQUEST_ID, ROW, TS, OUTPUT, ERROR, LATENCY_MS, SOURCE);
    /** What drift reads: a row's time, inputs and output (and the keys that place it). */
    public static final List<String> ROW_ATTRIBUTES = List.of(PK, SK, VERSION, REQUEST_ID, ROW, TS, INPUTS, OUTPUT, SOURCE);

    private PredictionLogSchema() {}

    /**
     * @param model model name
     * @param version model version
     * @return the legacy (unsharded) partition key of that version's items, written before sharding
     */
    public static String legacyPartitionKey(String model, String version) {
        return model + "#" + version;
    }

    /**
     * @param record an item
     * @return its sort key
     */
    public static String sortKey(PredictionRecord record) {
        return rowSortKey(record.timestamp(), record.requestId(), record.row());
    }

    /**
     * @param timestamp the prediction time
     * @param requestId the request (or batch range) id
     * @param row the row's index
     * @return the sort key of that row's item
     */
    public static String rowSortKey(java.time.Instant timestamp, String requestId, int row) {
        return SORTABLE_TIME.format(timestamp) + "#" + requestId + "#" + String.format("%05d", row);
    }
}
