package io.mlserve.aws;

import io.mlserve.core.access.ApiKeyRecord;
import io.mlserve.core.access.KeyConflictException;
import io.mlserve.core.access.KeyStatus;
import io.mlserve.core.access.KeyStore;
import io.mlserve.core.access.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The keys table: partition key {@code keyHash} (lowercase hex sha256 of the key value), attributes
 * {@code name}, {@code role}, {@code status} ({@code active}|{@code revoked}), {@code apiKeyId},
 * {@code createdAt}, {@code revokedAt} (ISO-8601).
 *
 * <p>Names are unique among active keys through one guard item per active name,
 * {@code keyHash = name#<name>} with {@code activeKeyHash}: creating a key puts its item and the
 * guard in one transaction, each conditional on not existing; revoking updates the item and deletes
 * the guard in one transaction. A guard can never be mistaken for a key: a sha256 hex has no
 * {@code #}. N.B. the table holds a handful of items, so listing and looking up revoked names scan.
 */
public final class DynamoDbKeyStore implements KeyStore {
    static final String NAME_GUARD_PREFIX = "name#";

    private final DynamoDbClient dynamoDb;
    private final String table;

    /**
     * @param dynamoDb client
     * @param table keys table name
     */
    public DynamoDbKeyStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Optional<ApiKeyRecord> findByHash(String keyHash) {
        if (keyHash.startsWith(NAME_GUARD_PREFIX)) {
            return Optional.empty();
        }
        // consistent: a key revoked a moment ago must not pass (the authorizer cache TTL is the only delay)
        var item = dynamoDb.getItem(b -> b.tableName(table).key(key(keyHash)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toRecord(item));
    }

    @Override
    public Optional<ApiKeyRecord> findByName(String name) {
        var active = activeHash(name).flatMap(this::findByHash);
        if (active.isPresent()) {
            return active;
        }
        return scanKeys().stream().filter(k -> k.name().equals(name)).max(Comparator.comparing(ApiKeyRecord::createdAt));
    }

    @Override
    public List<ApiKeyRecord> list() {
        var keys = new ArrayList<>(scanKeys());
        keys.sort(Comparator.comparing(ApiKeyRecord::createdAt).thenComparing(ApiKeyRecord::name));
        return keys;
    }

    @Override
    public void create(ApiKeyRecord key) {
        if (!key.active()) {
            throw new IllegalArgumentException("a new key is active");
        }
        var guard = new HashMap<>(key(NAME_GUARD_PREFIX + key.name()));
        guard.put("activeKeyHash", AttributeValue.fromS(key.keyHash()));
        var writes = List.of(
                put(toItem(key)),
                put(guard));
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(writes));
        } catch (TransactionCanceledException e) {
            var reasons = e.cancellationReasons();
            if (reasons != null && reasons.size() == 2 && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                throw new KeyConflictException("a key with this value exists");
            }
            if (reasons == null || reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                throw new KeyConflictException("an active key named '" + key.name() + "' exists");
            }
            throw e;
        }
    }

    @Override
    public Optional<ApiKeyRecord> revoke(String name, Instant at) {
        var hash = activeHash(name);
        if (hash.isEmpty()) {
            return findByName(name); // already revoked, or never existed
        }
        var update = Update.builder().tableName(table).key(key(hash.get()))
                .updateExpression("SET #status = :revoked, revokedAt = :at")
                .conditionExpression("#status = :active")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(
                        ":revoked", AttributeValue.fromS(KeyStatus.REVOKED.apiName()),
                        ":active", AttributeValue.fromS(KeyStatus.ACTIVE.apiName()),
                        ":at", AttributeValue.fromS(at.toString())))
                .build();
        var delete = Delete.builder().tableName(table).key(key(NAME_GUARD_PREFIX + name))
                .conditionExpression("activeKeyHash = :hash")
                .expressionAttributeValues(Map.of(":hash", AttributeValue.fromS(hash.get())))
                .build();
        try {
            dynamoDb.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().update(update).build(), TransactWriteItem.builder().delete(delete).build()));
        } catch (TransactionCanceledException e) {
            // a concurrent revoke won: the key is revoked either way
        }
        return findByHash(hash.get());
    }

    private Optional<String> activeHash(String name) {
        var guard = dynamoDb.getItem(b -> b.tableName(table).key(key(NAME_GUARD_PREFIX + name)).consistentRead(true)).item();
        if (guard == null || !guard.containsKey("activeKeyHash")) {
            return Optional.empty();
        }
        return Optional.of(guard.get("activeKeyHash").s());
    }

    private List<ApiKeyRecord> scanKeys() {
        var keys = new ArrayList<ApiKeyRecord>();
        dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(item -> {
            if (!item.get("keyHash").s().startsWith(NAME_GUARD_PREFIX)) {
                keys.add(toRecord(item));
            }
        });
        return keys;
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(keyHash)").build()).build();
    }

    private static Map<String, AttributeValue> key(String keyHash) {
        return Map.of("keyHash", AttributeValue.fromS(keyHash));
    }

    static Map<String, AttributeValue> toItem(ApiKeyRecord key) {
        var item = new HashMap<>(key(key.keyHash()));
        item.put("name", AttributeValue.fromS(key.name()));
        item.put("role", AttributeValue.fromS(key.role().apiName()));
        item.put("status", AttributeValue.fromS(key.status().apiName()));
        if (key.apiKeyId() != null) {
            item.put("apiKeyId", AttributeValue.fromS(key.apiKeyId()));
        }
        item.put("createdAt", AttributeValue.fromS(key.createdAt().toString()));
        if (key.revokedAt() != null) {
            item.put("revokedAt", AttributeValue.fromS(key.revokedAt().toString()));
        }
        return item;
    }

    static ApiKeyRecord toRecord(Map<String, AttributeValue> item) {
        return new ApiKeyRecord(s(item, "keyHash"), s(item, "name"), Role.fromApi(s(item, "role")),
                KeyStatus.fromApi(s(item, "status")), s(item, "apiKeyId"), Instant.parse(s(item, "createdAt")),
                item.containsKey("revokedAt") ? Instant.parse(s(item, "revokedAt")) : null);
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        var v = item.get(name);
        return v == null ? null : v.s();
    }
}
