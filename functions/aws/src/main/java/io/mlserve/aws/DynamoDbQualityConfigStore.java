package io.mlserve.aws;

import io.mlserve.core.json.Json;
import io.mlserve.core.quality.QualityConfig;
import io.mlserve.core.quality.QualityConfigStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Quality configs in the registry table beside the drift config: {@code pk = MODEL#<name>}, {@code sk = QUALITY_CONFIG},
 * attributes {@code config} (the JSON {@link QualityConfig#toJson} writes), {@code updatedAt}, {@code updatedBy}. The
 * registry's own reads never see it.
 */
public final class DynamoDbQualityConfigStore implements QualityConfigStore {
    static final String SK_QUALITY_CONFIG = "QUALITY_CONFIG";

    private final DynamoDbClient dynamoDb;
    private final String table;

    /**
     * @param dynamoDb client
     * @param table registry table name
     */
    public DynamoDbQualityConfigStore(DynamoDbClient dynamoDb, String table) {
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
            // parsed again (task null: the floors were checked against the model when the config was set)
            var config = QualityConfig.parse(Json.MAPPER.readTree(item.get("config").s()), null);
            return Optional.of(new StoredConfig(config, text(item, "updatedAt"), text(item, "updatedBy")));
        } catch (IOException e) {
            throw new UncheckedIOException("the stored quality config of '" + model + "' is not JSON", e);
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
        return Map.of("pk", AttributeValue.fromS("MODEL#" + model), "sk", AttributeValue.fromS(SK_QUALITY_CONFIG));
    }
}
