package io.mlserve.aws;

import io.mlserve.core.feedback.Actual;
import io.mlserve.core.feedback.FeedbackStore;
import io.mlserve.core.feedback.Label;
import io.mlserve.core.store.PredictionId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Feedback in the prediction log: one conditional UpdateItem per label on the row's own item (key from its
 * {@link PredictionId}: {@code pk = <model>#<version>#<shard>}, {@code sk = <time>#<requestId>#<row>}), setting
 * {@value PredictionLogSchema#ACTUAL} (S for a class label, N for a value), {@value PredictionLogSchema#LABELLED_AT} and
 * {@value PredictionLogSchema#OBSERVED_AT}. The condition — the item exists, is not a failed request's item and has no
 * actual — makes it write once and never overwrite; on a refusal the old item
 * ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}) tells a missing row from a duplicate from a conflict.
 * Labels of one call are written in parallel (UpdateItem has no batch form).
 */
public final class DynamoDbFeedbackStore implements FeedbackStore {
    /** Condition of a first write. */
    static final String CONDITION = "attribute_exists(#pk) AND attribute_not_exists(#error) AND attribute_not_exists(#actual)";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final ExecutorService writers;

    /**
     * @param dynamoDb client
     * @param table the predictions table
     * @param parallelism UpdateItem calls in flight at once
     */
    public DynamoDbFeedbackStore(DynamoDbClient dynamoDb, String table, int parallelism) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.writers = Executors.newFixedThreadPool(parallelism, runnable -> {
            var thread = new Thread(runnable, "feedback-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * @param id a prediction id
     * @return the key of its log item
     */
    public static Map<String, AttributeValue> key(PredictionId id) {
        return Map.of(PredictionLogSchema.PK, AttributeValue.fromS(PredictionLogSchema.partitionKey(id.model().name(),
                        id.model().version(), id.shard())),
                PredictionLogSchema.SK, AttributeValue.fromS(PredictionLogSchema.rowSortKey(id.timestamp(), id.requestId(), id.row())));
    }

    /**
     * @param actual an actual
     * @return its attribute value: S for a class label, N for a value
     */
    public static AttributeValue attribute(Actual actual) {
        return switch (actual) {
            case Actual.ClassLabel l -> AttributeValue.fromS(l.label());
            case Actual.Value v -> AttributeValue.fromN(Double.toString(v.value()));
        };
    }

    @Override
    public List<Outcome> record(List<Label> labels, Instant labelledAt) {
        if (labels.size() == 1) {
            return List.of(recordOne(labels.get(0), labelledAt));
        }
        var futures = new ArrayList<Future<Outcome>>(labels.size());
        for (var label : labels) {
            futures.add(writers.submit(() -> recordOne(label, labelledAt)));
        }
        var out = new ArrayList<Outcome>(labels.size());
        for (var future : futures) {
            try {
                out.add(future.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.add(new Outcome(Kind.FAILED, "interrupted"));
            } catch (ExecutionException e) {
                out.add(new Outcome(Kind.FAILED, String.valueOf(e.getCause())));
            }
        }
        return out;
    }

    private Outcome recordOne(Label label, Instant labelledAt) {
        var names = new HashMap<String, String>();
        names.put("#pk", PredictionLogSchema.PK);
        names.put("#error", PredictionLogSchema.ERROR);
        names.put("#actual", PredictionLogSchema.ACTUAL);
        names.put("#labelledAt", PredictionLogSchema.LABELLED_AT);
        var values = new HashMap<String, AttributeValue>();
        values.put(":actual", attribute(label.actual()));
        values.put(":labelledAt", AttributeValue.fromS(PredictionLogSchema.SORTABLE_TIME.format(labelledAt)));
        var update = new StringBuilder("SET #actual = :actual, #labelledAt = :labelledAt");
        if (label.observedAt() != null) {
            names.put("#observedAt", PredictionLogSchema.OBSERVED_AT);
            values.put(":observedAt", AttributeValue.fromS(label.observedAt().toString()));
            update.append(", #observedAt = :observedAt");
        }
        var key = key(label.prediction());
        try {
            dynamoDb.updateItem(b -> b.tableName(table).key(key).updateExpression(update.toString()).conditionExpression(CONDITION)
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Outcome.of(Kind.RECORDED);
        } catch (ConditionalCheckFailedException e) {
            try {
                // the old item normally comes with the refusal; an emulator that omits it costs one consistent read
                var old = e.hasItem() && !e.item().isEmpty() ? e.item()
                        : dynamoDb.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
                return refusal(old, label.actual());
            } catch (SdkException read) {
                return new Outcome(Kind.FAILED, read.getClass().getSimpleName() + ": " + read.getMessage());
            }
        } catch (SdkException e) {
            return new Outcome(Kind.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Why the condition failed, from the item as it was. */
    static Outcome refusal(Map<String, AttributeValue> old, Actual actual) {
        if (old == null || old.isEmpty() || old.containsKey(PredictionLogSchema.ERROR)) {
            return Outcome.of(Kind.NOT_FOUND);
        }
        var stored = old.get(PredictionLogSchema.ACTUAL);
        if (stored == null) {
            // the condition failed but the item is writable now (a concurrent change in between): report, don't guess
            return new Outcome(Kind.FAILED, "the row changed while being labelled; send the item again");
        }
        return same(stored, actual) ? Outcome.of(Kind.DUPLICATE) : new Outcome(Kind.CONFLICT, text(stored));
    }

    private static boolean same(AttributeValue stored, Actual actual) {
        return switch (actual) {
            case Actual.ClassLabel l -> l.label().equals(stored.s());
            case Actual.Value v -> stored.n() != null && new BigDecimal(stored.n()).compareTo(new BigDecimal(Double.toString(v.value()))) == 0;
        };
    }

    private static String text(AttributeValue value) {
        return value.s() != null ? value.s() : value.n() != null ? value.n() : String.valueOf(value);
    }
}
