package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.drift.DriftConfig;
import io.mlserve.core.drift.DriftConfigStore;
import io.mlserve.core.json.Json;
import io.mlserve.core.quality.QualityConfig;
import io.mlserve.core.quality.QualityConfigStore;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;

/** The drift and quality config stores on one table in memory: one item per model and kind, read back as written. */
class ModelConfigItemsTest {

    /** GetItem (consistent) and PutItem on {@code pk, sk}. */
    private static final class Table implements DynamoDbClient {
        final Map<String, Map<String, AttributeValue>> items = new HashMap<>();

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            assertThat(request.consistentRead()).isTrue();
            return GetItemResponse.builder().item(items.get(id(request.key()))).build();
        }

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            items.put(id(request.item()), request.item());
            return PutItemResponse.builder().build();
        }

        private static String id(Map<String, AttributeValue> key) {
            return key.get("pk").s() + "\u0000" + key.get("sk").s();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    @Test
    void stores_shouldReadBackAsStored_withOneItemPerModelAndKind() {
        // GIVEN a drift config with an override and the default quality config of one model
        var table = new Table();
        var drift = new DynamoDbDriftConfigStore(table, "registry");
        var quality = new DynamoDbQualityConfigStore(table, "registry");
        var driftConfig = DriftConfig.parse(Json.MAPPER.valueToTree(Map.of("minSamples", 200,
                "thresholds", Map.of("features", Map.of("tenure", Map.of("ks", 0.2))))), List.of("tenure"));

        // WHEN both are put
        drift.put("churn", new DriftConfigStore.StoredConfig(driftConfig, "2026-11-25T10:00:00Z", "key:ops"));
        quality.put("churn", new QualityConfigStore.StoredConfig(QualityConfig.defaults(), "2026-11-25T11:00:00Z", "key:qa"));

        // THEN each reads back as stored, under its own sort key
        assertThat(table.items).containsOnlyKeys("MODEL#churn\u0000DRIFT_CONFIG", "MODEL#churn\u0000QUALITY_CONFIG");
        assertThat(drift.find("churn")).contains(new DriftConfigStore.StoredConfig(driftConfig, "2026-11-25T10:00:00Z", "key:ops"));
        assertThat(quality.find("churn"))
                .contains(new QualityConfigStore.StoredConfig(QualityConfig.defaults(), "2026-11-25T11:00:00Z", "key:qa"));
        assertThat(drift.find("nobody")).isEmpty();
        assertThat(quality.find("nobody")).isEmpty();
    }

    @Test
    void find_shouldThrow_whenTheStoredConfigIsNotJson() {
        var table = new Table();
        table.items.put("MODEL#churn\u0000QUALITY_CONFIG", Map.of("config", AttributeValue.fromS("{not json")));

        assertThatThrownBy(() -> new DynamoDbQualityConfigStore(table, "registry").find("churn"))
                .isInstanceOf(UncheckedIOException.class).hasMessage("the stored quality config of 'churn' is not JSON");
    }
}
