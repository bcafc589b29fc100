package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.logquery.PredictionQuery;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionId;
import io.mlserve.core.store.PredictionRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The legacy → sharded rewrite over an in-memory table: what moves where, idempotence, what is never overwritten. */
class PredictionLogMigrationTest {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private final InMemoryLogTable table = new InMemoryLogTable();
    /** v1 was registered before sharding (1 shard); v2 with 4. */
    private final LogShards shards = version -> version.version().equals("2") ? 4 : 1;

    /** An item exactly as the writer wrote it before sharding (the IT writes these too). */
    static Map<String, AttributeValue> legacyItem(String version, String requestId, int row, Instant at) {
        var ts = PredictionLogSchema.SORTABLE_TIME.format(at);
        var item = new HashMap<String, AttributeValue>();
        item.put("pk", AttributeValue.fromS("iris#" + version));
        item.put("sk", AttributeValue.fromS(ts + "#" + requestId + "#" + String.format("%05d", row)));
        item.put("model", AttributeValue.fromS("iris"));
        item.put("version", AttributeValue.fromS(version));
        item.put("requestId", AttributeValue.fromS(requestId));
        item.put("row", AttributeValue.fromN(Integer.toString(row)));
        item.put("ts", AttributeValue.fromS(ts));
        item.put("inputs", AttributeValues.of(Map.of("x", 1.5)));
        item.put("output", AttributeValues.of(Map.of("label", "setosa")));
        item.put("latencyMs", AttributeValue.fromN("2.5"));
        item.put("source", AttributeValue.fromS("api"));
        item.put("expiresAt", AttributeValue.fromN("1790000000"));
        return item;
    }

    @Test
    void run_shouldMoveEveryLegacyItemIntoItsShard_andBeANoOpTheSecondTime() {
        // GIVEN 30 legacy rows of v1 and 20 of v2
        for (int i = 0; i < 30; i++) {
            table.put(legacyItem("1", "r" + i / 3, i % 3, T0.plusSeconds(i)));
        }
        for (int i = 0; i < 20; i++) {
            table.put(legacyItem("2", "s" + i, 0, T0.plusSeconds(i)));
        }
        table.pageItems = 7; // several scan pages

        // WHEN migrated
        var result = new PredictionLogMigration(table, "predictions", shards).run(1, false);

        // THEN every item moved: v1 to shard 0, v2 over its 4 shards by request and row; no legacy item is left
        assertThat(result.legacy()).isEqualTo(50);
        assertThat(result.migrated()).isEqualTo(50);
        assertThat(result.failed()).isZero();
        assertThat(table.items.values()).hasSize(50).allSatisfy(item -> {
            assertThat(item).doesNotContainKey("model").containsKeys("shard", "modelShard", "expiresAt", "inputs");
            var version = item.get("version").s();
            int shard = LogShards.shardOf(item.get("requestId").s(), Integer.parseInt(item.get("row").n()), version.equals("2") ? 4 : 1);
            assertThat(item.get("pk").s()).isEqualTo("iris#" + version + "#" + shard);
            assertThat(item.get("modelShard").s()).isEqualTo("iris#" + shard);
        });
        // the reader sees all of them, and an old row's predictionId names its new key
        var reader = new DynamoDbPredictionLogReader(table, "predictions", shards);
        try (var v1 = reader.outcomes(new PredictionQuery("iris", "1", T0, T0.plusSeconds(3600), 100, null, true, true))) {
            assertThat(v1.count()).isEqualTo(30);
        }
        var record = new PredictionRecord(new ModelRef("iris", "2"), "s7", 0, T0.plusSeconds(7), Map.of(), null, 0, "api", null);
        var id = PredictionId.of(record, 4);
        assertThat(table.items).containsKey(PredictionLogSchema.partitionKey("iris", "2", id.shard()) + "\u0000" + PredictionLogSchema.sortKey(record));

        // AND a second run finds nothing to do
        var again = new PredictionLogMigration(table, "predictions", shards).run(1, false);
        assertThat(again.legacy()).isZero();
        assertThat(again.scanned()).isEqualTo(50);
    }

    @Test
    void run_shouldKeepTheShardedCopy_whenAnInterruptedRunLeftBoth() {
        // GIVEN a legacy item whose sharded copy exists already and has since been given feedback
        var old = legacyItem("1", "r1", 0, T0);
        table.put(old);
        var copy = new HashMap<>(PredictionLogMigration.sharded(old, 1));
        copy.put("actual", AttributeValue.fromS("virginica"));
        table.put(copy);

        var result = new PredictionLogMigration(table, "predictions", shards).run(1, false);

        assertThat(result.alreadyMigrated()).isEqualTo(1);
        assertThat(table.items.values()).singleElement().satisfies(item -> assertThat(item.get("actual").s()).isEqualTo("virginica"));
    }

    @Test
    void run_shouldChangeNothing_whenDryRun() {
        table.put(legacyItem("1", "r1", 0, T0));

        var result = new PredictionLogMigration(table, "predictions", shards).run(1, true);

        assertThat(result.legacy()).isEqualTo(1);
        assertThat(result.migrated()).isZero();
        assertThat(table.items.values()).singleElement().satisfies(item -> assertThat(item.get("pk").s()).isEqualTo("iris#1"));
    }
}
