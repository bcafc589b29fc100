package io.mlserve.aws;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The prediction-log table in memory, as far as the log's writer, readers and migration use DynamoDB: keys
 * {@code pk, sk}; Query on the table or an index by {@code <partition> = :partition AND <sk> BETWEEN :from AND :to}
 * (newest first or not, Limit, ExclusiveStartKey, the {@code attribute_not_exists} filter), pages cut after
 * {@link #pageItems} items as DynamoDB's 1 MB cuts them; Scan by pages; BatchWrite, Put, Delete.
 */
final class InMemoryLogTable implements DynamoDbClient {
    private static final Pattern KEY_CONDITION =
            Pattern.compile("(#\\w+) = (:\\w+) AND (#\\w+) BETWEEN (:\\w+) AND (:\\w+)");
    private static final Pattern NOT_EXISTS = Pattern.compile("attribute_not_exists\\((#\\w+)\\)");

    /** Keyed by pk + "\u0000" + sk. */
    final Map<String, Map<String, AttributeValue>> items = new java.util.concurrent.ConcurrentHashMap<>();
    final List<QueryRequest> queries = new CopyOnWriteArrayList<>();
    /** Most items one page returns (DynamoDB: 1 MB). */
    volatile int pageItems = Integer.MAX_VALUE;
    /** When set, every Query throws it (an unreachable table). */
    volatile RuntimeException queryFailure;

    private static String id(Map<String, AttributeValue> key) {
        return key.get("pk").s() + "\u0000" + key.get("sk").s();
    }

    void put(Map<String, AttributeValue> item) {
        items.put(id(item), Map.copyOf(item));
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
        request.requestItems().values().forEach(writes -> writes.forEach(w -> {
            if (w.putRequest() != null) {
                put(w.putRequest().item());
            } else {
                items.remove(id(w.deleteRequest().key()));
            }
        }));
        return BatchWriteItemResponse.builder().build();
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        if (request.conditionExpression() != null && request.conditionExpression().startsWith("attribute_not_exists")
                && items.containsKey(id(request.item()))) {
            throw software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException.builder().message("exists").build();
        }
        put(request.item());
        return PutItemResponse.builder().build();
    }

    @Override
    public DeleteItemResponse deleteItem(DeleteItemRequest request) {
        items.remove(id(request.key()));
        return DeleteItemResponse.builder().build();
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        queries.add(request);
        if (queryFailure != null) {
            throw queryFailure;
        }
        var names = request.expressionAttributeNames();
        var values = request.expressionAttributeValues();
        var condition = KEY_CONDITION.matcher(request.keyConditionExpression());
        if (!condition.matches()) {
            throw new IllegalArgumentException("unsupported key condition " + request.keyConditionExpression());
        }
        String partitionName = names.get(condition.group(1));
        String partition = values.get(condition.group(2)).s();
        String skName = names.get(condition.group(3));
        String from = values.get(condition.group(4)).s();
        String to = values.get(condition.group(5)).s();
        boolean index = request.indexName() != null;
        Comparator<Map<String, AttributeValue>> order = Comparator.comparing(i -> i.get(skName).s());
        if (index) {
            order = order.thenComparing(i -> i.get("pk").s());
        }
        if (Boolean.FALSE.equals(request.scanIndexForward())) {
            order = order.reversed();
        }
        var matching = items.values().stream()
                .filter(i -> i.containsKey(partitionName) && partition.equals(i.get(partitionName).s()))
                .filter(i -> i.get(skName).s().compareTo(from) >= 0 && i.get(skName).s().compareTo(to) <= 0)
                .sorted(order)
                .toList();
        int start = 0;
        if (request.hasExclusiveStartKey() && !request.exclusiveStartKey().isEmpty()) {
            var after = request.exclusiveStartKey();
            start = matching.size();
            for (int i = 0; i < matching.size(); i++) {
                if (id(matching.get(i)).equals(id(after))) {
                    start = i + 1;
                    break;
                }
            }
        }
        int limit = Math.min(request.limit() == null ? Integer.MAX_VALUE : request.limit(), pageItems);
        int end = (int) Math.min(matching.size(), (long) start + limit);
        var evaluated = matching.subList(start, end);
        var filter = request.filterExpression() == null ? null : NOT_EXISTS.matcher(request.filterExpression());
        if (filter != null && !filter.matches()) {
            throw new IllegalArgumentException("unsupported filter " + request.filterExpression());
        }
        String absent = filter == null ? null : names.get(filter.group(1));
        var page = evaluated.stream().filter(i -> absent == null || !i.containsKey(absent)).toList();
        var response = QueryResponse.builder().items(page).count(page.size());
        if (end < matching.size()) {
            var last = evaluated.get(evaluated.size() - 1);
            var key = new HashMap<String, AttributeValue>();
            key.put("pk", last.get("pk"));
            key.put("sk", last.get("sk"));
            if (index) {
                key.put(partitionName, last.get(partitionName));
            }
            response.lastEvaluatedKey(key);
        }
        return response.build();
    }

    @Override
    public ScanResponse scan(ScanRequest request) {
        var all = new ArrayList<>(items.values());
        all.sort(Comparator.comparing(InMemoryLogTable::id));
        int start = 0;
        if (request.hasExclusiveStartKey() && !request.exclusiveStartKey().isEmpty()) {
            var after = id(request.exclusiveStartKey());
            while (start < all.size() && id(all.get(start)).compareTo(after) <= 0) {
                start++;
            }
        }
        int limit = Math.min(request.limit() == null ? Integer.MAX_VALUE : request.limit(), pageItems);
        int end = (int) Math.min(all.size(), (long) start + limit);
        var page = all.subList(start, end);
        var response = ScanResponse.builder().items(List.copyOf(page)).count(page.size()).scannedCount(page.size());
        if (end < all.size()) {
            var last = page.get(page.size() - 1);
            response.lastEvaluatedKey(Map.of("pk", last.get("pk"), "sk", last.get("sk")));
        }
        return response.build();
    }

    @Override
    public String serviceName() {
        return "dynamodb";
    }

    @Override
    public void close() {}
}
