package io.mlserve.e2e;

import io.mlserve.aws.PredictionLogSchema;
import io.mlserve.core.store.LogShards;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The prediction log's items read straight from the table, as the e2e checks need them: every shard a version can
 * have ({@link LogShards#MAX}), so a check never depends on the count the version was registered with.
 */
final class LogItems {
    private LogItems() {}

    /** @return every item of one version, shard by shard */
    static List<Map<String, AttributeValue>> ofVersion(DynamoDbClient dynamo, String table, String model, String version) {
        var items = new ArrayList<Map<String, AttributeValue>>();
        for (int shard = 0; shard < LogShards.MAX; shard++) {
            var pk = PredictionLogSchema.partitionKey(model, version, shard);
            dynamo.queryPaginator(q -> q.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk))))
                    .items().forEach(items::add);
        }
        return items;
    }

    /** @return every item of every version of a model, through the model-wide index */
    static List<Map<String, AttributeValue>> ofModel(DynamoDbClient dynamo, String table, String model) {
        var items = new ArrayList<Map<String, AttributeValue>>();
        for (int shard = 0; shard < LogShards.MAX; shard++) {
            var partition = PredictionLogSchema.modelShard(model, shard);
            dynamo.queryPaginator(q -> q.tableName(table).indexName(PredictionLogSchema.BY_MODEL_SHARD_INDEX)
                    .keyConditionExpression("#ms = :ms")
                    .expressionAttributeNames(Map.of("#ms", PredictionLogSchema.MODEL_SHARD))
                    .expressionAttributeValues(Map.of(":ms", AttributeValue.fromS(partition))))
                    .items().forEach(items::add);
        }
        return items;
    }
}
