package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.access.ApiKeyRecord;
import io.mlserve.core.access.KeyHash;
import io.mlserve.core.access.KeyStatus;
import io.mlserve.core.access.Role;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The keys table's item layout (the contract's attribute names and spellings). */
class DynamoDbKeyStoreTest {
    private static final Instant CREATED = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void toItem_shouldWriteTheContractAttributes_andReadThemBack() {
        var key = new ApiKeyRecord(KeyHash.of("v".repeat(40)), "ops", Role.ADMIN, KeyStatus.REVOKED, "abc123", CREATED,
                CREATED.plusSeconds(60));

        var item = DynamoDbKeyStore.toItem(key);

        assertThat(item).containsEntry("keyHash", AttributeValue.fromS(key.keyHash()))
                .containsEntry("name", AttributeValue.fromS("ops"))
                .containsEntry("role", AttributeValue.fromS("admin"))
                .containsEntry("status", AttributeValue.fromS("revoked"))
                .containsEntry("apiKeyId", AttributeValue.fromS("abc123"))
                .containsEntry("createdAt", AttributeValue.fromS("2026-11-24T10:00:00Z"))
                .containsEntry("revokedAt", AttributeValue.fromS("2026-11-24T10:01:00Z"))
                .hasSize(7);
        assertThat(DynamoDbKeyStore.toRecord(item)).isEqualTo(key);
    }

    @Test
    void toItem_shouldOmitRevokedAt_whileTheKeyIsActive() {
        var key = new ApiKeyRecord(KeyHash.of("w".repeat(40)), "app", Role.PREDICT, KeyStatus.ACTIVE, "k", CREATED, null);

        assertThat(DynamoDbKeyStore.toItem(key)).doesNotContainKey("revokedAt").containsEntry("status", AttributeValue.fromS("active"));
        assertThat(DynamoDbKeyStore.toRecord(DynamoDbKeyStore.toItem(key))).isEqualTo(key);
    }
}
