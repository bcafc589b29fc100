package io.mlserve.core.access;

import java.time.Instant;
import java.util.Objects;

/**
 * One item of the keys table. The key's value is not here: only its hash.
 *
 * @param keyHash {@link KeyHash#of} the key value (the table's partition key)
 * @param name human name, unique among active keys (it appears in logs and the audit trail)
 * @param role what the key may do
 * @param status active or revoked
 * @param apiKeyId the API Gateway key carrying the same value (usage plan metering and throttling)
 * @param createdAt when it was made
 * @param revokedAt when it was revoked; null while active
 */
public record ApiKeyRecord(
        String keyHash, String name, Role role, KeyStatus status, String apiKeyId, Instant createdAt, Instant revokedAt) {

    /** Checks the fields every item must have. */
    public ApiKeyRecord {
        Objects.requireNonNull(keyHash, "keyHash");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** @return whether the authorizer accepts this key */
    public boolean active() {
        return status == KeyStatus.ACTIVE;
    }

    /**
     * @param at the revocation time
     * @return this key, revoked at that time
     */
    public ApiKeyRecord revoked(Instant at) {
        return new ApiKeyRecord(keyHash, name, role, KeyStatus.REVOKED, apiKeyId, createdAt, at);
    }
}
