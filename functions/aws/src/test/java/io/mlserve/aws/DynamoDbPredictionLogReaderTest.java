package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.logquery.PredictionQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

class DynamoDbPredictionLogReaderTest {
    private static final Instant FROM = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-23T11:00:00Z");

    /** Answers every Query with the next canned response and keeps the requests. */
    private static final class ScriptedDynamoDb implements DynamoDbClient {
        final List<QueryRequest> requests = new ArrayList<>();
        final List<Object> answers = new ArrayList<>();

        @Override
        public QueryResponse query(QueryRequest request) {
            requests.add(request);
            var answer = answers.remove(0);
            if (answer instanceof RuntimeException e) {
                throw e;
            }
            return (QueryResponse) answer;
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    private final ScriptedDynamoDb dynamoDb = new ScriptedDynamoDb();
    private final DynamoDbPredictionLogReader reader = new DynamoDbPredictionLogReader(dynamoDb, "predictions");

    private static Map<String, AttributeValue> item(String version, String requestId, int row, String ts) {
        var item = new HashMap<String, AttributeValue>();
        item.put("pk", AttributeValue.fromS("iris#" + version));
        item.put("sk", AttributeValue.fromS(ts + "#" + requestId + "#" + String.format("%05d", row)));
        item.put("model", AttributeValue.fromS("iris"));
        item.put("version", AttributeValue.fromS(version));
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

    private static List<Map<String, AttributeValue>> items(int n) {
        var list = new ArrayList<Map<String, AttributeValue>>();
        for (int i = 0; i < n; i++) {
            list.add(item("1", "r" + i, 0, String.format("2026-11-23T10:%02d:00.000Z", 59 - i)));
        }
        return list;
    }

    @Test
    void parse_shouldMapEveryAttribute_whenPredictedRow() {
        var parsed = DynamoDbPredictionLogReader.parse(item("1", "req-1", 3, "2026-11-23T10:30:00.123Z"));

        assertThat(parsed.model().name()).isEqualTo("iris");
        assertThat(parsed.model().version()).isEqualTo("1");
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
        var item = item("1", "req-2", 0, "2026-11-23T10:30:00.000Z");
        item.remove("output");
        item.put("inputs", AttributeValue.fromM(Map.of()));
        item.put("error", AttributeValue.fromS("INFERENCE_FAILED"));

        var parsed = DynamoDbPredictionLogReader.parse(item);

        assertThat(parsed.failed()).isTrue();
        assertThat(parsed.error()).isEqualTo("INFERENCE_FAILED");
        assertThat(parsed.output()).isNull();
    }

    @Test
    void page_shouldQueryTableNewestFirstWithLimitPlusOne_whenVersionGiven() {
        // GIVEN 3 items for a limit of 2
        dynamoDb.answers.add(QueryResponse.builder().items(items(3)).build());
        var query = new PredictionQuery("iris", "1", FROM, TO, 2, null, true, true);

        // WHEN
        var page = reader.page(query);

        // THEN
        var request = dynamoDb.requests.get(0);
        assertThat(request.tableName()).isEqualTo("predictions");
        assertThat(request.indexName()).isNull();
        assertThat(request.scanIndexForward()).isFalse();
        assertThat(request.limit()).isEqualTo(3);
        assertThat(request.keyConditionExpression()).isEqualTo("#pk = :partition AND #sk BETWEEN :from AND :to");
        assertThat(request.expressionAttributeValues()).containsEntry(":partition", AttributeValue.fromS("iris#1"))
                .containsEntry(":from", AttributeValue.fromS("2026-11-23T10:00:00.000Z"))
                .containsEntry(":to", AttributeValue.fromS("2026-11-23T11:00:00.000Z"));
        assertThat(page.items()).extracting(i -> i.requestId()).containsExactly("r0", "r1");
        assertThat(page.nextCursor()).isNotNull();
        var position = PredictionLogCursor.decode(page.nextCursor(), query);
        assertThat(position.startKey()).isEqualTo(Map.of("pk", AttributeValue.fromS("iris#1"),
                "sk", AttributeValue.fromS("2026-11-23T10:58:00.000Z#r1#00000")));
    }

    @Test
    void page_shouldResumeAfterCursorAndEndWithoutCursor_whenLastPage() {
        // GIVEN a first page with a cursor
        dynamoDb.answers.add(QueryResponse.builder().items(items(3)).build());
        var first = new PredictionQuery("iris", "1", FROM, TO, 2, null, true, true);
        var cursor = reader.page(first).nextCursor();
        dynamoDb.answers.add(QueryResponse.builder().items(items(3).subList(2, 3)).build());

        // WHEN
        var second = reader.page(first.withCursor(cursor));

        // THEN
        assertThat(dynamoDb.requests.get(1).exclusiveStartKey()).containsEntry("sk", AttributeValue.fromS("2026-11-23T10:58:00.000Z#r1#00000"));
        assertThat(second.items()).extracting(i -> i.requestId()).containsExactly("r2");
        assertThat(second.nextCursor()).isNull();
    }

    @Test
    void page_shouldQueryByModelIndexWithIndexKeyCursor_whenNoVersion() {
        dynamoDb.answers.add(QueryResponse.builder().items(items(2)).build());
        var query = new PredictionQuery("iris", null, FROM, TO, 1, null, true, true);

        var page = reader.page(query);

        var request = dynamoDb.requests.get(0);
        assertThat(request.indexName()).isEqualTo("byModel");
        assertThat(request.keyConditionExpression()).isEqualTo("#model = :partition AND #sk BETWEEN :from AND :to");
        assertThat(request.expressionAttributeValues()).containsEntry(":partition", AttributeValue.fromS("iris"));
        assertThat(PredictionLogCursor.decode(page.nextCursor(), query).startKey()).containsOnlyKeys("model", "pk", "sk");
    }

    @Test
    void page_shouldUseLastEvaluatedKey_whenDynamoDbStoppedAtOneMegabyte() {
        var lek = Map.of("pk", AttributeValue.fromS("iris#1"), "sk", AttributeValue.fromS("2026-11-23T10:59:00.000Z#r0#00000"));
        dynamoDb.answers.add(QueryResponse.builder().items(items(1)).lastEvaluatedKey(lek).build());
        var query = new PredictionQuery("iris", "1", FROM, TO, 100, null, true, true);

        var page = reader.page(query);

        assertThat(page.items()).hasSize(1);
        assertThat(PredictionLogCursor.decode(page.nextCursor(), query).startKey()).isEqualTo(lek);
    }

    @Test
    void page_shouldFailInvalidCursor_whenDynamoDbRejectsTheStartKey() {
        // GIVEN a cursor that passes our checks but that DynamoDB refuses
        dynamoDb.answers.add(QueryResponse.builder().items(items(3)).build());
        var first = new PredictionQuery("iris", "1", FROM, TO, 2, null, true, true);
        var cursor = reader.page(first).nextCursor();
        dynamoDb.answers.add(DynamoDbException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException").errorMessage("The provided starting key is invalid").build())
                .build());

        // WHEN / THEN
        assertThatThrownBy(() -> reader.page(first.withCursor(cursor)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_CURSOR"));
    }

    @Test
    void page_shouldRethrow_whenDynamoDbFailsWithoutCursor() {
        dynamoDb.answers.add(DynamoDbException.builder().statusCode(500).message("boom").build());

        assertThatThrownBy(() -> reader.page(new PredictionQuery("iris", "1", FROM, TO, 2, null, true, true)))
                .isInstanceOf(DynamoDbException.class);
    }
}
