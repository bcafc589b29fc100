package io.mlserve.aws;

import io.mlserve.core.registry.CanaryHealth;
import io.mlserve.core.registry.CanaryHealthSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A canary's recent requests, errors and latency, read from the prediction log with one Query on
 * the version's partition and time-ordered sort key (projected to the three fields it needs).
 */
public final class DynamoDbCanaryHealth implements CanaryHealthSource {
    private final DynamoDbClient dynamoDb;
    private final String table;

    /**
     * @param dynamoDb client
     * @param table prediction log table
     */
    public DynamoDbCanaryHealth(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public CanaryHealth health(String model, String version, Instant from, Instant to) {
        // one entry per request: rows of a request share its latency; a failed request has one error row
        var latencyByRequest = new HashMap<String, Double>();
        var failed = new HashMap<String, Boolean>();
        dynamoDb.queryPaginator(b -> b.tableName(table)
                        .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                        .projectionExpression("requestId, latencyMs, #error")
                        .expressionAttributeNames(Map.of("#error", "error"))
                        .expressionAttributeValues(Map.of(
                                ":pk", AttributeValue.fromS(DynamoDbPredictionLog.partitionKey(model, version)),
                                ":from", AttributeValue.fromS(DynamoDbPredictionLog.SORTABLE_TIME.format(from)),
                                ":to", AttributeValue.fromS(DynamoDbPredictionLog.SORTABLE_TIME.format(to) + "~"))))
                .items()
                .forEach(item -> {
                    var requestId = item.get("requestId").s();
                    latencyByRequest.put(requestId, item.containsKey("latencyMs") ? Double.parseDouble(item.get("latencyMs").n()) : 0);
                    if (item.containsKey("error")) {
                        failed.put(requestId, true);
                    }
                });
        var latencies = new ArrayList<>(latencyByRequest.values());
        latencies.sort(Double::compare);
        double p95 = latencies.isEmpty() ? 0 : latencies.get((int) Math.ceil(0.95 * latencies.size()) - 1);
        return new CanaryHealth(latencyByRequest.size(), failed.size(), p95);
    }
}
