package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.feedback.Actual;
import io.mlserve.core.feedback.FeedbackStore.Kind;
import io.mlserve.core.feedback.Label;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.PredictionId;
import io.mlserve.core.store.PredictionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The feedback store against the emulator's DynamoDB (skipped when none runs), on items written by the real
 * {@link DynamoDbPredictionLog} over four shards: the ids a prediction answers find exactly those items, and the
 * conditional update records once, tells a duplicate from a conflict, and never touches a failed request's item.
 */
class DynamoDbFeedbackStoreIT {
    private static final Instant T0 = Instant.now().minusSeconds(60);
    private static final String TABLE = "tmp-feedback-" + UUID.randomUUID().toString().substring(0, 8);
    private static final ModelRef IRIS = new ModelRef("iris", "1");
    private static final ModelRef PRICE = new ModelRef("price", "2");
    private static DynamoDbClient dynamoDb;
    private static final List<PredictionRecord> rows = new ArrayList<>();

    @BeforeAll
    static void createTableAndLog() {
        var endpoint = EmulatorFixture.endpoint();
        dynamoDb = EmulatorFixture.dynamoDb(endpoint);
        EmulatorFixture.createKeyTable(dynamoDb, TABLE);
        for (int i = 0; i < 6; i++) {
            rows.add(new PredictionRecord(IRIS, "req-a", i, T0, Map.of("x", 1.0), Map.of("label", "setosa"), 1, "api", null));
        }
        rows.add(new PredictionRecord(PRICE, "req-b", 0, T0, Map.of("x", 1.0), Map.of("value", 3.5), 1, "api", null));
        rows.add(new PredictionRecord(IRIS, "req-c", 0, T0, Map.of(), null, 1, "api", "INFERENCE_FAILED"));
        var written = new DynamoDbPredictionLog(dynamoDb, TABLE, Duration.ofDays(30), v -> 4).write(rows);
        assertThat(written.complete()).isTrue();
    }

    @AfterAll
    static void deleteTable() {
        if (dynamoDb != null) {
            dynamoDb.deleteTable(b -> b.tableName(TABLE));
        }
    }

    private static PredictionId id(int row) {
        return PredictionId.of(rows.get(row), 4);
    }

    private static Label label(int row, String actual) {
        return new Label(id(row), new Actual.ClassLabel(actual), null);
    }

    @Test
    void record_shouldWriteOnce_tellDuplicatesFromConflicts_andFindOnlyPredictedRows() {
        // GIVEN
        var store = new DynamoDbFeedbackStore(dynamoDb, TABLE, 4);
        var now = Instant.now();
        var observed = Instant.parse("2026-12-01T08:00:00Z");
        var missing = new PredictionId(IRIS, id(0).shard(), T0, "req-none", 0);

        // WHEN
        var first = store.record(List.of(label(0, "setosa"), label(1, "virginica"), new Label(id(2), new Actual.ClassLabel("setosa"),
                observed), new Label(id(6), new Actual.Value(4.25), null), label(7, "setosa"),
                new Label(missing, new Actual.ClassLabel("setosa"), null)), now);
        var second = store.record(List.of(label(0, "setosa"), label(1, "setosa"), new Label(id(6), new Actual.Value(4.25), null),
                new Label(id(6), new Actual.Value(4.5), null)), now.plusSeconds(5));

        // THEN
        assertThat(first).extracting(o -> o.kind()).containsExactly(Kind.RECORDED, Kind.RECORDED, Kind.RECORDED, Kind.RECORDED,
                Kind.NOT_FOUND, Kind.NOT_FOUND);
        assertThat(second).extracting(o -> o.kind()).containsExactly(Kind.DUPLICATE, Kind.CONFLICT, Kind.DUPLICATE, Kind.CONFLICT);
        assertThat(second.get(1).detail()).isEqualTo("virginica");
        var row0 = item(id(0));
        assertThat(row0.get(PredictionLogSchema.ACTUAL).s()).isEqualTo("setosa");
        assertThat(row0.get(PredictionLogSchema.LABELLED_AT).s()).isEqualTo(PredictionLogSchema.SORTABLE_TIME.format(now));
        assertThat(row0).containsKeys(PredictionLogSchema.INPUTS, PredictionLogSchema.OUTPUT).doesNotContainKey(PredictionLogSchema.OBSERVED_AT);
        assertThat(item(id(1)).get(PredictionLogSchema.ACTUAL).s()).isEqualTo("virginica");
        assertThat(item(id(2)).get(PredictionLogSchema.OBSERVED_AT).s()).isEqualTo("2026-12-01T08:00:00Z");
        assertThat(item(id(6)).get(PredictionLogSchema.ACTUAL).n()).isEqualTo("4.25");
        assertThat(item(id(7))).doesNotContainKey(PredictionLogSchema.ACTUAL);
        assertThat(item(missing)).isEmpty(); // no item was created for an unknown id
        assertThat(item(id(3))).doesNotContainKey(PredictionLogSchema.ACTUAL);
    }

    private static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item(PredictionId id) {
        return dynamoDb.getItem(b -> b.tableName(TABLE).key(DynamoDbFeedbackStore.key(id)).consistentRead(true)).item();
    }
}
