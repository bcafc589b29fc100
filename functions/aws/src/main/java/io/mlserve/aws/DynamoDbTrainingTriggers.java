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
 * The last training start per signal, one item per model and signal in the registry table beside its spec:
 * {@code pk = MODEL#<name>}, {@code sk = TRAINING_TRIGGERS} (drift) or {@code TRAINING_TRIGGERS#quality}, attributes
 * {@code last<Signal>StartAt} (epoch millis; absent when no start stands), {@code last<Signal>StartIso} (the same,
 * readable) and {@code claimId}. A claim is a PutItem
 * conditional on {@code lastDriftStartAt} being absent or old enough, returning the old item; a release is a PutItem
 * conditional on the claim id. Only PutItem and GetItem: the rights the train function already has on the table.
 *
 * <p>N.B. the registry's reads never see this item: the model list scans for the {@code MODEL} marker only, versions
 * and the audit trail are read by their {@code sk} prefixes.
 */
public final class DynamoDbTrainingTriggers implements TrainingTriggers {
    static final String SK_TRIGGERS = "TRAINING_TRIGGERS";

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
    public Claim claimStart(String signal, String model, String claimId, Instant now, Instant notBefore) {
        var last = last(signal);
        // two tries: a record released between our put and our read leaves nothing to report, so claim it then
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                var old = dynamoDb.putItem(b -> b.tableName(table).item(item(signal, model, claimId, now))
                        .conditionExpression("attribute_not_exists(" + last + ") OR " + last + " <= :notBefore")
                        .expressionAttributeValues(Map.of(":notBefore", millis(notBefore)))
                        .returnValues(ReturnValue.ALL_OLD)).attributes();
                return new Claim(true, lastStart(old, last));
            } catch (ConditionalCheckFailedException e) {
                var held = dynamoDb.getItem(b -> b.tableName(table).key(key(signal, model)).consistentRead(true)).item();
                var heldStart = lastStart(held, last);
                if (heldStart != null && heldStart.isAfter(notBefore)) {
                    return new Claim(false, heldStart);
                }
            }
        }
        throw new IllegalStateException("the training triggers record of '" + model + "' changes too fast to be claimed");
    }

    @Override
    public void releaseStart(String signal, String model, String claimId, Instant previous) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item(signal, model, null, previous)).conditionExpression("claimId = :claim")
                    .expressionAttributeValues(Map.of(":claim", AttributeValue.fromS(claimId))));
        } catch (ConditionalCheckFailedException e) {
            // another claim replaced ours: its start stands
        }
    }

    private static Map<String, AttributeValue> item(String signal, String model, String claimId, Instant startedAt) {
        var item = new HashMap<>(key(signal, model));
        if (startedAt != null) {
            item.put(last(signal), millis(startedAt));
            item.put(last(signal).replace("At", "Iso"), AttributeValue.fromS(startedAt.toString()));
        }
        if (claimId != null) {
            item.put("claimId", AttributeValue.fromS(claimId));
        }
        return item;
    }

    private static Instant lastStart(Map<String, AttributeValue> item, String last) {
        if (item == null || !item.containsKey(last)) {
            return null;
        }
        return Instant.ofEpochMilli(Long.parseLong(item.get(last).n()));
    }

    /** {@code lastDriftStartAt}, {@code lastQualityStartAt}: drift's attribute name as it always was. */
    private static String last(String signal) {
        return "last" + Character.toUpperCase(signal.charAt(0)) + signal.substring(1) + "StartAt";
    }

    private static AttributeValue millis(Instant instant) {
        return AttributeValue.fromN(Long.toString(instant.toEpochMilli()));
    }

    private static Map<String, AttributeValue> key(String signal, String model) {
        // drift keeps the item it always had; every other signal gets its own, so PutItem never touches another's start
        return Map.of("pk", AttributeValue.fromS("MODEL#" + model),
                "sk", AttributeValue.fromS("drift".equals(signal) ? SK_TRIGGERS : SK_TRIGGERS + "#" + signal));
    }
}
