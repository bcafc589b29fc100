package io.mlserve.aws;

import io.mlserve.core.drift.DriftConfig;
import io.mlserve.core.drift.DriftConfigStore;
import java.util.ArrayList;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Drift configs in the registry table, one item per model beside its versions: {@code pk = MODEL#<name>},
 * {@code sk = DRIFT_CONFIG}, attributes {@code config} (the JSON {@link DriftConfig#toJson} writes), {@code updatedAt},
 * {@code updatedBy}. The registry's own reads never see it (they read by other {@code sk} prefixes or the
 * {@code MODEL} marker).
 */
public final class DynamoDbDriftConfigStore implements DriftConfigStore {
    static final String SK_DRIFT_CONFIG = "DRIFT_CONFIG";

    private final ModelConfigItems items;

    /**
     * @param dynamoDb client
     * @param table registry table name
     */
    public DynamoDbDriftConfigStore(DynamoDbClient dynamoDb, String table) {
        this.items = new ModelConfigItems(dynamoDb, table, SK_DRIFT_CONFIG, "drift");
    }

    @Override
    public Optional<StoredConfig> find(String model) {
        // parsed again, not deserialised: one serialised form, and defaults a later release adds fill in as for a
        // new config; the override keys were checked against the features when the config was set
        return items.find(model).map(item -> {
            var overrides = new ArrayList<String>();
            item.config().path("thresholds").path("features").fieldNames().forEachRemaining(overrides::add);
            return new StoredConfig(DriftConfig.parse(item.config(), overrides), item.updatedAt(), item.updatedBy());
        });
    }

    @Override
    public void put(String model, StoredConfig config) {
        items.put(model, config.config().toJson(), config.updatedAt(), config.updatedBy());
    }
}
