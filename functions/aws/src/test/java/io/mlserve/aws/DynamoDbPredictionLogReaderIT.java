package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.logquery.PredictionQuery;
import io.mlserve.core.logquery.StatsCalculator;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.LogShards;
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
 * The sharded reader against the DynamoDB emulator ({@code AWS_ENDPOINT_URL}, default :4566; skipped when it is not
 * running), on items written by the real {@link DynamoDbPredictionLog}: iris v1 on 4 shards, v2 on 3, v3 on 8, so
 * every read merges shards. Creates and deletes its own table with both indexes the stack defines.
 */
class DynamoDbPredictionLogReaderIT {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final String TABLE = "tmp-logquery-" + UUID.randomUUID().toString().substring(0, 8);
    private static DynamoDbClient dynamoDb;
    /** v1: 4 shards, v2: 3, v3: 8; the model-wide index is read over 8. */
    private static final LogShards SHARDS = new LogShards() {
        @Override
        public int shards(ModelRef version) {
            return switch (version.version()) {
                case "1" -> 4;
                case "2" -> 3;
                case "3" -> 8;
                default -> 1;
            };
        }

        @Override
        public int maxShards(String model) {
            return model.equals("iris") ? 8 : 1;
        }
    };
    /** v3: 40 requests of 5 rows, pairs of requests in the same millisecond, in the second hour. */
    private static final List<PredictionRecord> V3 = new ArrayList<>();

    @BeforeAll
    static void createTableAndWrite() throws Exception {
        dynamoDb = EmulatorFixture.dynamoDb(EmulatorFixture.endpoint());
        EmulatorFixture.createLogTable(dynamoDb, TABLE);
        // iris v1: 7 requests of 3 rows, one a minute from T0; iris v2: 5 single-row requests at T0 + 30 s + k min;
        // one failed v2 request; wine: one row (must never show up)
        var records = new ArrayList<PredictionRecord>();
        for (int r = 0; r < 7; r++) {
            for (int row = 0; row < 3; row++) {
                records.add(record("iris", "1", "a" + r, row, T0.plus(Duration.ofMinutes(r)), Map.of("label", "setosa"), r + 1, null));
            }
        }
        for (int r = 0; r < 5; r++) {
            records.add(record("iris", "2", "b" + r, 0, T0.plusSeconds(30).plus(Duration.ofMinutes(r)), Map.of("label", "versicolor"), 10, null));
        }
        records.add(record("iris", "2", "fail", 0, T0.plusSeconds(45), null, 1, "INFERENCE_FAILED"));
        records.add(record("wine", "1", "w", 0, T0, Map.of("value", 3.0), 1, null));
        var log = new DynamoDbPredictionLog(dynamoDb, TABLE, Duration.ofDays(30), SHARDS);
        assertThat(log.write(records).complete()).isTrue();
        for (int r = 0; r < 40; r++) {
            var at = T0.plus(Duration.ofHours(1)).plusMillis(250L * (r / 2));
            for (int row = 0; row < 5; row++) {
                V3.add(record("iris", "3", "c" + r, row, at, Map.of("label", "virginica"), 2, null));
            }
        }
        assertThat(log.write(V3).complete()).isTrue();
        V3.sort(java.util.Comparator.comparing((PredictionRecord r) -> PredictionLogSchema.sortKey(r)).reversed());
    }

    @AfterAll
    static void deleteTable() {
        if (dynamoDb != null) {
            dynamoDb.deleteTable(b -> b.tableName(TABLE));
            dynamoDb.close();
        }
    }

    private static PredictionRecord record(String model, String version, String requestId, int row, Instant at,
            Map<String, Object> output, double latencyMs, String error) {
        return new PredictionRecord(new ModelRef(model, version), requestId, row, at, output == null ? Map.of() : Map.of("x", row),
                output, latencyMs, "api", error);
    }

