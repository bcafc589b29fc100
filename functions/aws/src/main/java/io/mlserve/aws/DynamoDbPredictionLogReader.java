package io.mlserve.aws;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.logquery.LogPage;
import io.mlserve.core.logquery.LoggedRows;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.logquery.PredictionLogReader;
import io.mlserve.core.logquery.PredictionQuery;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Reads the prediction log written by {@link DynamoDbPredictionLog}, newest first.
 *
 * <p>With a version: Query the table on {@code pk = <model>#<version>}. Without: Query the
 * {@value #BY_MODEL_INDEX} GSI (partition key {@code model}, sort key {@code sk}, projection ALL).
 * Either way {@code sk BETWEEN fmt(from) AND fmt(to)}, which is exactly {@code [from, to)} at
 * millisecond precision because every {@code sk} is {@code <time>#…} and so sorts after its bare
 * time. Pages ask for {@code limit + 1} items so {@code nextCursor} is only set when more items
 * exist (or when DynamoDB's 1 MB page ended first).
 *
 * <p>N.B. the index is eventually consistent: items written in the last second may be missing from
 * model-wide reads.
 */
public final class DynamoDbPredictionLogReader implements PredictionLogReader, LoggedRows {
    /** The GSI used when no version is given. */
    public static final String BY_MODEL_INDEX = PredictionLogSchema.BY_MODEL_INDEX;

    private final DynamoDbClient dynamoDb;
    private final String table;

    /**
     * @param dynamoDb client
     * @param table prediction log table name (with the {@value #BY_MODEL_INDEX} index)
     */
    public DynamoDbPredictionLogReader(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public LogPage page(PredictionQuery query) {
        var window = query;
        Map<String, AttributeValue> startKey = null;
        if (query.cursor() != null) {
            var position = PredictionLogCursor.decode(query.cursor(), query);
            window = query.withWindow(position.from(), position.to());
            startKey = position.startKey();
        }
        var request = baseRequest(window, false).limit(query.limit() + 1).exclusiveStartKey(startKey).build();
        List<Map<String, AttributeValue>> items;
        Map<String, AttributeValue> lastEvaluated;
        try {
            var response = dynamoDb.query(request);
            items = response.items();
            lastEvaluated = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } catch (DynamoDbException e) {
            // A start key DynamoDB refuses is the cursor's fault, not a server fault.
            if (startKey != null && e.statusCode() == 400 && "ValidationException".equals(errorCode(e))) {
                throw new InvalidInputException("INVALID_CURSOR", "the cursor is not valid for this query; start again without 'cursor'",
                        Map.of("parameter", "cursor"));
            }
            throw e;
        }
        String next = null;
        if (items.size() > query.limit()) {
            items = items.subList(0, query.limit());
            next = PredictionLogCursor.encode(window, keyOf(items.get(items.size() - 1), window.allVersions()));
        } else if (lastEvaluated != null) {
            next = PredictionLogCursor.encode(window, lastEvaluated);
        }
        return new LogPage(items.stream().map(DynamoDbPredictionLogReader::parse).toList(), next);
    }

    @Override
    public Stream<PredictionRecord> outcomes(PredictionQuery query) {
        var request = baseRequest(query, true).build();
        return dynamoDb.queryPaginator(request).items().stream().map(DynamoDbPredictionLogReader::parse);
    }

    /**
     * Drift's read: one version's rows (failed requests filtered out by DynamoDB), newest first, the inputs and
     * output projected, page by page until {@code lastRows} rows were seen.
     */
    @Override
    public Stream<PredictionRecord> rows(ModelRef version, Instant from, Instant to, int lastRows) {
        var names = new LinkedHashMap<String, String>();
        var values = new LinkedHashMap<String, AttributeValue>();
        names.put("#pk", PredictionLogSchema.PK);
        names.put("#sk", PredictionLogSchema.SK);
        names.put("#error", PredictionLogSchema.ERROR);
        values.put(":partition", AttributeValue.fromS(PredictionLogSchema.partitionKey(version.name(), version.version())));
        values.put(":from", AttributeValue.fromS(PredictionLogSchema.SORTABLE_TIME.format(from)));
        // [from, to): every sk is <time>#..., so the bare time "to" sorts below any item logged at that instant
        values.put(":to", AttributeValue.fromS(PredictionLogSchema.SORTABLE_TIME.format(to)));
        PredictionLogSchema.ROW_ATTRIBUTES.forEach(name -> names.put("#" + name, name));
        var request = QueryRequest.builder().tableName(table).scanIndexForward(false)
                .keyConditionExpression("#pk = :partition AND #sk BETWEEN :from AND :to")
                .filterExpression("attribute_not_exists(#error)")
                .projectionExpression(String.join(", ", PredictionLogSchema.ROW_ATTRIBUTES.stream().map(name -> "#" + name).toList()))
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .limit(Math.min(lastRows, ROWS_PAGE))
                .build();
        return dynamoDb.queryPaginator(request).items().stream().map(DynamoDbPredictionLogReader::parse).limit(lastRows);
    }

    /** Items per Query page of {@link #rows}: DynamoDB's 1 MB page usually ends first (~1–2 KB per item). */
    static final int ROWS_PAGE = 1000;

    private QueryRequest.Builder baseRequest(PredictionQuery query, boolean withoutInputs) {
        var names = new LinkedHashMap<String, String>();
        var values = new LinkedHashMap<String, AttributeValue>();
        names.put("#sk", PredictionLogSchema.SK);
        values.put(":from", AttributeValue.fromS(PredictionLogSchema.SORTABLE_TIME.format(query.from())));
        values.put(":to", AttributeValue.fromS(PredictionLogSchema.SORTABLE_TIME.format(query.to())));
        var builder = QueryRequest.builder().tableName(table).scanIndexForward(false);
        if (query.allVersions()) {
            names.put("#model", PredictionLogSchema.MODEL);
            values.put(":partition", AttributeValue.fromS(query.model()));
            builder.indexName(BY_MODEL_INDEX).keyConditionExpression("#model = :partition AND #sk BETWEEN :from AND :to");
        } else {
            names.put("#pk", PredictionLogSchema.PK);
            values.put(":partition", AttributeValue.fromS(PredictionLogSchema.partitionKey(query.model(), query.version())));
            builder.keyConditionExpression("#pk = :partition AND #sk BETWEEN :from AND :to");
        }
        if (withoutInputs) {
            // inputs are most of an item's bytes and stats never look at them
            var projected = PredictionLogSchema.OUTCOME_ATTRIBUTES;
            projected.forEach(name -> names.put("#" + name, name));
            builder.projectionExpression(String.join(", ", projected.stream().map(name -> "#" + name).toList()));
        }
        return builder.expressionAttributeNames(names).expressionAttributeValues(values);
    }

    private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item, boolean index) {
        var key = new LinkedHashMap<String, AttributeValue>();
        if (index) {
            key.put(PredictionLogSchema.MODEL, item.get(PredictionLogSchema.MODEL));
        }
        key.put(PredictionLogSchema.PK, item.get(PredictionLogSchema.PK));
        key.put(PredictionLogSchema.SK, item.get(PredictionLogSchema.SK));
        return key;
    }

    /**
     * @param item a prediction log item
     * @return it as a prediction record; missing or odd attributes become empty values, not errors
     */
    static PredictionRecord parse(Map<String, AttributeValue> item) {
        var values = new LinkedHashMap<String, Object>();
        item.forEach((name, value) -> values.put(name, AttributeValues.toJava(value)));
        return new PredictionRecord(
                new ModelRef(string(values.get(PredictionLogSchema.MODEL)), string(values.get(PredictionLogSchema.VERSION))),
                string(values.get(PredictionLogSchema.REQUEST_ID)),
                values.get(PredictionLogSchema.ROW) instanceof Number n ? n.intValue() : 0,
                timestamp(values),
                map(values.get(PredictionLogSchema.INPUTS), Map.of()),
                map(values.get(PredictionLogSchema.OUTPUT), null),
                values.get(PredictionLogSchema.LATENCY_MS) instanceof Number n ? n.doubleValue() : 0.0,
                string(values.get(PredictionLogSchema.SOURCE)),
                string(values.get(PredictionLogSchema.ERROR)));
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    private static Map<String, Object> map(Object value, Map<String, Object> absent) {
        if (!(value instanceof Map<?, ?> m)) {
            return absent;
        }
        var out = new LinkedHashMap<String, Object>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static Instant timestamp(Map<String, Object> values) {
        for (var candidate : new Object[] {values.get(PredictionLogSchema.TS), values.get(PredictionLogSchema.SK)}) {
            if (candidate instanceof String s && s.length() >= 24) {
                try {
                    return Instant.parse(s.substring(0, 24));
                } catch (DateTimeParseException e) {
                    // try the next one
                }
            }
        }
        return Instant.EPOCH;
    }

    private static String errorCode(DynamoDbException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }
}
