package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.logquery.PredictionQuery;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code mlserve migrate-log}'s rewrite against the DynamoDB emulator ({@code AWS_ENDPOINT_URL}, default :4566;
 * skipped when it is not running): legacy items as the writer wrote them before sharding, mixed with new ones, become
 * readable through the sharded reader (version and model-wide), and a second run changes nothing.
 */
class PredictionLogMigrationIT {
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String TABLE = "tmp-migrate-" + UUID.randomUUID().toString().substring(0, 8);
    /** v1 registered before sharding; v2 after, with 4 shards. */
    private static final LogShards SHARDS = new LogShards() {
        @Override
        public int shards(ModelRef version) {
            return version.version().equals("2") ? 4 : 1;
        }

        @Override
        public int maxShards(String model) {
            return 4;
        }
    };
    private static DynamoDbClient dynamoDb;

    @BeforeAll
    static void createTable() {
        dynamoDb = EmulatorFixture.dynamoDb(EmulatorFixture.endpoint());
        EmulatorFixture.createLogTable(dynamoDb, TABLE);
    }

    @AfterAll
    static void deleteTable() {
        if (dynamoDb != null) {
            dynamoDb.deleteTable(b -> b.tableName(TABLE));
            dynamoDb.close();
        }
    }

    @Test
    void migration_shouldMakeLegacyRowsReadableOnceEach_andBeIdempotent() {
        // GIVEN 60 legacy rows (v1: 40, v2: 20) and 12 rows the sharded writer wrote since the deploy
        for (int i = 0; i < 40; i++) {
            var item = PredictionLogMigrationTest.legacyItem("1", "old-" + i / 4, i % 4, T0.plusSeconds(i));
            dynamoDb.putItem(b -> b.tableName(TABLE).item(item));
        }
        for (int i = 0; i < 20; i++) {
            var item = PredictionLogMigrationTest.legacyItem("2", "old2-" + i, 0, T0.plusSeconds(i));
            dynamoDb.putItem(b -> b.tableName(TABLE).item(item));
        }
        var fresh = new ArrayList<PredictionRecord>();
        for (int i = 0; i < 12; i++) {
            fresh.add(new PredictionRecord(new ModelRef("iris", i % 2 == 0 ? "1" : "2"), "new-" + i, 0, T0.plusSeconds(100 + i),
                    Map.of("x", 1.0), Map.of("label", "setosa"), 1.0, "api", null));
        }
        assertThat(new DynamoDbPredictionLog(dynamoDb, TABLE, Duration.ofDays(30), SHARDS).write(fresh).complete()).isTrue();
        var reader = new DynamoDbPredictionLogReader(dynamoDb, TABLE, SHARDS);
        var window = new PredictionQuery("iris", null, T0, T0.plusSeconds(3600), 500, null, true, true);
        assertThat(reader.page(window).items()).hasSize(12); // before: only what was written since

        // WHEN migrated with 2 scan segments
        var result = new PredictionLogMigration(dynamoDb, TABLE, SHARDS).run(2, false);

        // THEN 60 moved, none failed, and every row reads back once: per version and model-wide
        assertThat(result.legacy()).isEqualTo(60);
        assertThat(result.migrated()).isEqualTo(60);
        assertThat(result.failed()).isZero();
        var all = reader.page(window).items();
        assertThat(all).hasSize(72);
        assertThat(all.stream().map(r -> r.model().version() + "/" + r.requestId() + "/" + r.row()).distinct().count()).isEqualTo(72);
        assertThat(all).extracting(PredictionRecord::timestamp).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(reader.page(new PredictionQuery("iris", "1", T0, T0.plusSeconds(3600), 500, null, true, true)).items()).hasSize(46);
        try (var rows = reader.rows(new ModelRef("iris", "2"), T0, T0.plusSeconds(3600), 1000)) {
            assertThat(rows.toList()).hasSize(26).allSatisfy(r -> assertThat(r.inputs()).containsKey("x"));
        }

        // AND a second run finds nothing left to move
        var again = new PredictionLogMigration(dynamoDb, TABLE, SHARDS).run(2, false);
        assertThat(again.legacy()).isZero();
        assertThat(again.migrated()).isZero();
        assertThat(reader.page(window).items()).hasSize(72);
    }
}