    private static List<PredictionRecord> readAll(DynamoDbPredictionLogReader reader, PredictionQuery first, List<Integer> pageSizes) {
        var all = new ArrayList<PredictionRecord>();
        var query = first;
        while (true) {
            var page = reader.page(query);
            pageSizes.add(page.items().size());
            all.addAll(page.items());
            if (page.nextCursor() == null) {
                return all;
            }
            query = query.withCursor(page.nextCursor());
        }
    }

    @Test
    void rows_shouldReturnOneVersionsRowsWithInputsNewestFirst_withoutFailedRequests_cappedAtLastRows() {
        var reader = new DynamoDbPredictionLogReader(dynamoDb, TABLE, SHARDS);

        // v2: 5 rows and one failed request in the hour
        try (var rows = reader.rows(new ModelRef("iris", "2"), T0, T0.plus(Duration.ofHours(1)), 100)) {
            var all = rows.toList();
            assertThat(all).extracting(PredictionRecord::requestId).containsExactly("b4", "b3", "b2", "b1", "b0");
            assertThat(all).allSatisfy(r -> {
                assertThat(r.inputs()).containsEntry("x", 0L);
                assertThat(r.output()).containsEntry("label", "versicolor");
                assertThat(r.failed()).isFalse();
            });
        }
        // v1: 21 rows; the newest 4, and the window's end is exclusive
        try (var rows = reader.rows(new ModelRef("iris", "1"), T0, T0.plus(Duration.ofMinutes(6)), 4)) {
            assertThat(rows.toList()).extracting(PredictionRecord::requestId).containsExactly("a5", "a5", "a5", "a4");
        }
    }

    @Test
    void page_shouldReadOneVersionNewestFirstAcrossPages_whenVersionGiven() {
        var reader = new DynamoDbPredictionLogReader(dynamoDb, TABLE, SHARDS);
        var sizes = new ArrayList<Integer>();

        var all = readAll(reader, new PredictionQuery("iris", "1", T0, T0.plus(Duration.ofHours(1)), 5, null, true, true), sizes);

        assertThat(all).hasSize(21).allMatch(p -> p.model().version().equals("1"));
        assertThat(sizes).containsExactly(5, 5, 5, 5, 1);
        assertThat(all.get(0).requestId()).isEqualTo("a6");
        assertThat(all.get(0).row()).isEqualTo(2);
        assertThat(all.get(20).requestId()).isEqualTo("a0");
        assertThat(all.get(0).inputs()).isEqualTo(Map.of("x", 2L));
    }

    @Test
    void page_shouldReadEveryVersionThroughIndex_whenNoVersion() {
        var reader = new DynamoDbPredictionLogReader(dynamoDb, TABLE, SHARDS);
        var sizes = new ArrayList<Integer>();

        var all = readAll(reader, new PredictionQuery("iris", null, T0, T0.plus(Duration.ofHours(1)), 10, null, true, true), sizes);

        assertThat(all).hasSize(27).allMatch(p -> p.model().name().equals("iris"));
        assertThat(sizes).containsExactly(10, 10, 7);
        assertThat(all).extracting(PredictionRecord::timestamp).isSortedAccordingTo((a, b) -> b.compareTo(a));
    }

