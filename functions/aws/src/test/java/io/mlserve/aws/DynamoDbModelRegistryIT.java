package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.registry.Aliases;
import io.mlserve.core.registry.AuditEntry;
import io.mlserve.core.registry.CanaryGuard;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.registry.RegistryConflictException;
import io.mlserve.core.registry.VersionStatus;
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
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The registry's conditional transactions against the DynamoDB emulator (run in the e2e phase, when
 * it is up): concurrent alias changes from the same read apply exactly once, and nothing half-applies.
 */
class DynamoDbModelRegistryIT {
    private static final String TABLE = "tmp-registry-" + UUID.randomUUID().toString().substring(0, 8);
    private static DynamoDbClient dynamoDb;
    private static DynamoDbModelRegistry registry;

    @BeforeAll
    static void createTable() {
        dynamoDb = DynamoDbClient.builder()
                .endpointOverride(URI.create(System.getenv().getOrDefault("AWS_ENDPOINT_URL", "http://localhost:4566")))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        dynamoDb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(TABLE));
        registry = new DynamoDbModelRegistry(dynamoDb, TABLE);
    }

    @AfterAll
    static void dropTable() {
        if (dynamoDb != null) {
            dynamoDb.deleteTable(b -> b.tableName(TABLE));
            dynamoDb.close();
        }
    }

    private static RegisteredVersion version(String model, String v) {
        return new RegisteredVersion(model, v, VersionStatus.CANDIDATE, "s3://b/models/" + model + "/" + v + "/", "a".repeat(64),
                "classification", Map.of("accuracy", 0.97), "2026-11-23T10:00:0" + v + "Z", "it");
    }

    private static AuditEntry audit(String model, String action, String v) {
        return new AuditEntry(model, "2026-11-23T10:00:00Z", action, v, null, null, "it", null);
    }

    @Test
    void register_shouldStoreVersionOnce_andListTheModel() {
        registry.register(version("alpha", "1"), audit("alpha", "REGISTERED", "1"));

        assertThatThrownBy(() -> registry.register(version("alpha", "1"), audit("alpha", "REGISTERED", "1")))
                .isInstanceOf(RegistryConflictException.class);
        assertThat(registry.version("alpha", "1")).get().satisfies(v -> {
            assertThat(v.status()).isEqualTo(VersionStatus.CANDIDATE);
            assertThat(v.metrics()).containsEntry("accuracy", 0.97);
        });
        assertThat(registry.modelNames()).contains("alpha");
        assertThat(registry.audit("alpha")).hasSize(1);
    }

    @Test
    void updateAliases_shouldApplyExactlyOnce_whenEightCallersRaceFromTheSameRead() throws Exception {
        // GIVEN eight versions and no aliases yet
        for (int v = 1; v <= 8; v++) {
            registry.register(version("race", Integer.toString(v)), audit("race", "REGISTERED", Integer.toString(v)));
        }
        var read = registry.aliases("race");
        assertThat(read).isEqualTo(Aliases.NONE);

        // WHEN eight callers each try to make their version production, all from that one read
        var outcomes = new ArrayList<Future<String>>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int v = 1; v <= 8; v++) {
                var candidate = version("race", Integer.toString(v));
                Callable<String> promote = () -> {
                    try {
                        registry.updateAliases("race", read, new Aliases(candidate.version(), null, 0, null, 1, "now"),
                                List.of(candidate.withStatus(VersionStatus.SERVING)), audit("race", "PRODUCTION_SET", candidate.version()));
                        return candidate.version();
                    } catch (RegistryConflictException e) {
                        return null;
                    }
                };
                outcomes.add(pool.submit(promote));
            }
        }
        var winners = new ArrayList<String>();
        for (var outcome : outcomes) {
            if (outcome.get() != null) {
                winners.add(outcome.get());
            }
        }

        // THEN exactly one applied: its alias, its status change and its audit entry, nothing of the others
        assertThat(winners).hasSize(1);
        var winner = winners.get(0);
        assertThat(registry.aliases("race").production()).isEqualTo(winner);
        assertThat(registry.aliases("race").revision()).isEqualTo(1);
        assertThat(registry.versions("race")).filteredOn(v -> v.status() == VersionStatus.SERVING)
                .extracting(RegisteredVersion::version).containsExactly(winner);
        assertThat(registry.audit("race")).filteredOn(a -> a.action().equals("PRODUCTION_SET"))
                .extracting(AuditEntry::version).containsExactly(winner);
    }

    @Test
    void updateAliases_shouldRoundTripCanaryAndGuard() {
        registry.register(version("beta", "1"), audit("beta", "REGISTERED", "1"));
        registry.register(version("beta", "2"), audit("beta", "REGISTERED", "2"));
        registry.updateAliases("beta", Aliases.NONE, new Aliases("1", null, 0, null, 1, "t1"), List.of(), audit("beta", "P", "1"));
        var first = registry.aliases("beta");

        var canary = new Aliases("1", "2", 30, new CanaryGuard(0.02, 80.0, 5, 15), 2, "t2");
        registry.updateAliases("beta", first, canary, List.of(), audit("beta", "CANARY_SET", "2"));

        assertThat(registry.aliases("beta")).isEqualTo(canary);
        // a writer still holding the first read is refused, and the canary stays
        assertThatThrownBy(() -> registry.updateAliases("beta", first, new Aliases("2", null, 0, null, 2, "t3"), List.of(),
                audit("beta", "P", "2"))).isInstanceOf(RegistryConflictException.class);
        assertThat(registry.aliases("beta")).isEqualTo(canary);
    }

    @Test
    void pinObjectVersions_shouldRecordThePinsOnce_andStatusChangesShouldKeepThem() {
        // GIVEN a version registered before pinning, and production pointing at it
        registry.register(version("pinned", "1"), audit("pinned", "REGISTERED", "1"));
        var read = registry.version("pinned", "1").orElseThrow();
        var pins = Map.of("model.onnx", "ov-1", "manifest.json", "ov-2");

        // WHEN the backfill records its pins, twice
        registry.pinObjectVersions(read, pins, audit("pinned", "OBJECT_VERSIONS_PINNED", "1"));

        // THEN they are stored once: a second write, or one for a version whose sha256 differs, conflicts
        assertThat(registry.version("pinned", "1").orElseThrow().objectVersions()).isEqualTo(pins);
        assertThatThrownBy(() -> registry.pinObjectVersions(read, Map.of("model.onnx", "x", "manifest.json", "y"),
                audit("pinned", "OBJECT_VERSIONS_PINNED", "1"))).isInstanceOf(RegistryConflictException.class);
        registry.register(version("pinned", "2"), audit("pinned", "REGISTERED", "2"));
        var other = new RegisteredVersion("pinned", "2", VersionStatus.CANDIDATE, null, "b".repeat(64), null, null, null, null);
        assertThatThrownBy(() -> registry.pinObjectVersions(other, pins, audit("pinned", "OBJECT_VERSIONS_PINNED", "2")))
                .isInstanceOf(RegistryConflictException.class);
        // AND a status change from a read made before the pin conflicts instead of erasing it
        assertThatThrownBy(() -> registry.updateAliases("pinned", Aliases.NONE,
                new Aliases("1", null, 0, null, 1, "2026-11-23T10:00:00Z"), List.of(read.withStatus(VersionStatus.SERVING)),
                audit("pinned", "PRODUCTION_SET", "1"))).isInstanceOf(RegistryConflictException.class);
        var fresh = registry.version("pinned", "1").orElseThrow();
        registry.updateAliases("pinned", Aliases.NONE, new Aliases("1", null, 0, null, 1, "2026-11-23T10:00:00Z"),
                List.of(fresh.withStatus(VersionStatus.SERVING)), audit("pinned", "PRODUCTION_SET", "1"));
        assertThat(registry.version("pinned", "1").orElseThrow().objectVersions()).isEqualTo(pins);
        assertThat(registry.audit("pinned")).extracting(AuditEntry::action).contains("OBJECT_VERSIONS_PINNED");
    }
}
