package io.mlserve.aws;

import io.mlserve.core.training.TrainingTriggers;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The last drift-triggered training start, one item per model in the registry table beside its spec:
 * {@code pk = MODEL#<name>}, {@code sk = TRAINING_TRIGGERS}, attributes {@code lastDriftStartAt} (epoch millis; absent
 * when no drift start stands), {@code lastDriftStartIso} (the same, readable) and {@code claimId}. A claim is a PutItem
 * conditional on {@code lastDriftStartAt} being absent or old enough, returning the old item; a release is a PutItem
 * conditional on the claim id. Only PutItem and GetItem: the rights the train function already has on the table.
 *
 * <p>N.B. the registry's reads never see this item: the model list scans for the {@code MODEL} marker only, versions
 * and the audit trail are read by their {@code sk} prefixes.
 */
public final class DynamoDbTrainingTriggers implements TrainingTriggers {
    static final String SK_TRIGGERS = "TRAINING_TRIGGERS";
    private static final String LAST = "lastDriftStartAt";

    private final DynamoDbClient dynamoDb;
    private final String table;

    /**
     * @param dynamoDb client
     * @param table registry table name
     */
    public DynamoDbTrainingTriggers(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Claim claimDriftStart(String model, String claimId, Instant now, Instant notBefore) {
        // two tries: a record released between our put and our read leaves nothing to report, so claim it then
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                var old = dynamoDb.putItem(b -> b.tableName(table).item(item(model, claimId, now))
                        .conditionExpression("attribute_not_exists(" + LAST + ") OR " + LAST + " <= :notBefore")
                        .expressionAttributeValues(Map.of(":notBefore", millis(notBefore)))
                        .returnValues(ReturnValue.ALL_OLD)).attributes();
                return new Claim(true, last(old));
            } catch (ConditionalCheckFailedException e) {
                var held = dynamoDb.getItem(b -> b.tableName(table).key(key(model)).consistentRead(true)).item();
                var last = last(held);
                if (last != null && last.isAfter(notBefore)) {
                    return new Claim(false, last);
                }
            }
        }
        throw new IllegalStateException("the training triggers record of '" + model + "' changes too fast to be claimed");
    }

    @Override
    public void releaseDriftStart(String model, String claimId, Instant previous) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item(model, null, previous)).conditionExpression("claimId = :claim")
                    .expressionAttributeValues(Map.of(":claim", AttributeValue.fromS(claimId))));
        } catch (ConditionalCheckFailedException e) {
            // another claim replaced ours: its start stands
        }
    }

    private static Map<String, AttributeValue> item(String model, String claimId, Instant startedAt) {
        var item = new HashMap<>(key(model));
        if (startedAt != null) {
            item.put(LAST, millis(startedAt));
            item.put("lastDriftStartIso", AttributeValue.fromS(startedAt.toString()));
        }
        if (claimId != null) {
            item.put("claimId", AttributeValue.fromS(claimId));
        }
        return item;
    }

    private static Instant last(Map<String, AttributeValue> item) {
        if (item == null || !item.containsKey(LAST)) {
            return null;
        }
        return Instant.ofEpochMilli(Long.parseLong(item.get(LAST).n()));
    }

    private static AttributeValue millis(Instant instant) {
        return AttributeValue.fromN(Long.toString(instant.toEpochMilli()));
    }

    private static Map<String, AttributeValue> key(String model) {
        return Map.of("pk", AttributeValue.fromS("MODEL#" + model), "sk", AttributeValue.fromS(SK_TRIGGERS));
    }
}
