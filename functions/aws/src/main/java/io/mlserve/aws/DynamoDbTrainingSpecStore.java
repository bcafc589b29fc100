package io.mlserve.aws;

import io.mlserve.core.json.Json;
import io.mlserve.core.training.TrainingSpecStore;
import io.mlserve.core.training.TrainingSpecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Training specs in the registry table, one item per model beside its versions and aliases: {@code pk = MODEL#<name>},
 * {@code sk = TRAINING}, attributes {@code spec} (the spec's JSON, as {@link TrainingSpecs#toJson} writes it),
 * {@code updatedAt}, {@code updatedBy}. The registry's own reads never see it: the model list scans for the
 * {@code MODEL} marker only, and versions and the audit trail are read by their {@code sk} prefixes.
 */
public final class DynamoDbTrainingSpecStore implements TrainingSpecStore {
    static final String SK_TRAINING = "TRAINING";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final String dataBucket;

    /**
     * @param dynamoDb client
     * @param table registry table name
     * @param dataBucket the data bucket a stored spec is checked against again when read
     */
    public DynamoDbTrainingSpecStore(DynamoDbClient dynamoDb, String table, String dataBucket) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.dataBucket = dataBucket;
    }

    @Override
    public Optional<StoredSpec> find(String model) {
        var item = dynamoDb.getItem(b -> b.tableName(table).key(key(model)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        try {
            // parsed again, not deserialised: the stored JSON is the spec's one serialised form, and defaults added
            // by a later release fill in the same way as for a new spec
            var spec = TrainingSpecs.parse(Json.MAPPER.readTree(item.get("spec").s()), dataBucket);
            return Optional.of(new StoredSpec(spec, item.get("updatedAt").s(), item.get("updatedBy").s()));
        } catch (IOException e) {
            throw new UncheckedIOException("the stored training spec of '" + model + "' is not JSON", e);
        }
    }

    @Override
    public void put(String model, StoredSpec spec) {
        var item = new java.util.HashMap<>(key(model));
        item.put("spec", AttributeValue.fromS(Json.write(TrainingSpecs.toJson(spec.spec()))));
        item.put("updatedAt", AttributeValue.fromS(spec.updatedAt()));
        item.put("updatedBy", AttributeValue.fromS(spec.updatedBy()));
        dynamoDb.putItem(b -> b.tableName(table).item(item));
    }

    private static Map<String, AttributeValue> key(String model) {
        return Map.of("pk", AttributeValue.fromS("MODEL#" + model), "sk", AttributeValue.fromS(SK_TRAINING));
    }
}
