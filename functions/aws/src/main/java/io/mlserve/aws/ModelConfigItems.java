package io.mlserve.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One JSON config item per model in the registry table, beside its versions: {@code pk = MODEL#<name>},
 * {@code sk = <sk>}, attributes {@code config} (JSON text), {@code updatedAt}, {@code updatedBy}. The registry's own
 * reads never see it (they read by other {@code sk} prefixes or the {@code MODEL} marker). Shared by the drift and
 * quality config stores, which parse the JSON into their own config.
 */
final class ModelConfigItems {
    /** A stored item: the config as JSON, when and by whom it was set. */
    record Item(JsonNode config, String updatedAt, String updatedBy) {}

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String sk;
    private final String kind;

    /**
     * @param dynamoDb client
     * @param table registry table name
     * @param sk the item's sort key
     * @param kind what the config is, for messages ({@code drift}, {@code quality})
     */
    ModelConfigItems(DynamoDbClient dynamoDb, String table, String sk, String kind) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.sk = sk;
        this.kind = kind;
    }

    /** The model's item, read consistently; empty when none was set. */
    Optional<Item> find(String model) {
        var item = dynamoDb.getItem(b -> b.tableName(table).key(key(model)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Item(Json.MAPPER.readTree(item.get("config").s()), text(item, "updatedAt"), text(item, "updatedBy")));
        } catch (IOException e) {
            throw new UncheckedIOException("the stored " + kind + " config of '" + model + "' is not JSON", e);
        }
    }

    void put(String model, JsonNode config, String updatedAt, String updatedBy) {
        var item = new HashMap<>(key(model));
        item.put("config", AttributeValue.fromS(Json.write(config)));
        item.put("updatedAt", AttributeValue.fromS(updatedAt));
        item.put("updatedBy", AttributeValue.fromS(updatedBy));
        dynamoDb.putItem(b -> b.tableName(table).item(item));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null ? null : value.s();
    }

    private Map<String, AttributeValue> key(String model) {
        return Map.of("pk", AttributeValue.fromS("MODEL#" + model), "sk", AttributeValue.fromS(sk));
    }
}
