package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Nothing lost through a prediction-log outage (issue 11): the predictions table is deleted while requests flow, every
 * request is still answered 200 (the rows go to the SQS spill, most of them straight through the open circuit breaker),
 * the table is recreated with the same schema (both model-wide indexes and the TTL, so the classes that run after this
 * one find it as deployed), and the log-replay function writes every answered row exactly once. The spilled and
 * replayed counts in the functions' logs match the answered rows (EMF does not reach CloudWatch on the emulator).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogOutageE2ET {
    private static final Path IRIS = Path.of("..", "models", "iris");
    /** Requests sent while the table is gone. */
    private static final int OUTAGE_REQUESTS = 24;

    private Emulator emulator;
    private String model;
    private String request;
    private String table;

    @BeforeAll
    void publishModel() throws Exception {
        emulator = Emulator.fromOutputs();
        table = emulator.output("PredictionsTableName");
        request = Emulator.JSON.readTree(IRIS.resolve("sample-request.json").toFile()).toString();
        // a fresh name per run: the emulator may be reused, and the logs are shared
        model = "iris-outage-" + Long.toString(System.currentTimeMillis(), 36);
        assertThat(emulator.uploadAndRegister(IRIS, model, "1", null).status()).isEqualTo(201);
        assertThat(emulator.put("models/" + model + "/aliases/production", "{\"version\": \"1\"}").status()).isEqualTo(200);
    }

    @Test
    @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
    void outage_shouldLoseNoRow_andReplayEachExactlyOnce() throws Exception {
        try (var dynamo = emulator.dynamoDb()) {
            // GIVEN a healthy log: a request's rows are written straight away
            var before = predict();
            assertThat(awaitRows(dynamo, Map.of(before.requestId, before.rows), Duration.ofSeconds(30)))
                    .as("rows of the request before the outage").containsEntry(before.requestId, before.rows);

            // WHEN the table disappears while requests keep coming
            var schema = dynamo.describeTable(b -> b.tableName(table)).table();
            var ttl = dynamo.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription().attributeName();
            dynamo.deleteTable(b -> b.tableName(table));
            awaitGone(dynamo);
            var answered = new LinkedHashMap<String, Integer>();
            var latencies = new ArrayList<Long>();
            for (int i = 0; i < OUTAGE_REQUESTS; i++) {
                long started = System.nanoTime();
                var answer = predict(); // asserts 200
                latencies.add((System.nanoTime() - started) / 1_000_000);
                answered.put(answer.requestId, answer.rows);
            }
            // ... and comes back, with the same keys, indexes and TTL
            recreate(dynamo, schema, ttl);
            var after = predict(); // the breaker may still be open: spilled or written, either way exactly once
            answered.put(after.requestId, after.rows);

            // THEN every answered row is in the log exactly once, once the replay has run
            var found = awaitRows(dynamo, answered, Duration.ofMinutes(6));
            assertThat(found).as("rows per request after the replay").isEqualTo(answered);
            int answeredRows = answered.values().stream().mapToInt(Integer::intValue).sum();

            // AND the functions' logs account for them: spilled during the outage = replayed (never twice), none lost
            var outageIds = new ArrayList<>(answered.keySet()).subList(0, OUTAGE_REQUESTS);
            var predictLog = logLines(emulator.output("PredictFunctionName"));
            int spilled = sum(predictLog, "PredictionLogSpilled", "rows", Set.copyOf(answered.keySet()));
            int spilledDuringOutage = sum(predictLog, "PredictionLogSpilled", "rows", Set.copyOf(outageIds));
            int lost = sum(predictLog, "PredictionLogRowsLost", "rows", Set.copyOf(answered.keySet()));
            var replayLog = logLines(emulator.output("LogReplayFunctionName"));
            int replayed = sumReplayed(replayLog, Set.copyOf(answered.keySet()));
            assertThat(spilledDuringOutage).as("rows spilled during the outage").isEqualTo(OUTAGE_REQUESTS * before.rows);
            assertThat(replayed).as("rows replayed = rows spilled").isEqualTo(spilled);
            assertThat(lost).isZero();
            assertThat(predictLog).as("the breaker opened").anyMatch(l -> "PredictionLogBreaker".equals(l.path("event").asText())
                    && l.path("open").asBoolean());
            System.out.printf("LogOutageE2ET: %d requests (%d rows) answered during the outage, %d rows spilled, %d replayed, "
                    + "latency ms per request during the outage: %s%n", OUTAGE_REQUESTS, answeredRows - after.rows, spilled, replayed,
                    latencies);
        }
    }

    private record Answer(String requestId, int rows) {}

    private Answer predict() {
        var response = emulator.post("models/" + model + "/predict", request);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return new Answer(response.json().path("requestId").asText(), response.json().path("predictions").size());
    }

    /** Polls the table until every request has its rows (or the time is up); returns rows found per request. */
    private Map<String, Integer> awaitRows(DynamoDbClient dynamo, Map<String, Integer> expected, Duration patience)
            throws InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        Map<String, Integer> found;
        do {
            var now = rowsByRequest(dynamo);
            found = now;
            if (now.keySet().containsAll(expected.keySet())
                    && expected.entrySet().stream().allMatch(e -> now.get(e.getKey()) >= e.getValue())) {
                // one more look a little later: a late duplicate would show here
                Thread.sleep(3000);
                return rowsByRequest(dynamo);
            }
            Thread.sleep(2000);
        } while (System.nanoTime() < until);
        return found;
    }

    /** Every item of this model in the table (all shards), counted per request id. */
    private Map<String, Integer> rowsByRequest(DynamoDbClient dynamo) {
        var counts = new TreeMap<String, Integer>();
        dynamo.scanPaginator(b -> b.tableName(table).filterExpression("begins_with(pk, :m)")
                        .expressionAttributeValues(Map.of(":m", AttributeValue.fromS(model + "#"))))
                .items().forEach(item -> counts.merge(item.get("requestId").s(), 1, Integer::sum));
        return counts;
    }

    private void awaitGone(DynamoDbClient dynamo) throws InterruptedException {
        for (int i = 0; i < 60; i++) {
            try {
                dynamo.describeTable(b -> b.tableName(table));
            } catch (ResourceNotFoundException e) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("table " + table + " was not deleted");
    }

    /** The table as deployed: same keys, attribute definitions, GSIs (keys and projections), on-demand, and its TTL. */
    private void recreate(DynamoDbClient dynamo, TableDescription schema, String ttlAttribute) throws InterruptedException {
        var indexes = schema.globalSecondaryIndexes().stream().map(i -> GlobalSecondaryIndex.builder()
                .indexName(i.indexName()).keySchema(i.keySchema()).projection(i.projection()).build()).toList();
        assertThat(indexes).extracting(GlobalSecondaryIndex::indexName).contains("byModel", "byModelShard");
        dynamo.createTable(b -> b.tableName(table).keySchema(schema.keySchema()).attributeDefinitions(schema.attributeDefinitions())
                .billingMode(BillingMode.PAY_PER_REQUEST).globalSecondaryIndexes(indexes));
        for (int i = 0; i < 60; i++) {
            if ("ACTIVE".equals(dynamo.describeTable(b -> b.tableName(table)).table().tableStatusAsString())) {
                break;
            }
            Thread.sleep(500);
        }
        if (ttlAttribute != null) {
            dynamo.updateTimeToLive(b -> b.tableName(table).timeToLiveSpecification(t -> t.attributeName(ttlAttribute).enabled(true)));
        }
    }

    /** The JSON lines of a function's log on the emulator (shared by emulators with the same function name: filtered by id). */
    private static List<JsonNode> logLines(String functionName) throws IOException {
        var file = Path.of("/tmp/mlserve-lambda-" + functionName + ".log");
        var lines = new ArrayList<JsonNode>();
        if (!Files.exists(file)) {
            return lines;
        }
        for (var line : Files.readAllLines(file)) {
            if (line.startsWith("{")) {
                try {
                    lines.add(Emulator.JSON.readTree(line));
                } catch (IOException e) {
                    // an interleaved or partial line: not one of ours
                }
            }
        }
        return lines;
    }

    private static int sum(List<JsonNode> lines, String event, String field, Set<String> requestIds) {
        return lines.stream().filter(l -> event.equals(l.path("event").asText()) && requestIds.contains(l.path("requestId").asText()))
                .mapToInt(l -> l.path(field).asInt()).sum();
    }

    /** Rows the replay wrote now (not the ones it found present) for messages holding these requests. */
    private static int sumReplayed(List<JsonNode> lines, Set<String> requestIds) {
        var seen = new HashMap<String, Integer>();
        for (var line : lines) {
            if (!"PredictionLogReplayed".equals(line.path("event").asText())) {
                continue;
            }
            var ids = Set.of(line.path("requestIds").asText().split(","));
            if (ids.stream().anyMatch(requestIds::contains)) {
                seen.merge(line.path("messageId").asText() + "#" + seen.size(), line.path("replayed").asInt(), Integer::sum);
            }
        }
        return seen.values().stream().mapToInt(Integer::intValue).sum();
    }
}
