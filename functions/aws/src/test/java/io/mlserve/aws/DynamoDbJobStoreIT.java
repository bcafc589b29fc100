package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.jobs.RangeResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The jobs table's conditional writes against the DynamoDB emulator (run in the e2e phase, when it is up):
 * one claim per id, each range counted once even when eight attempts race, listing newest first by GSI.
 */
class DynamoDbJobStoreIT {
    private static final String TABLE = "tmp-jobs-" + UUID.randomUUID().toString().substring(0, 8);
    private static DynamoDbClient dynamoDb;
    private static DynamoDbJobStore store;

    @BeforeAll
    static void createTable() {
        dynamoDb = DynamoDbClient.builder()
                .endpointOverride(URI.create(System.getenv().getOrDefault("AWS_ENDPOINT_URL", "http://localhost:4566")))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        dynamoDb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("pk"), attribute("sk"), attribute("model"), attribute("kind"), attribute("startedAt"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .globalSecondaryIndexes(index("byModel", "model"), index("all", "kind")));
        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(TABLE));
        store = new DynamoDbJobStore(dynamoDb, TABLE);
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static GlobalSecondaryIndex index(String name, String partition) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(key(partition, KeyType.HASH), key("startedAt", KeyType.RANGE))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build();
    }

    @AfterAll
    static void dropTable() {
        if (dynamoDb != null) {
            dynamoDb.deleteTable(b -> b.tableName(TABLE));
            dynamoDb.close();
        }
    }

    private static Job queued(String id, String model, String startedAt) {
        var job = Job.queued(id, Job.BATCH, model, null, "s3://data/batch/input/" + model + "/f.csv", startedAt);
        return new Job(job.jobId(), job.type(), job.model(), job.version(), job.status(), job.input(), 0, 0, 0, 0, 0, List.of(), List.of(),
                job.startedAt(), null, null, Map.of("rangeBytes", 4096L));
    }

    @Test
    void claim_shouldCreateOnce_andReturnTheStoredJobToTheSecondCaller() {
        var first = queued("b-claim", "alpha", "2026-11-24T00:00:00Z");
        assertThat(store.claim(first)).isSameAs(first);
        var again = queued("b-claim", "alpha", "2026-11-24T09:00:00Z");
        var stored = store.claim(again);
        assertThat(stored).isNotSameAs(again);
        assertThat(stored.startedAt()).isEqualTo("2026-11-24T00:00:00Z");
        assertThat(stored.details()).containsEntry("rangeBytes", 4096L);
        assertThat(stored.status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void completeRange_shouldCountOnce_whenEightAttemptsRace() throws Exception {
        // GIVEN a running job of two ranges
        store.claim(queued("b-race", "alpha", "2026-11-24T01:00:00Z"));
        store.start("b-race", "3", 2);
        store.start("b-race", "4", 9); // no-op: already running

        // WHEN eight attempts of range 0 record it at once, then range 1 once
        var outcomes = new ArrayList<Future<Boolean>>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                Callable<Boolean> attempt = () -> store.completeRange("b-race", new RangeResult(0, 10, 8, 2, 11, "s3://d/p0", "s3://d/e0"));
                outcomes.add(pool.submit(attempt));
            }
        }
        int counted = 0;
        for (var outcome : outcomes) {
            counted += outcome.get() ? 1 : 0;
        }
        assertThat(store.completeRange("b-race", new RangeResult(1, 5, 5, 0, 5, "s3://d/p1", null))).isTrue();

        // THEN exactly one attempt counted, and the job holds each range's counts once
        assertThat(counted).isEqualTo(1);
        var job = store.find("b-race").orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(job.version()).isEqualTo("3");
        assertThat(job.chunksTotal()).isEqualTo(2);
        assertThat(job.chunksDone()).isEqualTo(2);
        assertThat(List.of(job.rowsRead(), job.rowsPredicted(), job.rowsRejected())).containsExactly(15L, 13L, 2L);
        assertThat(store.ranges("b-race")).containsExactly(new RangeResult(0, 10, 8, 2, 11, "s3://d/p0", "s3://d/e0"),
                new RangeResult(1, 5, 5, 0, 5, "s3://d/p1", null));
    }

    @Test
    void finish_shouldEndOnce() {
        store.claim(queued("b-end", "alpha", "2026-11-24T02:00:00Z"));
        store.start("b-end", "1", 1);
        store.finish("b-end", JobStatus.FAILED, List.of(), List.of(), "the file is empty", "2026-11-24T02:00:01Z");
        store.finish("b-end", JobStatus.SUCCEEDED, List.of("s3://d/p"), List.of(), null, "2026-11-24T02:00:02Z");
        var job = store.find("b-end").orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failureReason()).isEqualTo("the file is empty");
        assertThat(job.endedAt()).isEqualTo("2026-11-24T02:00:01Z");
    }

    @Test
    void list_shouldPageNewestFirst_byModelAndOverall_withStatusFilter() {
        for (int i = 0; i < 5; i++) {
            store.claim(queued("b-list-" + i, "listed", "2026-11-25T00:00:0" + i + "Z"));
        }
        store.start("b-list-3", "1", 1);

        var first = store.list("listed", null, 2, null);
        assertThat(first.jobs()).extracting(Job::jobId).containsExactly("b-list-4", "b-list-3");
        var second = store.list("listed", null, 2, first.nextCursor());
        assertThat(second.jobs()).extracting(Job::jobId).containsExactly("b-list-2", "b-list-1");
        var third = store.list("listed", null, 2, second.nextCursor());
        assertThat(third.jobs()).extracting(Job::jobId).containsExactly("b-list-0");
        assertThat(third.nextCursor()).isNull();

        assertThat(store.list("listed", JobStatus.RUNNING, 10, null).jobs()).extracting(Job::jobId).containsExactly("b-list-3");
        var all = store.list(null, null, 500, null).jobs();
        assertThat(all).extracting(Job::jobId).contains("b-list-4", "b-list-0");
        assertThat(all).extracting(Job::startedAt).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        assertThatThrownBy(() -> store.list("other", null, 2, first.nextCursor())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("different query");
        assertThatThrownBy(() -> store.list("listed", null, 2, first.nextCursor() + "x")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void updateDetails_shouldMergeTopLevelKeys_andKeepTheOthers() {
        // GIVEN a job with one detail
        store.claim(queued("t-details", "alpha", "2026-11-24T03:00:00Z"));

        // WHEN two steps each add their keys (one replacing a value, one with an odd name and nested values)
        store.updateDetails("t-details", Map.of("champion", 1L, "candidates", List.of(Map.of("index", 0L, "status", "SUCCEEDED"))));
        var fields = new java.util.HashMap<String, Object>();
        fields.put("champion", null);
        fields.put("promotion-reason.x", "no serving version");
        store.updateDetails("t-details", fields);
        store.incrementDetail("t-details", "skippedTriggers");
        store.incrementDetail("t-details", "skippedTriggers");

        // THEN
        var details = store.find("t-details").orElseThrow().details();
        assertThat(details).containsEntry("rangeBytes", 4096L).containsEntry("champion", null)
                .containsEntry("promotion-reason.x", "no serving version").containsEntry("skippedTriggers", 2L)
                .containsEntry("candidates", List.of(Map.of("index", 0L, "status", "SUCCEEDED")));
    }

    @Test
    void updateDetails_shouldRefuse_whenTheJobDoesNotExist() {
        assertThatThrownBy(() -> store.updateDetails("t-missing", Map.of("champion", 0L))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.incrementDetail("t-missing", "skippedTriggers")).isInstanceOf(IllegalStateException.class);
        assertThat(store.find("t-missing")).isEmpty();
    }
}
