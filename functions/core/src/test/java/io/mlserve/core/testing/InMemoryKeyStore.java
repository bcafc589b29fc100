package io.mlserve.core.testing;

import io.mlserve.core.access.ApiKeyRecord;
import io.mlserve.core.access.KeyConflictException;
import io.mlserve.core.access.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A keys table in memory with the same conditions as the DynamoDB one (new hash, name free among active keys). */
public final class InMemoryKeyStore implements KeyStore {
    private final Map<String, ApiKeyRecord> byHash = new LinkedHashMap<>();

    @Override
    public synchronized Optional<ApiKeyRecord> findByHash(String keyHash) {
        return Optional.ofNullable(byHash.get(keyHash));
    }

    @Override
    public synchronized Optional<ApiKeyRecord> findByName(String name) {
        var named = byHash.values().stream().filter(k -> k.name().equals(name)).toList();
        return named.stream().filter(ApiKeyRecord::active).findFirst()
                .or(() -> named.stream().max(Comparator.comparing(ApiKeyRecord::createdAt)));
    }

    @Override
    public synchronized List<ApiKeyRecord> list() {
        var all = new ArrayList<>(byHash.values());
        all.sort(Comparator.comparing(ApiKeyRecord::createdAt).thenComparing(ApiKeyRecord::name));
        return all;
    }

    @Override
    public synchronized void create(ApiKeyRecord key) {
        if (!key.active()) {
            throw new IllegalArgumentException("a new key is active");
        }
        if (byHash.containsKey(key.keyHash())) {
            throw new KeyConflictException("a key with this value exists");
        }
        if (byHash.values().stream().anyMatch(k -> k.active() && k.name().equals(key.name()))) {
            throw new KeyConflictException("an active key named '" + key.name() + "' exists");
        }
        byHash.put(key.keyHash(), key);
    }

    @Override
    public synchronized Optional<ApiKeyRecord> revoke(String name, Instant at) {
        var active = byHash.values().stream().filter(k -> k.active() && k.name().equals(name)).findFirst();
        if (active.isEmpty()) {
            return findByName(name);
        }
        var revoked = active.get().revoked(at);
        byHash.put(revoked.keyHash(), revoked);
        return Optional.of(revoked);
    }

    /**
     * Stores a key as is, bypassing the conditions (for tests that need an odd state).
     *
     * @param key the item
     * @return this store
     */
    public synchronized InMemoryKeyStore with(ApiKeyRecord key) {
        byHash.put(key.keyHash(), key);
        return this;
    }
}
