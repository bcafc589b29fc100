package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.training.TrainingTriggers.Claim;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The drift-start record in a registry-shaped table against the DynamoDB emulator (e2e phase): one claim wins when
 * eight race, a claim inside the cooldown is refused with the start in the way, a release puts the previous start back
 * and only the claim's own release does.
 */
class DynamoDbTrainingTriggersIT {
    private static final String TABLE = "tmp-triggers-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");
    private static final Duration COOLDOWN = Duration.ofMinutes(60);
    private static DynamoDbClient dynamoDb;
    private static DynamoDbTrainingTriggers triggers;

    @BeforeAll
    static void createTable() {
        dynamoDb = DynamoDbClient.builder()
                .endpointOverride(URI.create(System.getenv().getOrDefault("AWS_ENDPOINT_URL", "http://localhost:4566")))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        dynamoDb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("pk"), attribute("sk"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE)));
        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(TABLE));
        triggers = new DynamoDbTrainingTriggers(dynamoDb, TABLE);
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    @AfterAll
    static void dropTable() {
        if (dynamoDb != null) {
            dynamoDb.deleteTable(b -> b.tableName(TABLE));
            dynamoDb.close();
        }
    }

    @Test
    void claimDriftStart_shouldLetOneOfEightWin_whenTheyRace() throws Exception {
        // GIVEN eight events for the same model at the same moment
        var model = "race-" + UUID.randomUUID().toString().substring(0, 8);
        var pool = Executors.newFixedThreadPool(8);
        var go = new CountDownLatch(1);
        var claims = new ArrayList<Future<Claim>>();
        try {
            for (int i = 0; i < 8; i++) {
                var claimId = "claim-" + i;
                Callable<Claim> claim = () -> {
                    go.await();
                    return triggers.claimDriftStart(model, claimId, NOW, NOW.minus(COOLDOWN));
                };
                claims.add(pool.submit(claim));
            }
            // WHEN
            go.countDown();
            // THEN
            int won = 0;
            for (var f : claims) {
                var claim = f.get();
                if (claim.claimed()) {
                    won++;
                    assertThat(claim.last()).isNull();
                } else {
                    assertThat(claim.last()).isEqualTo(NOW);
                }
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void claimDriftStart_shouldRefuseInsideTheCooldown_andWinAfterIt() {
        var model = "cooldown-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(triggers.claimDriftStart(model, "a", NOW, NOW.minus(COOLDOWN))).isEqualTo(new Claim(true, null));

        var later = NOW.plus(Duration.ofMinutes(59));
        var refused = triggers.claimDriftStart(model, "b", later, later.minus(COOLDOWN));
        var after = NOW.plus(COOLDOWN);
        var won = triggers.claimDriftStart(model, "c", after, after.minus(COOLDOWN));

        assertThat(refused).isEqualTo(new Claim(false, NOW));
        assertThat(won).isEqualTo(new Claim(true, NOW));
    }

    @Test
    void releaseDriftStart_shouldPutThePreviousStartBack_onlyForItsOwnClaim() {
        // GIVEN a start at NOW, then a claim an hour later that started nothing
        var model = "release-" + UUID.randomUUID().toString().substring(0, 8);
        triggers.claimDriftStart(model, "a", NOW, NOW.minus(COOLDOWN));
        var next = NOW.plus(COOLDOWN);
        var claim = triggers.claimDriftStart(model, "b", next, next.minus(COOLDOWN));

        // WHEN a stale claim id releases (a no-op), then the claim's own
        triggers.releaseDriftStart(model, "a", null);
        triggers.releaseDriftStart(model, "b", claim.last());

        // THEN the record says NOW again: a claim just after the hour wins, one inside it does not
        var inside = NOW.plus(Duration.ofMinutes(30));
        assertThat(triggers.claimDriftStart(model, "c", inside, inside.minus(COOLDOWN))).isEqualTo(new Claim(false, NOW));
        var fresh = "fresh-" + model;
        var first = triggers.claimDriftStart(fresh, "x", NOW, NOW.minus(COOLDOWN));
        triggers.releaseDriftStart(fresh, "x", first.last()); // back to no start at all
        assertThat(triggers.claimDriftStart(fresh, "y", NOW, NOW.minus(COOLDOWN))).isEqualTo(new Claim(true, null));
    }

    @Test
    void claimStart_shouldKeepEachSignalsCooldownApart_inItsOwnItem() {
        var model = "signals-" + UUID.randomUUID().toString().substring(0, 8);
        // GIVEN drift started training now
        assertThat(triggers.claimDriftStart(model, "d", NOW, NOW.minus(COOLDOWN)).claimed()).isTrue();

        // WHEN quality claims at the same time, then again inside its own cooldown
        var quality = triggers.claimStart("quality", model, "q1", NOW, NOW.minus(COOLDOWN));
        var again = triggers.claimStart("quality", model, "q2", NOW.plusSeconds(60), NOW.plusSeconds(60).minus(COOLDOWN));

        // THEN quality is not held back by drift's start, but by its own; drift's record is untouched
        assertThat(quality).isEqualTo(new Claim(true, null));
        assertThat(again).isEqualTo(new Claim(false, NOW));
        assertThat(triggers.claimDriftStart(model, "d2", NOW.plusSeconds(60), NOW.plusSeconds(60).minus(COOLDOWN)))
                .isEqualTo(new Claim(false, NOW));
        var item = dynamoDb.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("MODEL#" + model),
                "sk", AttributeValue.fromS("TRAINING_TRIGGERS#quality")))).item();
        assertThat(item).containsKey("lastQualityStartAt").containsEntry("lastQualityStartIso", AttributeValue.fromS(NOW.toString()));
    }
}
