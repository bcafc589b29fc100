package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Retries and loss accounting of the log writer, against a DynamoDB that throttles on cue. */
class DynamoDbPredictionLogTest {
    private static final Instant AT = Instant.parse("2026-11-23T10:15:30.007Z");

    /** Answers BatchWriteItem with what the script says; records every item it accepted. */
    private static final class ThrottlingDynamoDb implements DynamoDbClient {
        final ConcurrentLinkedQueue<WriteRequest> stored = new ConcurrentLinkedQueue<>();
        final AtomicInteger calls = new AtomicInteger();
        final Function<List<WriteRequest>, List<WriteRequest>> unprocessed;

        ThrottlingDynamoDb(Function<List<WriteRequest>, List<WriteRequest>> unprocessed) {
            this.unprocessed = unprocessed;
        }

        @Override
        public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
            calls.incrementAndGet();
            var items = request.requestItems().get("log");
            var left = unprocessed.apply(items);
            items.stream().filter(i -> !left.contains(i)).forEach(stored::add);
            return BatchWriteItemResponse.builder().unprocessedItems(left.isEmpty() ? Map.of() : Map.of("log", left)).build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    private static List<PredictionRecord> rows(int n) {
        var rows = new ArrayList<PredictionRecord>();
        for (int i = 0; i < n; i++) {
            rows.add(new PredictionRecord(new ModelRef("iris", "1"), "req-1", i, AT, Map.of("petal_length", 1.4),
                    Map.of("label", "setosa"), 0.5, "api", null));
        }
        return rows;
    }

    @Test
    void write_shouldRetryUnprocessedItemsUntilStored_whenThrottled() {
        // GIVEN a table that leaves half of every batch unprocessed on the first two tries
        var tries = new AtomicInteger();
        var dynamo = new ThrottlingDynamoDb(items -> tries.incrementAndGet() <= 2 ? items.subList(0, items.size() / 2) : List.of());
        var log = new DynamoDbPredictionLog(dynamo, "log", Duration.ofDays(30), LogShards.fixed(4));

        // WHEN 10 rows are written
        var result = log.write(rows(10));

        // THEN all are stored, none twice
        assertThat(result.complete()).isTrue();
        assertThat(result.written()).isEqualTo(10);
        assertThat(dynamo.stored).hasSize(10);
        assertThat(dynamo.calls.get()).isEqualTo(3);
    }

    @Test
    void write_shouldCountEveryLostRow_whenThrottlingNeverStops() {
        var dynamo = new ThrottlingDynamoDb(items -> items);
        var log = new DynamoDbPredictionLog(dynamo, "log", Duration.ofDays(30), LogShards.fixed(4));

        var result = log.write(rows(60));

        assertThat(result.written()).isZero();
        assertThat(result.failed()).isEqualTo(60);
        assertThat(result.lastError()).contains("unprocessed");
        assertThat(dynamo.calls.get()).isEqualTo(3 * DynamoDbPredictionLog.MAX_ATTEMPTS); // 3 chunks of <= 25
    }

    @Test
    void write_shouldReportTheError_whenDynamoDbRejectsTheCall() {
        var dynamo = new ThrottlingDynamoDb(items -> {
            throw ProvisionedThroughputExceededException.builder().message("slow down").build();
        });
        var log = new DynamoDbPredictionLog(dynamo, "log", Duration.ofDays(30), LogShards.fixed(4));

        var result = log.write(rows(3));

        assertThat(result.failed()).isEqualTo(3);
        assertThat(result.lastError()).contains("ProvisionedThroughputExceededException");
    }

    @Test
    void write_shouldLayOutKeysForTimeRangeQueries() {
        var dynamo = new ThrottlingDynamoDb(items -> List.of());
        new DynamoDbPredictionLog(dynamo, "log", Duration.ofDays(30), LogShards.fixed(4)).write(rows(1));

        var item = dynamo.stored.peek().putRequest().item();
        int shard = LogShards.shardOf("req-1", 0, 4);
        assertThat(item.get("pk").s()).isEqualTo("iris#1#" + shard);
        assertThat(item.get("sk").s()).isEqualTo("2026-11-23T10:15:30.007Z#req-1#00000");
        assertThat(item.get("shard").n()).isEqualTo(Integer.toString(shard));
        assertThat(item.get("modelShard").s()).isEqualTo("iris#" + shard);
        assertThat(item).doesNotContainKey("model"); // stays out of the old single-partition byModel index
        assertThat(item.get("version").s()).isEqualTo("1");
        assertThat(item.get("inputs").m().get("petal_length").n()).isEqualTo("1.4");
        assertThat(item.get("output").m().get("label").s()).isEqualTo("setosa");
        assertThat(Long.parseLong(item.get("expiresAt").n())).isEqualTo(AT.plus(Duration.ofDays(30)).getEpochSecond());
    }

