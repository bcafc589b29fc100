package io.mlserve.core.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The keys table (DynamoDB in production). Names are unique among active keys: a revoked key keeps
 * its item, and its name may be given to a new key (rotation).
 */
public interface KeyStore {

    /**
     * @param keyHash {@link KeyHash#of} a presented key value
     * @return the key with that hash, active or revoked
     */
    Optional<ApiKeyRecord> findByHash(String keyHash);

    /**
     * @param name key name
     * @return the active key of that name, else the most recently created revoked one, else empty
     */
    Optional<ApiKeyRecord> findByName(String name);

    /** @return every key, active and revoked, oldest first */
    List<ApiKeyRecord> list();

    /**
     * Stores a new active key, atomically conditional on its hash being new and its name not held by
     * another active key.
     *
     * @param key the key (status active)
     * @throws KeyConflictException when the hash exists or the name is taken
     * @throws IllegalArgumentException when the key is not active
     */
    void create(ApiKeyRecord key);

    /**
     * Revokes the active key of that name. Revoking a name with no active key changes nothing.
     *
     * @param name key name
     * @param at revocation time
     * @return the key as it now stands (revoked), or empty when no key ever had that name
     */
    Optional<ApiKeyRecord> revoke(String name, Instant at);
}
