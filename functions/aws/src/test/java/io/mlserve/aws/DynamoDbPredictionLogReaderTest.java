package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.logquery.PredictionQuery;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The sharded reader over an in-memory table written by the real writer: merge order, pages, cursors, projections. */
class DynamoDbPredictionLogReaderTest {
    private static final Instant FROM = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-23T11:00:00Z");

    private final InMemoryLogTable table = new InMemoryLogTable();
    /** iris v1: 4 shards, v2: 2 shards, v0: registered before sharding (1). */
    private final LogShards shards = new LogShards() {
        @Override
        public int shards(ModelRef version) {
            return switch (version.version()) {
                case "1" -> 4;
                case "2" -> 2;
                default -> 1;
            };
        }

        @Override
        public int maxShards(String model) {
            return 4;
        }
    };
    private final DynamoDbPredictionLog writer = new DynamoDbPredictionLog(table, "predictions", Duration.ofDays(30), shards);
    private final DynamoDbPredictionLogReader reader = new DynamoDbPredictionLogReader(table, "predictions", shards);

    private static Map<String, AttributeValue> item(String pk, String requestId, int row, String ts) {
        var item = new HashMap<String, AttributeValue>();
        item.put("pk", AttributeValue.fromS(pk));
        item.put("sk", AttributeValue.fromS(ts + "#" + requestId + "#" + String.format("%05d", row)));
        item.put("version", AttributeValue.fromS("1"));
        item.put("requestId", AttributeValue.fromS(requestId));
        item.put("row", AttributeValue.fromN(Integer.toString(row)));
        item.put("ts", AttributeValue.fromS(ts));
        item.put("inputs", AttributeValues.of(Map.of("petal_length", 1.4, "colour", "red")));
        item.put("output", AttributeValues.of(Map.of("label", "setosa", "probabilities", Map.of("setosa", 0.97))));
        item.put("latencyMs", AttributeValue.fromN("2.5"));
        item.put("source", AttributeValue.fromS("api"));
        item.put("expiresAt", AttributeValue.fromN("1790000000"));
        return item;
    }

    /**
     * Requests of 1–5 rows each, spread over the hour, some at the same millisecond; every 7th request failed.
     *
     * @return what was written, newest first by (time, request, row)
     */
    private List<PredictionRecord> logRequests(String version, int requests) {
        var written = new ArrayList<PredictionRecord>();
        for (int r = 0; r < requests; r++) {
            var at = FROM.plusMillis(1_000L * (r / 2) + 7); // pairs share a millisecond
            var requestId = version + "-req-" + r;
            var rows = new ArrayList<PredictionRecord>();
            if (r % 7 == 3) {
                rows.add(new PredictionRecord(new ModelRef("iris", version), requestId, 0, at, Map.of(), null, 1.0, "api", "INFERENCE_FAILED"));
            } else {
                for (int row = 0; row < 1 + r % 5; row++) {
                    rows.add(new PredictionRecord(new ModelRef("iris", version), requestId, row, at, Map.of("x", (double) row),
                            Map.of("label", "l" + row), 1.0, "api", null));
                }
            }
            assertThat(writer.write(rows).complete()).isTrue();
            written.addAll(rows);
        }
        written.sort(Comparator.comparing(PredictionLogSchema::sortKey).reversed());
        return written;
    }

    private static String key(PredictionRecord r) {
        return r.model().version() + "/" + PredictionLogSchema.sortKey(r);
    }

    private List<PredictionRecord> pageThrough(PredictionQuery first) {
        var seen = new ArrayList<PredictionRecord>();
        var query = first;
        for (int pages = 0; pages < 1000; pages++) {
            var page = reader.page(query);
            assertThat(page.items().size()).isLessThanOrEqualTo(first.limit());
            if (page.nextCursor() != null) {
                assertThat(page.items()).hasSize(first.limit()); // pages are full until the last
            }
            seen.addAll(page.items());
            if (page.nextCursor() == null) {
                return seen;
            }
            query = first.withCursor(page.nextCursor());
        }
        throw new AssertionError("no last page");
    }