    @Test
    void page_shouldTreatToAsExclusive_whenItemAtTo() {
        var reader = new DynamoDbPredictionLogReader(dynamoDb, TABLE, SHARDS);

        // [T0, T0 + 1 min): only request a0 of v1 (a1 is at exactly T0 + 1 min)
        var page = reader.page(new PredictionQuery("iris", "1", T0, T0.plus(Duration.ofMinutes(1)), 100, null, true, true));

        assertThat(page.items()).extracting(PredictionRecord::requestId).containsOnly("a0");
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void page_shouldFailInvalidCursor_whenCursorFromAnotherVersion() {
        var reader = new DynamoDbPredictionLogReader(dynamoDb, TABLE, SHARDS);
        var q1 = new PredictionQuery("iris", "1", T0, T0.plus(Duration.ofHours(1)), 5, null, true, true);
        var cursor = reader.page(q1).nextCursor();

        assertThatThrownBy(() -> reader.page(new PredictionQuery("iris", "2", T0, T0.plus(Duration.ofHours(1)), 5, cursor, true, true)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_CURSOR"));
    }

    @Test
    void outcomes_shouldFeedStatsWithoutInputs_whenWholeModel() {
        var reader = new DynamoDbPredictionLogReader(dynamoDb, TABLE, SHARDS);
        var query = new PredictionQuery("iris", null, T0, T0.plus(Duration.ofHours(1)), 100, null, true, true);

        try (var items = reader.outcomes(query)) {
            var stats = new StatsCalculator().compute(query, items);

            assertThat(stats.count()).isEqualTo(26);
            assertThat(stats.errorCount()).isEqualTo(1);
            assertThat(stats.requestCount()).isEqualTo(12);
            assertThat(stats.classes()).containsExactly(Map.entry("setosa", 21L), Map.entry("versicolor", 5L));
            // latencies per request: 1..7 and five 10s → sorted 1,2,3,4,5,6,7,10,10,10,10,10; p50 = 6th = 6
            assertThat(stats.latencyMs().p50()).isEqualTo(6.0);
            assertThat(stats.latencyMs().p95()).isEqualTo(10.0);
        }
        try (var items = reader.outcomes(query)) {
            assertThat(items).allMatch(p -> p.inputs().isEmpty());
        }
    }

    @Test
    void page_shouldReturnEveryRowSpreadOverEightShardsOnceInOrder_whenStitchedByCursors() {
        // GIVEN v3's 200 rows, spread over all 8 of its partitions
        var partitions = new java.util.TreeSet<String>();
        for (int shard = 0; shard < 8; shard++) {
            var pk = PredictionLogSchema.partitionKey("iris", "3", shard);
            if (dynamoDb.query(q -> q.tableName(TABLE).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(pk))))
                    .count() > 0) {
                partitions.add(pk);
            }
        }
        assertThat(partitions).hasSize(8);
        var reader = new DynamoDbPredictionLogReader(dynamoDb, TABLE, SHARDS);

        for (int limit : new int[] {1, 7, 64, 500}) {
            // WHEN they are paged, limit rows at a time
            var sizes = new ArrayList<Integer>();
            var all = readAll(reader, new PredictionQuery("iris", "3", T0, T0.plus(Duration.ofHours(2)), limit, null, true, true), sizes);

            // THEN each comes back exactly once, newest first (time, request, row), in full pages but the last
            assertThat(all).extracting(r -> r.requestId() + "/" + r.row())
                    .as("limit %d", limit)
                    .containsExactlyElementsOf(V3.stream().map(r -> r.requestId() + "/" + r.row()).toList());
            assertThat(sizes.subList(0, sizes.size() - 1)).allMatch(size -> size == limit);
        }
    }

    @Test
    void readers_shouldMergeShards_forDriftRowsAndModelWideStats() {
        var reader = new DynamoDbPredictionLogReader(dynamoDb, TABLE, SHARDS);

        // drift: the newest 13 rows of v3 over its 8 shards
        try (var rows = reader.rows(new ModelRef("iris", "3"), T0, T0.plus(Duration.ofHours(2)), 13)) {
            assertThat(rows.toList()).extracting(r -> r.requestId() + "/" + r.row())
                    .containsExactlyElementsOf(V3.subList(0, 13).stream().map(r -> r.requestId() + "/" + r.row()).toList());
        }
        // stats over every version through byModelShard: 21 + 5 + 1 failed + 200
        var query = new PredictionQuery("iris", null, T0, T0.plus(Duration.ofHours(2)), 100, null, true, true);
        try (var items = reader.outcomes(query)) {
            var all = items.toList();
            assertThat(all).hasSize(227);
            assertThat(all).extracting(PredictionRecord::timestamp).isSortedAccordingTo((a, b) -> b.compareTo(a));
            assertThat(all.stream().map(r -> r.model().version() + "/" + r.requestId() + "/" + r.row()).distinct().count()).isEqualTo(227);
        }
    }
}
