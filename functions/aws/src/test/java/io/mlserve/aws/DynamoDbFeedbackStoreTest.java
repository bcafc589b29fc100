package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.feedback.Actual;
import io.mlserve.core.feedback.FeedbackStore.Kind;
import io.mlserve.core.feedback.Label;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.PredictionId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** The request the store sends and how it reads a refusal, against a scripted DynamoDB. */
class DynamoDbFeedbackStoreTest {
    private static final PredictionId ID = new PredictionId(new ModelRef("iris", "1"), 3, Instant.parse("2026-12-04T10:00:00.007Z"),
            "req-1", 2);

    /** Refuses every update (with or without the old item) and answers GetItem with {@code stored}. */
    private static final class Refusing implements DynamoDbClient {
        final List<UpdateItemRequest> updates = new ArrayList<>();
        final Map<String, AttributeValue> stored;
        final boolean oldItemInRefusal;
        int gets;

        Refusing(Map<String, AttributeValue> stored, boolean oldItemInRefusal) {
            this.stored = stored;
            this.oldItemInRefusal = oldItemInRefusal;
        }

        @Override
        public UpdateItemResponse updateItem(UpdateItemRequest request) {
            updates.add(request);
            if (stored == null) {
                throw ProvisionedThroughputExceededException.builder().message("slow down").build();
            }
            var refusal = ConditionalCheckFailedException.builder().message("The conditional request failed");
            throw (oldItemInRefusal ? refusal.item(stored) : refusal).build();
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            gets++;
            assertThat(request.consistentRead()).isTrue();
            return GetItemResponse.builder().item(stored).build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    private static Kind record(Refusing db, Actual actual) {
        return new DynamoDbFeedbackStore(db, "log", 2).record(List.of(new Label(ID, actual, null)), Instant.now()).get(0).kind();
    }

    @Test
    void record_shouldSendOneConditionalUpdateOnTheRowsKey() {
        var db = new Refusing(Map.of("pk", AttributeValue.fromS("x"), "actual", AttributeValue.fromS("setosa")), true);

        record(db, new Actual.ClassLabel("setosa"));

        var request = db.updates.get(0);
        assertThat(request.key()).containsEntry("pk", AttributeValue.fromS("iris#1#3"))
                .containsEntry("sk", AttributeValue.fromS("2026-12-04T10:00:00.007Z#req-1#00002"));
        assertThat(request.conditionExpression()).isEqualTo(DynamoDbFeedbackStore.CONDITION);
        assertThat(request.returnValuesOnConditionCheckFailure()).isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        assertThat(request.updateExpression()).startsWith("SET #actual = :actual, #labelledAt = :labelledAt");
        assertThat(db.gets).isZero(); // the refusal carried the old item
    }

    @Test
    void record_shouldTellDuplicateConflictAndMissing_withOrWithoutTheOldItemInTheRefusal() {
        for (boolean inRefusal : List.of(true, false)) {
            var label = Map.of("pk", AttributeValue.fromS("x"), "actual", AttributeValue.fromS("setosa"));
            var value = Map.of("pk", AttributeValue.fromS("x"), "actual", AttributeValue.fromN("12.50"));
            var failedRequest = Map.of("pk", AttributeValue.fromS("x"), "error", AttributeValue.fromS("INFERENCE_FAILED"));

            assertThat(record(new Refusing(label, inRefusal), new Actual.ClassLabel("setosa"))).isEqualTo(Kind.DUPLICATE);
            assertThat(record(new Refusing(label, inRefusal), new Actual.ClassLabel("virginica"))).isEqualTo(Kind.CONFLICT);
            assertThat(record(new Refusing(value, inRefusal), new Actual.Value(12.5))).isEqualTo(Kind.DUPLICATE);
            assertThat(record(new Refusing(value, inRefusal), new Actual.Value(12.4))).isEqualTo(Kind.CONFLICT);
            assertThat(record(new Refusing(failedRequest, inRefusal), new Actual.ClassLabel("setosa"))).isEqualTo(Kind.NOT_FOUND);
            assertThat(record(new Refusing(Map.of(), inRefusal), new Actual.ClassLabel("setosa"))).isEqualTo(Kind.NOT_FOUND);
        }
    }

    @Test
    void record_shouldReportAStorageFailure_asFailedNotThrown() {
        var outcome = new DynamoDbFeedbackStore(new Refusing(null, false), "log", 2)
                .record(List.of(new Label(ID, new Actual.ClassLabel("a"), null), new Label(ID, new Actual.ClassLabel("b"), null)), Instant.now());

        assertThat(outcome).extracting(o -> o.kind()).containsExactly(Kind.FAILED, Kind.FAILED);
        assertThat(outcome.get(0).detail()).contains("ProvisionedThroughputExceededException");
    }
}
