package io.mlserve.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.drift.DriftConfig;
import io.mlserve.core.drift.DriftConfigStore;
import io.mlserve.core.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Drift configs in the registry table, one item per model beside its versions: {@code pk = MODEL#<name>},
 * {@code sk = DRIFT_CONFIG}, attributes {@code config} (the JSON {@link DriftConfig#toJson} writes), {@code updatedAt},
 * {@code updatedBy}. The registry's own reads never see it (they read by other {@code sk} prefixes or the
 * {@code MODEL} marker).
 */
public final class DynamoDbDriftConfigStore implements DriftConfigStore {
    static final String SK_DRIFT_CONFIG = "DRIFT_CONFIG";

    private final DynamoDbClient dynamoDb;
    private final String table;

    /**
     * @param dynamoDb client
     * @param table registry table name
     */
    public DynamoDbDriftConfigStore(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Optional<StoredConfig> find(String model) {
        var item = dynamoDb.getItem(b -> b.tableName(table).key(key(model)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        try {
            // parsed again, not deserialised: one serialised form, and defaults a later release adds fill in as for a
            // new config; the override keys were checked against the features when the config was set
            JsonNode json = Json.MAPPER.readTree(item.get("config").s());
            var overrides = new ArrayList<String>();
            json.path("thresholds").path("features").fieldNames().forEachRemaining(overrides::add);
            var config = DriftConfig.parse(json, overrides);
            return Optional.of(new StoredConfig(config, text(item, "updatedAt"), text(item, "updatedBy")));
        } catch (IOException e) {
            throw new UncheckedIOException("the stored drift config of '" + model + "' is not JSON", e);
        }
    }

    @Override
    public void put(String model, StoredConfig config) {
        var item = new HashMap<>(key(model));
        item.put("config", AttributeValue.fromS(Json.write(config.config().toJson())));
        item.put("updatedAt", AttributeValue.fromS(config.updatedAt()));
        item.put("updatedBy", AttributeValue.fromS(config.updatedBy()));
        dynamoDb.putItem(b -> b.tableName(table).item(item));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null ? null : value.s();
    }

    private static Map<String, AttributeValue> key(String model) {
        return Map.of("pk", AttributeValue.fromS("MODEL#" + model), "sk", AttributeValue.fromS(SK_DRIFT_CONFIG));
    }
}
