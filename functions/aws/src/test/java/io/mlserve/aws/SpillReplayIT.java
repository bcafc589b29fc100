package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.CircuitBreaker;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionLogEvents;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.store.SpillReplay;
import io.mlserve.core.store.SpillingPredictionLog;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The spill end to end against the emulator ({@code AWS_ENDPOINT_URL}, default :4566; skipped when it is not running):
 * rows the (missing) table refuses go to a real SQS queue through the real {@link SqsPredictionSpill}; replaying the
 * messages with the real writer's conditional PutItem puts each row on the key a normal write gives it, once, and a
 * second replay after feedback was recorded on a row leaves the row — and its feedback — as they were.
 */
class SpillReplayIT {
    private static final String TABLE = "tmp-spill-" + UUID.randomUUID().toString().substring(0, 8);
    private static final LogShards SHARDS = LogShards.fixed(4);
    private static DynamoDbClient dynamoDb;
    private static SqsClient sqs;
    private static String queueUrl;

    @BeforeAll
    static void createTableAndQueue() {
        var endpoint = EmulatorFixture.endpoint();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        dynamoDb = DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        dynamoDb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S)));
        queueUrl = sqs.createQueue(b -> b.queueName(TABLE)).queueUrl();
    }

    @AfterAll
    static void deleteTableAndQueue() {
        if (dynamoDb != null) {
            dynamoDb.deleteTable(b -> b.tableName(TABLE));
            sqs.deleteQueue(b -> b.queueUrl(queueUrl));
        }
    }

    @Test
    void spilledRows_shouldLandOnceOnTheirOwnKeys_andASecondReplayShouldKeepFeedback() {
        // GIVEN 60 rows written while the table cannot be reached (another table name: ResourceNotFoundException)
        var rows = new ArrayList<PredictionRecord>();
        var at = Instant.parse("2026-12-04T10:00:00.123Z");
        for (int i = 0; i < 60; i++) {
            rows.add(new PredictionRecord(new ModelRef("iris", "7"), "req-" + (i / 20), i % 20, at, Map.of("petal_length", 1.4 + i),
                    Map.of("label", "setosa", "probabilities", Map.of("setosa", 0.9, "virginica", 0.1)), 0.5, "api", null));
        }
        var broken = new DynamoDbPredictionLog(dynamoDb, TABLE + "-gone", Duration.ofDays(30), Duration.ofMillis(300), SHARDS);
        var log = new SpillingPredictionLog(broken, new SqsPredictionSpill(sqs, queueUrl),
                new CircuitBreaker(3, Duration.ofSeconds(30), Clock.systemUTC()), PredictionLogEvents.NONE);
        for (int from = 0; from < 60; from += 20) {
            assertThat(log.write(rows.subList(from, from + 20)).complete()).isTrue();
        }

        // WHEN the spill is replayed into the table
        var writer = new DynamoDbPredictionLog(dynamoDb, TABLE, Duration.ofDays(30), SHARDS);
        var replay = new SpillReplay(writer::putIfAbsent);
        var bodies = receiveAll();
        int replayed = 0;
        for (var body : bodies) {
            replayed += replay.replay(body).replayed();
        }

        // THEN each row is in the table once, on the key the normal writer gives it
        assertThat(replayed).isEqualTo(60);
        var items = dynamoDb.scanPaginator(b -> b.tableName(TABLE)).items().stream().toList();
        assertThat(items).hasSize(60);
        for (var row : rows) {
            var key = DynamoDbPredictionLog.key(row, 4);
            var item = dynamoDb.getItem(b -> b.tableName(TABLE).key(key).consistentRead(true)).item();
            assertThat(item.get("requestId").s()).isEqualTo(row.requestId());
            assertThat(item.get("output").m().get("label").s()).isEqualTo("setosa");
        }

        // WHEN feedback is recorded on one row, and the whole spill is replayed again
        var labelled = DynamoDbPredictionLog.key(rows.get(5), 4);
        dynamoDb.updateItem(b -> b.tableName(TABLE).key(labelled).updateExpression("SET actual = :a")
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("virginica"))));
        int again = 0;
        int present = 0;
        for (var body : bodies) {
            var result = replay.replay(body);
            again += result.replayed();
            present += result.alreadyPresent();
        }

        // THEN nothing is written twice and the feedback stays
        assertThat(again).isZero();
        assertThat(present).isEqualTo(60);
        assertThat(dynamoDb.scanPaginator(b -> b.tableName(TABLE)).items().stream().count()).isEqualTo(60);
        assertThat(dynamoDb.getItem(b -> b.tableName(TABLE).key(labelled).consistentRead(true)).item().get("actual").s())
                .isEqualTo("virginica");
    }

    private static List<String> receiveAll() {
        var bodies = new ArrayList<String>();
        for (int i = 0; i < 10; i++) {
            var messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            if (messages.isEmpty() && !bodies.isEmpty()) {
                break;
            }
            for (var message : messages) {
                bodies.add(message.body());
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
        return bodies;
    }
}
