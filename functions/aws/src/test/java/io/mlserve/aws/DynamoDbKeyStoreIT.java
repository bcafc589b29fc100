package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.access.AccessPolicy;
import io.mlserve.core.access.ApiKeyRecord;
import io.mlserve.core.access.KeyConflictException;
import io.mlserve.core.access.KeyHash;
import io.mlserve.core.access.KeyStatus;
import io.mlserve.core.access.Role;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
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
 * The keys table against the DynamoDB emulator (run in the e2e phase, when it is up): the name guard
 * keeps names unique among active keys, also under concurrent creates, and revocation frees the name.
 */
class DynamoDbKeyStoreIT {
    private static final String TABLE = "tmp-keys-" + UUID.randomUUID().toString().substring(0, 8);
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static DynamoDbClient dynamoDb;
    private static DynamoDbKeyStore store;

    @BeforeAll
    static void createTable() {
        dynamoDb = DynamoDbClient.builder()
                .endpointOverride(URI.create(System.getenv().getOrDefault("AWS_ENDPOINT_URL", "http://localhost:4566")))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        dynamoDb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("keyHash").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("keyHash").keyType(KeyType.HASH).build()));
        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(TABLE));
        store = new DynamoDbKeyStore(dynamoDb, TABLE);
    }

    @AfterAll
    static void dropTable() {
        if (dynamoDb != null) {
            dynamoDb.deleteTable(b -> b.tableName(TABLE));
            dynamoDb.close();
        }
    }

    private static ApiKeyRecord key(String value, String name, Role role, Instant at) {
        return new ApiKeyRecord(KeyHash.of(value), name, role, KeyStatus.ACTIVE, "gw-" + name, at, null);
    }

    @Test
    void create_shouldStoreTheKey_andFindItByHashAndName() {
        var key = key("alpha-value-".repeat(4), "alpha", Role.PREDICT, T0);

        store.create(key);

        assertThat(store.findByHash(key.keyHash())).contains(key);
        assertThat(store.findByName("alpha")).contains(key);
        assertThat(store.list()).contains(key).noneMatch(k -> k.keyHash().startsWith("name#"));
        assertThat(new AccessPolicy(store).decide("alpha-value-".repeat(4))).isEqualTo(new AccessPolicy.Allowed(Role.PREDICT, "alpha"));
    }

    @Test
    void create_shouldRefuse_whenTheNameIsActiveOrTheValueExists() {
        store.create(key("beta-value-".repeat(4), "beta", Role.ADMIN, T0));

        assertThatThrownBy(() -> store.create(key("other-value-".repeat(4), "beta", Role.PREDICT, T0)))
                .isInstanceOf(KeyConflictException.class).hasMessageContaining("beta");
        assertThatThrownBy(() -> store.create(key("beta-value-".repeat(4), "beta-2", Role.PREDICT, T0)))
                .isInstanceOf(KeyConflictException.class);
        assertThat(store.findByName("beta-2")).isEmpty();
        assertThat(store.findByName("beta")).get().extracting(ApiKeyRecord::role).isEqualTo(Role.ADMIN);
    }

    @Test
    void revoke_shouldMarkTheKeyRevoked_andFreeTheName() {
        var first = key("gamma-one-".repeat(4), "gamma", Role.PREDICT, T0);
        store.create(first);

        var revoked = store.revoke("gamma", T0.plusSeconds(60)).orElseThrow();

        assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(revoked.revokedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(new AccessPolicy(store).decide("gamma-one-".repeat(4))).isInstanceOf(AccessPolicy.Denied.class);
        // revoking again changes nothing
        assertThat(store.revoke("gamma", T0.plusSeconds(120))).contains(revoked);
        // the name can be given to a new key; the old item stays
        var second = key("gamma-two-".repeat(4), "gamma", Role.PREDICT, T0.plusSeconds(180));
        store.create(second);
        assertThat(store.findByName("gamma")).contains(second);
        assertThat(store.findByHash(first.keyHash())).contains(revoked);
        assertThat(store.revoke("nobody", T0)).isEmpty();
    }

    @Test
    void create_shouldLetExactlyOneWin_whenEightCallersRaceForOneName() throws Exception {
        // GIVEN eight different values for the same name
        var outcomes = new ArrayList<Future<Boolean>>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                var candidate = key("delta-" + i + "-".repeat(30), "delta", Role.PREDICT, T0);
                Callable<Boolean> create = () -> {
                    try {
                        store.create(candidate);
                        return true;
                    } catch (KeyConflictException e) {
                        return false;
                    }
                };
                // WHEN they all create at once
                outcomes.add(pool.submit(create));
            }
        }
        int winners = 0;
        for (var outcome : outcomes) {
            winners += outcome.get() ? 1 : 0;
        }

        // THEN one key holds the name, and no other item was written
        assertThat(winners).isEqualTo(1);
        assertThat(store.list()).filteredOn(k -> k.name().equals("delta")).hasSize(1);
    }
}