    @Test
    void parse_shouldMapEveryAttributeAndTakeTheModelFromPk_whenShardedItem() {
        var parsed = DynamoDbPredictionLogReader.parse(item("iris#1#3", "req-1", 3, "2026-11-23T10:30:00.123Z"));

        assertThat(parsed.model()).isEqualTo(new ModelRef("iris", "1"));
        assertThat(parsed.requestId()).isEqualTo("req-1");
        assertThat(parsed.row()).isEqualTo(3);
        assertThat(parsed.timestamp()).isEqualTo(Instant.parse("2026-11-23T10:30:00.123Z"));
        assertThat(parsed.inputs()).isEqualTo(Map.of("petal_length", 1.4, "colour", "red"));
        assertThat(parsed.output()).isEqualTo(Map.of("label", "setosa", "probabilities", Map.of("setosa", 0.97)));
        assertThat(parsed.error()).isNull();
        assertThat(parsed.latencyMs()).isEqualTo(2.5);
        assertThat(parsed.source()).isEqualTo("api");
    }

    @Test
    void parse_shouldKeepErrorAndNullOutput_whenFailedRequest() {
        var item = item("iris#1#0", "req-2", 0, "2026-11-23T10:30:00.000Z");
        item.remove("output");
        item.put("inputs", AttributeValue.fromM(Map.of()));
        item.put("error", AttributeValue.fromS("INFERENCE_FAILED"));

        var parsed = DynamoDbPredictionLogReader.parse(item);

        assertThat(parsed.failed()).isTrue();
        assertThat(parsed.error()).isEqualTo("INFERENCE_FAILED");
        assertThat(parsed.output()).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 10, 500})
    void page_shouldReturnEveryRowOfEveryShardOnceNewestFirst_whenPagedByCursor(int limit) {
        // GIVEN v1 (4 shards) with 60 requests, and v2 rows that must not show up
        var written = logRequests("1", 60);
        logRequests("2", 5);

        // WHEN v1 is paged
        var seen = pageThrough(new PredictionQuery("iris", "1", FROM, TO, limit, null, true, true));

        // THEN every row comes back exactly once, in the merged order, and all 4 shards held some
        assertThat(seen).extracting(DynamoDbPredictionLogReaderTest::key)
                .containsExactlyElementsOf(written.stream().map(DynamoDbPredictionLogReaderTest::key).toList());
        var partitions = table.items.values().stream().filter(i -> i.get("version").s().equals("1"))
                .map(i -> i.get("pk").s()).collect(Collectors.toSet());
        assertThat(partitions).containsExactlyInAnyOrder("iris#1#0", "iris#1#1", "iris#1#2", "iris#1#3");
    }

    @Test
    void page_shouldQueryEachShardNewestFirstInTheWindow_andKeepTheCursorSmall() {
        logRequests("1", 30);

        var page = reader.page(new PredictionQuery("iris", "1", FROM, TO, 5, null, true, true));

        assertThat(table.queries).hasSize(4).allSatisfy(q -> {
            assertThat(q.tableName()).isEqualTo("predictions");
            assertThat(q.indexName()).isNull();
            assertThat(q.scanIndexForward()).isFalse();
            assertThat(q.limit()).isEqualTo(7);
            assertThat(q.expressionAttributeValues()).containsEntry(":from", AttributeValue.fromS("2026-11-23T10:00:00.000Z"))
                    .containsEntry(":to", AttributeValue.fromS("2026-11-23T11:00:00.000Z"));
        });
        assertThat(table.queries).extracting(q -> q.expressionAttributeValues().get(":partition").s())
                .containsExactlyInAnyOrder("iris#1#0", "iris#1#1", "iris#1#2", "iris#1#3"); // first pages in parallel
        assertThat(page.nextCursor()).hasSizeLessThan(400);
    }

    @Test
    void page_shouldMergeEveryVersionThroughTheShardedIndex_whenNoVersion() {
        // GIVEN v1 on 4 shards and v2 on 2
        var written = new ArrayList<>(logRequests("1", 20));
        written.addAll(logRequests("2", 20));
        written.sort(Comparator.comparing(PredictionLogSchema::sortKey)
                .thenComparing(r -> PredictionLogSchema.partitionKey("iris", r.model().version(),
                        LogShards.shardOf(r.requestId(), r.row(), shards.shards(r.model()))))
                .reversed());

        // WHEN every version is paged 7 at a time
        var seen = pageThrough(new PredictionQuery("iris", null, FROM, TO, 7, null, true, true));

        // THEN both versions' rows, once each, newest first, read through byModelShard partitions iris#0..3
        assertThat(seen).extracting(DynamoDbPredictionLogReaderTest::key)
                .containsExactlyElementsOf(written.stream().map(DynamoDbPredictionLogReaderTest::key).toList());
        assertThat(table.queries).allSatisfy(q -> assertThat(q.indexName()).isEqualTo("byModelShard"));
        assertThat(table.queries.stream().map(q -> q.expressionAttributeValues().get(":partition").s()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("iris#0", "iris#1", "iris#2", "iris#3");
    }

    @Test
    void page_shouldStillFillPages_whenDynamoDbCutsPagesShort() {
        var written = logRequests("1", 40);
        table.pageItems = 2; // as DynamoDB's 1 MB page does with large items

        var seen = pageThrough(new PredictionQuery("iris", "1", FROM, TO, 9, null, true, true));

        assertThat(seen).extracting(DynamoDbPredictionLogReaderTest::key)
                .containsExactlyElementsOf(written.stream().map(DynamoDbPredictionLogReaderTest::key).toList());
    }

    @Test
    void page_shouldKeepTheWindowOfTheCursor_whenBoundsWereDefaulted() {
        var written = logRequests("1", 20);
        var first = new PredictionQuery("iris", "1", FROM, TO, 10, null, false, false);
        var page = reader.page(first);

        // the default window moved on with the clock; the cursor keeps the first page's
        var later = new PredictionQuery("iris", "1", FROM.plusSeconds(3600), TO.plusSeconds(3600), 10, page.nextCursor(), false, false);
        var second = reader.page(later);

        assertThat(second.items()).extracting(DynamoDbPredictionLogReaderTest::key)
                .containsExactlyElementsOf(written.subList(10, 20).stream().map(DynamoDbPredictionLogReaderTest::key).toList());
    }

    @Test
    void page_shouldRefuseTheCursor_whenUsedWithAnotherVersionModelOrWindow() {
        logRequests("1", 20);
        var first = new PredictionQuery("iris", "1", FROM, TO, 5, null, true, true);
        var cursor = reader.page(first).nextCursor();

        for (var other : List.of(new PredictionQuery("iris", "2", FROM, TO, 5, cursor, true, true),
                new PredictionQuery("iris", null, FROM, TO, 5, cursor, true, true),
                new PredictionQuery("wine", "1", FROM, TO, 5, cursor, true, true),
                new PredictionQuery("iris", "1", FROM.plusSeconds(1), TO, 5, cursor, true, true))) {
            assertThatThrownBy(() -> reader.page(other))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_CURSOR"));
        }
    }

    @Test
    void outcomes_shouldMergeEveryShardWithoutInputs() {
        var written = logRequests("1", 30);

        List<PredictionRecord> outcomes;
        try (var stream = reader.outcomes(new PredictionQuery("iris", "1", FROM, TO, 100, null, true, true))) {
            outcomes = stream.toList();
        }

        assertThat(outcomes).extracting(DynamoDbPredictionLogReaderTest::key)
                .containsExactlyElementsOf(written.stream().map(DynamoDbPredictionLogReaderTest::key).toList());
        assertThat(outcomes).allSatisfy(r -> assertThat(r.model()).isEqualTo(new ModelRef("iris", "1")));
        assertThat(table.queries).hasSize(4).allSatisfy(q -> assertThat(q.projectionExpression()).doesNotContain("#inputs").contains("#pk"));
        assertThat(outcomes.stream().filter(PredictionRecord::failed).count()).isEqualTo(written.stream().filter(PredictionRecord::failed).count());
    }

    @Test
    void rows_shouldReturnTheNewestPredictedRowsOverAllShards_withoutFailures() {
        var written = logRequests("1", 60);
        var predicted = written.stream().filter(r -> !r.failed()).toList();

        List<PredictionRecord> rows;
        try (var stream = reader.rows(new ModelRef("iris", "1"), FROM, TO, 25)) {
            rows = stream.toList();
        }

        assertThat(rows).extracting(DynamoDbPredictionLogReaderTest::key)
                .containsExactlyElementsOf(predicted.subList(0, 25).stream().map(DynamoDbPredictionLogReaderTest::key).toList());
        assertThat(rows).allSatisfy(r -> assertThat(r.inputs()).containsKey("x"));
        assertThat(new HashSet<>(table.queries.stream().map(q -> q.expressionAttributeValues().get(":partition").s()).toList()))
                .hasSize(4);
    }

    @Test
    void reads_shouldReadNothing_untilTheStreamIsConsumed() {
        logRequests("1", 5);
        table.queries.clear();

        var stream = reader.outcomes(new PredictionQuery("iris", "1", FROM, TO, 100, null, true, true));

        assertThat(table.queries).isEmpty();
        stream.close();
    }

    @Test
    void page_shouldFailWithDynamoDbsOwnException_whenTheTableCannotBeRead() {
        table.queryFailure = software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.builder().message("gone").build();

        assertThatThrownBy(() -> reader.page(new PredictionQuery("iris", "1", FROM, TO, 5, null, true, true)))
                .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class);
    }
}
