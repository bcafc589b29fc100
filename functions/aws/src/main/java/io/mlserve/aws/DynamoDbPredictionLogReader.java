package io.mlserve.aws;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.logquery.LogPage;
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
public final class DynamoDbPredictionLogReader implements PredictionLogReader {
    /** The GSI used when no version is given. */
    public static final String BY_MODEL_INDEX = "byModel";

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

    private QueryRequest.Builder baseRequest(PredictionQuery query, boolean withoutInputs) {
        var names = new LinkedHashMap<String, String>();
        var values = new LinkedHashMap<String, AttributeValue>();
        names.put("#sk", "sk");
        values.put(":from", AttributeValue.fromS(DynamoDbPredictionLog.SORTABLE_TIME.format(query.from())));
        values.put(":to", AttributeValue.fromS(DynamoDbPredictionLog.SORTABLE_TIME.format(query.to())));
        var builder = QueryRequest.builder().tableName(table).scanIndexForward(false);
        if (query.allVersions()) {
            names.put("#model", "model");
            values.put(":partition", AttributeValue.fromS(query.model()));
            builder.indexName(BY_MODEL_INDEX).keyConditionExpression("#model = :partition AND #sk BETWEEN :from AND :to");
        } else {
            names.put("#pk", "pk");
            values.put(":partition", AttributeValue.fromS(DynamoDbPredictionLog.partitionKey(query.model(), query.version())));
            builder.keyConditionExpression("#pk = :partition AND #sk BETWEEN :from AND :to");
        }
        if (withoutInputs) {
            // inputs are most of an item's bytes and stats never look at them
            var projected = List.of("model", "version", "requestId", "row", "ts", "output", "error", "latencyMs", "source");
            projected.forEach(name -> names.put("#" + name, name));
            builder.projectionExpression(String.join(", ", projected.stream().map(name -> "#" + name).toList()));
        }
        return builder.expressionAttributeNames(names).expressionAttributeValues(values);
    }

    private static Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item, boolean index) {
        var key = new LinkedHashMap<String, AttributeValue>();
        if (index) {
            key.put("model", item.get("model"));
        }
        key.put("pk", item.get("pk"));
        key.put("sk", item.get("sk"));
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
                new ModelRef(string(values.get("model")), string(values.get("version"))),
                string(values.get("requestId")),
                values.get("row") instanceof Number n ? n.intValue() : 0,
                timestamp(values),
                map(values.get("inputs"), Map.of()),
                map(values.get("output"), null),
                values.get("latencyMs") instanceof Number n ? n.doubleValue() : 0.0,
                string(values.get("source")),
                string(values.get("error")));
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
        for (var candidate : new Object[] {values.get("ts"), values.get("sk")}) {
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
