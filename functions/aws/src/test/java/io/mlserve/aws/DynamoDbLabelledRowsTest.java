package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Labelled rows over an in-memory table written by the real (sharded) writer: every shard read, counts exact. */
class DynamoDbLabelledRowsTest {
    private static final Instant FROM = Instant.parse("2026-12-04T10:00:00Z");
    private static final ModelRef V1 = new ModelRef("iris", "1");

    private final InMemoryLogTable table = new InMemoryLogTable();
    private final LogShards shards = new LogShards() {
        @Override
        public int shards(ModelRef version) {
            return 4;
        }

        @Override
        public int maxShards(String model) {
            return 4;
        }
    };

    @Test
    void labelled_shouldCountEveryAnsweredRowOfEveryShard_andReturnTheLabelledOnes() {
        // GIVEN 60 requests of 2 rows (every 10th request failed), an hour apart by minute; then actuals on rows of 3 in 4
        // requests, a label (S) or, on row 1, a number (N)
        var writer = new DynamoDbPredictionLog(table, "predictions", Duration.ofDays(30), shards);
        var records = new ArrayList<PredictionRecord>();
        for (int r = 0; r < 60; r++) {
            var at = FROM.plus(Duration.ofMinutes(r));
            if (r % 10 == 9) {
                records.add(new PredictionRecord(V1, "req-" + r, 0, at, Map.of(), null, 1.0, "api", "INFERENCE_FAILED"));
                continue;
            }
            for (int row = 0; row < 2; row++) {
                records.add(new PredictionRecord(V1, "req-" + r, row, at, Map.of("x", 1.0), Map.of("label", "a", "probabilities",
                        Map.of("a", 0.7, "b", 0.3)), 1.0, "api", null));
            }
        }
        assertThat(writer.write(records).complete()).isTrue();
        var partitions = new HashSet<String>();
        int labelled = 0;
        for (var item : table.scan(b -> b.tableName("predictions")).items()) {
            partitions.add(item.get("pk").s());
            var requestId = item.get("requestId").s();
            int r = Integer.parseInt(requestId.substring(4));
            if (!item.containsKey("error") && r % 4 != 0 && r < 30) {
                var withActual = new HashMap<>(item);
                withActual.put("actual", item.get("row").n().equals("0") ? AttributeValue.fromS("b") : AttributeValue.fromN("2.5"));
                table.putItem(b -> b.tableName("predictions").item(withActual));
                labelled++;
            }
        }
        assertThat(partitions).as("rows spread over the shards").hasSize(4);

        // WHEN the first half hour is read, in pages of 5 items
        table.pageItems = 5;
        var window = new DynamoDbLabelledRows(table, "predictions", shards).labelled(V1, FROM, FROM.plus(Duration.ofMinutes(30)));

        // THEN 27 answered requests × 2 rows, failed ones not counted; labelled ones oldest first with their actual's type
        assertThat(window.predictions()).isEqualTo(27 * 2);
        assertThat(window.labelled()).hasSize(labelled).isNotEmpty();
        assertThat(window.labelled()).isSortedAccordingTo(java.util.Comparator.comparing(r -> r.timestamp()));
        assertThat(window.labelled()).allSatisfy(r -> {
            assertThat(r.output()).containsEntry("label", "a");
            assertThat(r.actual()).isIn("b", 2.5);
            assertThat(r.timestamp()).isBetween(FROM, FROM.plus(Duration.ofMinutes(30)));
        });
        assertThat(table.queries).hasSizeGreaterThan(4).allSatisfy(q -> assertThat(q.projectionExpression()).doesNotContain("inputs"));
    }
}
