package io.mlserve.aws;

import io.mlserve.core.quality.QualityConfig;
import io.mlserve.core.quality.QualityConfigStore;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Quality configs in the registry table beside the drift config: {@code pk = MODEL#<name>}, {@code sk = QUALITY_CONFIG},
 * attributes {@code config} (the JSON {@link QualityConfig#toJson} writes), {@code updatedAt}, {@code updatedBy}. The
 * registry's own reads never see it.
 */
public final class DynamoDbQualityConfigStore implements QualityConfigStore {
    static final String SK_QUALITY_CONFIG = "QUALITY_CONFIG";

    private final ModelConfigItems items;

    /**
     * @param dynamoDb client
     * @param table registry table name
     */
    public DynamoDbQualityConfigStore(DynamoDbClient dynamoDb, String table) {
        this.items = new ModelConfigItems(dynamoDb, table, SK_QUALITY_CONFIG, "quality");
    }

    @Override
    public Optional<StoredConfig> find(String model) {
        // parsed again (task null: the floors were checked against the model when the config was set)
        return items.find(model).map(item -> new StoredConfig(QualityConfig.parse(item.config(), null), item.updatedAt(), item.updatedBy()));
    }

    @Override
    public void put(String model, StoredConfig config) {
        items.put(model, config.config().toJson(), config.updatedAt(), config.updatedBy());
    }
}
