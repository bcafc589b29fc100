package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.jobs.JobStatus;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
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
 * The training lock in the jobs table against the DynamoDB emulator (e2e phase): one holder when eight race,
 * released only by its holder, taken over when stale, and never listed as a job.
 */
class DynamoDbTrainingLockIT {
    private static final String TABLE = "tmp-lock-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");
    private static DynamoDbClient dynamoDb;
    private static DynamoDbTrainingLock lock;
    private static DynamoDbJobStore jobs;

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
        lock = new DynamoDbTrainingLock(dynamoDb, TABLE);
        jobs = new DynamoDbJobStore(dynamoDb, TABLE);
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

    @Test
    void acquire_shouldGiveTheLockToOne_whenEightJobsRace_andNameTheHolderToTheOthers() throws Exception {
        // WHEN eight jobs ask at once
        var outcomes = new ArrayList<Future<Optional<String>>>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                var jobId = "t-race-" + i;
                Callable<Optional<String>> attempt = () -> lock.acquire("race", jobId, NOW);
                outcomes.add(pool.submit(attempt));
            }
        }

        // THEN one got it, and the seven others were told who has it
        var holders = new ArrayList<String>();
        int won = 0;
        for (int i = 0; i < 8; i++) {
            var held = outcomes.get(i).get();
            if (held.isEmpty()) {
                won++;
                holders.add("t-race-" + i);
            } else {
                holders.add(held.get());
            }
        }
        assertThat(won).isEqualTo(1);
        assertThat(holders).containsOnly(holders.get(0));
    }

    @Test
    void release_shouldFreeTheLock_onlyForItsHolder() {
        assertThat(lock.acquire("release", "t-a", NOW)).isEmpty();

        lock.release("release", "t-b"); // not the holder: no effect
        assertThat(lock.acquire("release", "t-c", NOW)).contains("t-a");

        lock.release("release", "t-a");
        assertThat(lock.acquire("release", "t-c", NOW)).isEmpty();
        lock.release("release", "t-a"); // released twice: still t-c's
        assertThat(lock.acquire("release", "t-d", NOW)).contains("t-c");
    }

    @Test
    void acquire_shouldTakeAStaleLockOver() {
        assertThat(lock.acquire("stale", "t-old", NOW)).isEmpty();

        assertThat(lock.acquire("stale", "t-new", NOW.plus(Duration.ofMinutes(59)))).contains("t-old");
        assertThat(lock.acquire("stale", "t-new", NOW.plus(DynamoDbTrainingLock.STALE_AFTER).plusSeconds(1))).isEmpty();

        lock.release("stale", "t-old"); // the old job finally ends: it must not free its successor's lock
        assertThat(lock.acquire("stale", "t-third", NOW.plus(Duration.ofMinutes(70)))).contains("t-new");
    }

    @Test
    void lockItems_shouldNotBeListedOrFoundAsJobs() {
        lock.acquire("listed", "t-listed", NOW);

        assertThat(jobs.list("listed", null, 500, null).jobs()).isEmpty();
        assertThat(jobs.list(null, JobStatus.QUEUED, 500, null).jobs()).isEmpty();
        assertThat(jobs.find("LOCK#train#listed")).isEmpty();
    }
}