    @Test
    void write_shouldSpreadAVersionsRowsOverItsShards_whenItHasMany() {
        // GIVEN a version with 8 shards
        var dynamo = new ThrottlingDynamoDb(items -> List.of());
        var log = new DynamoDbPredictionLog(dynamo, "log", Duration.ofDays(30), LogShards.fixed(8));

        // WHEN 400 rows of one request are written
        log.write(rows(400));

        // THEN every shard gets some, each row on the key its shard says (what predictionIds and readers rely on)
        var byPk = new java.util.TreeMap<String, Integer>();
        dynamo.stored.forEach(w -> byPk.merge(w.putRequest().item().get("pk").s(), 1, Integer::sum));
        assertThat(byPk).hasSize(8);
        assertThat(byPk.values()).allSatisfy(n -> assertThat(n).isBetween(25, 75));
        dynamo.stored.forEach(w -> {
            var item = w.putRequest().item();
            int row = Integer.parseInt(item.get("row").n());
            assertThat(item.get("pk").s()).isEqualTo("iris#1#" + LogShards.shardOf("req-1", row, 8));
        });
    }

    @Test
    void write_shouldFallBackToShardZero_whenTheShardCountCannotBeRead() {
        var dynamo = new ThrottlingDynamoDb(items -> List.of());
        LogShards broken = version -> {
            throw new IllegalStateException("registry unreachable");
        };

        var result = new DynamoDbPredictionLog(dynamo, "log", Duration.ofDays(30), broken).write(rows(5));

        assertThat(result.complete()).isTrue();
        assertThat(dynamo.stored).allSatisfy(w -> assertThat(w.putRequest().item().get("pk").s()).isEqualTo("iris#1#0"));
    }

    @Test
    void write_shouldNameTheUnwrittenRows_soOnlyThoseAreSpilled() {
        // GIVEN a table that never takes odd rows
        var dynamo = new ThrottlingDynamoDb(items -> items.stream()
                .filter(i -> Integer.parseInt(i.putRequest().item().get("row").n()) % 2 == 1).toList());
        var log = new DynamoDbPredictionLog(dynamo, "log", Duration.ofDays(30), Duration.ofMillis(200), LogShards.fixed(4));
        var rows = rows(30); // two chunks, written in parallel

        // WHEN
        var result = log.write(rows);

        // THEN
        assertThat(result.failed()).isEqualTo(15);
        assertThat(result.unwritten()).extracting(PredictionRecord::row)
                .containsExactlyInAnyOrderElementsOf(rows.stream().map(PredictionRecord::row).filter(r -> r % 2 == 1).toList());
    }

    @Test
    void putIfAbsent_shouldWriteConditionally_andSayWhenTheRowWasThereAlready() {
        // GIVEN a table holding the row's key already after the first put
        var requests = new ArrayList<software.amazon.awssdk.services.dynamodb.model.PutItemRequest>();
        var dynamo = new DynamoDbClient() {
            @Override
            public software.amazon.awssdk.services.dynamodb.model.PutItemResponse putItem(
                    software.amazon.awssdk.services.dynamodb.model.PutItemRequest request) {
                requests.add(request);
                if (requests.size() > 1) {
                    throw software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException.builder().message("exists").build();
                }
                return software.amazon.awssdk.services.dynamodb.model.PutItemResponse.builder().build();
            }

            @Override
            public String serviceName() {
                return "dynamodb";
            }

            @Override
            public void close() {}
        };
        var log = new DynamoDbPredictionLog(dynamo, "log", Duration.ofDays(30), LogShards.fixed(4));

        // WHEN the same row is replayed twice
        boolean first = log.putIfAbsent(rows(1).get(0));
        boolean second = log.putIfAbsent(rows(1).get(0));

        // THEN the second is a no-op, and the write never replaces an item (feedback on it survives)
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(requests.get(0).conditionExpression()).isEqualTo("attribute_not_exists(#pk)");
        assertThat(requests.get(0).expressionAttributeNames()).containsEntry("#pk", "pk");
        assertThat(requests.get(0).item().get("pk").s()).isEqualTo("iris#1#" + LogShards.shardOf("req-1", 0, 4));
    }

    @Test
    void putIfAbsent_shouldFail_ratherThanGuessAShard_whenTheRegistryCannotSay() {
        LogShards broken = version -> {
            throw new IllegalStateException("registry unreachable");
        };
        var log = new DynamoDbPredictionLog(new ThrottlingDynamoDb(items -> List.of()), "log", Duration.ofDays(30), broken);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.putIfAbsent(rows(1).get(0))).hasMessageContaining("registry");
    }
}
