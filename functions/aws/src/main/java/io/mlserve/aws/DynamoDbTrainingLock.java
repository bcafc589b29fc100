package io.mlserve.aws;

import io.mlserve.core.training.TrainingLock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * One training job per model: a lock item in the jobs table, {@code pk = LOCK#train#<model>}, {@code sk = LOCK},
 * attributes {@code jobId} and {@code acquiredAt} (epoch millis). Taking it is a conditional put (no item, or one
 * older than {@link #STALE_AFTER}); releasing it is a delete conditional on the job id, so a job can never release
 * its successor's lock.
 *
 * <p>N.B. lock items carry none of the jobs indexes' key attributes ({@code model}, {@code kind}, {@code startedAt}),
 * so they never appear in {@code GET /jobs}; {@code sk = LOCK} is never a job's {@code JOB}, so no job read finds them.
 */
public final class DynamoDbTrainingLock implements TrainingLock {
    /** Longer than the train state machine's time limit: a lock this old belongs to a job that died without releasing it. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(60);
    static final String SK_LOCK = "LOCK";

    private final DynamoDbClient dynamoDb;
    private final String table;

    /**
     * @param dynamoDb client
     * @param table jobs table name
     */
    public DynamoDbTrainingLock(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Optional<String> acquire(String model, String jobId, Instant now) {
        var item = new java.util.HashMap<>(key(model));
        item.put("jobId", AttributeValue.fromS(jobId));
        item.put("acquiredAt", AttributeValue.fromN(Long.toString(now.toEpochMilli())));
        // two tries: a holder that releases between our put and our read leaves nothing to report, so take it then
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                dynamoDb.putItem(b -> b.tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(pk) OR acquiredAt < :stale")
                        .expressionAttributeValues(Map.of(":stale",
                                AttributeValue.fromN(Long.toString(now.minus(STALE_AFTER).toEpochMilli())))));
                return Optional.empty();
            } catch (ConditionalCheckFailedException e) {
                var held = dynamoDb.getItem(b -> b.tableName(table).key(key(model)).consistentRead(true)).item();
                if (held != null && held.containsKey("jobId")) {
                    return Optional.of(held.get("jobId").s());
                }
            }
        }
        throw new IllegalStateException("the training lock of '" + model + "' changes too fast to be taken");
    }

    @Override
    public void release(String model, String jobId) {
        try {
            dynamoDb.deleteItem(b -> b.tableName(table).key(key(model)).conditionExpression("jobId = :job")
                    .expressionAttributeValues(Map.of(":job", AttributeValue.fromS(jobId))));
        } catch (ConditionalCheckFailedException e) {
            // not (or no longer) this job's lock: nothing to release
        }
    }

    private static Map<String, AttributeValue> key(String model) {
        return Map.of("pk", AttributeValue.fromS("LOCK#train#" + model), "sk", AttributeValue.fromS(SK_LOCK));
    }
}
