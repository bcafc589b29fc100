package io.mlserve.aws;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.quality.LabelledRows;
import io.mlserve.core.store.LogShards;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * A version's labelled predictions from the sharded prediction log: one paginated Query per shard
 * ({@code pk = <model>#<version>#<shard>}, {@code sk} between the window's ends, failed requests filtered out),
 * projecting only the time, the output and {@code actual}. Every answered row in the window is counted; those with an
 * {@code actual} (written by feedback) are returned.
 *
 * <p>N.B. DynamoDB charges a Query for the whole items it reads, projection or not: a check costs about one read unit
 * per 4 KB of the window's items (an item is typically 0.5–2 KB), labelled or not.
 */
public final class DynamoDbLabelledRows implements LabelledRows {
    private static final List<String> ATTRIBUTES =
            List.of(PredictionLogSchema.SK, PredictionLogSchema.TS, PredictionLogSchema.OUTPUT, PredictionLogSchema.ACTUAL);

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final LogShards shards;

    /**
     * @param dynamoDb client
     * @param table the prediction log table
     * @param shards each version's shard count
     */
    public DynamoDbLabelledRows(DynamoDbClient dynamoDb, String table, LogShards shards) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.shards = shards;
    }

    @Override
    public Window labelled(ModelRef version, Instant from, Instant to) {
        long predictions = 0;
        var labelled = new ArrayList<LabelledRow>();
        int count = shards.shards(version);
        for (int shard = 0; shard < count; shard++) {
            var names = new LinkedHashMap<String, String>();
            var values = new LinkedHashMap<String, AttributeValue>();
            names.put("#pk", PredictionLogSchema.PK);
            names.put("#error", PredictionLogSchema.ERROR);
            ATTRIBUTES.forEach(name -> names.put("#" + name, name));
            values.put(":partition", AttributeValue.fromS(PredictionLogSchema.partitionKey(version.name(), version.version(), shard)));
            values.put(":from", AttributeValue.fromS(PredictionLogSchema.SORTABLE_TIME.format(from)));
            // [from, to): every sk is <time>#..., so the bare time "to" sorts below any item logged at that instant
            values.put(":to", AttributeValue.fromS(PredictionLogSchema.SORTABLE_TIME.format(to)));
            var request = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#pk = :partition AND #sk BETWEEN :from AND :to")
                    .filterExpression("attribute_not_exists(#error)")
                    .projectionExpression(String.join(", ", ATTRIBUTES.stream().map(name -> "#" + name).toList()))
                    .expressionAttributeNames(names).expressionAttributeValues(values).build();
            for (var item : dynamoDb.queryPaginator(request).items()) {
                predictions++;
                var actual = item.get(PredictionLogSchema.ACTUAL);
                if (actual == null) {
                    continue;
                }
                Object value = actual.n() != null ? (Object) Double.valueOf(actual.n()) : actual.s();
                if (value == null) {
                    continue;
                }
                labelled.add(new LabelledRow(timestamp(item), output(item.get(PredictionLogSchema.OUTPUT)), value));
            }
        }
        labelled.sort(Comparator.comparing(LabelledRow::timestamp));
        return new Window(predictions, labelled);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> output(AttributeValue value) {
        return value != null && AttributeValues.toJava(value) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    private static Instant timestamp(Map<String, AttributeValue> item) {
        for (var name : List.of(PredictionLogSchema.TS, PredictionLogSchema.SK)) {
            var value = item.get(name);
            if (value != null && value.s() != null && value.s().length() >= 24) {
                try {
                    return Instant.parse(value.s().substring(0, 24));
                } catch (DateTimeParseException e) {
                    // try the next one
                }
            }
        }
        return Instant.EPOCH;
    }
}
