package io.mlserve.aws;

import io.mlserve.core.drift.DriftHistory;
import io.mlserve.core.drift.DriftReport;
import io.mlserve.core.drift.DriftReportStore;
import io.mlserve.core.drift.DriftSummary;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Drift check summaries in the registry table, one item per check beside the model's other items:
 * {@code pk = MODEL#<name>}, {@code sk = DRIFT#<time>} (fixed-width UTC millis, so newest first is a backwards Query
 * on the prefix), attributes {@code version}, {@code createdAt}, {@code verdict}, {@code reason}, {@code samples},
 * {@code driftedFeatures} (list), {@code scores} (map of feature → test, statistic, pValue, psi, drifted),
 * {@code reportJson}, {@code reportHtml} (S3 URIs). {@code DRIFT_CONFIG} does not share the {@code DRIFT#} prefix.
 */
public final class DynamoDbDriftHistory implements DriftHistory {
    static final String SK_PREFIX = "DRIFT#";

    private final DynamoDbClient dynamoDb;
    private final String table;

    /**
     * @param dynamoDb client
     * @param table registry table name
     */
    public DynamoDbDriftHistory(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public void record(DriftSummary s) {
        var item = new HashMap<String, AttributeValue>();
        item.put("pk", AttributeValue.fromS("MODEL#" + s.model()));
        item.put("sk", AttributeValue.fromS(SK_PREFIX + PredictionLogSchema.SORTABLE_TIME.format(Instant.parse(s.createdAt()))));
        item.put("model", AttributeValue.fromS(s.model()));
        if (s.version() != null) {
            item.put("version", AttributeValue.fromS(s.version()));
        }
        item.put("createdAt", AttributeValue.fromS(s.createdAt()));
        item.put("verdict", AttributeValue.fromS(s.verdict().spelling()));
        if (s.reason() != null) {
            item.put("reason", AttributeValue.fromS(s.reason()));
        }
        item.put("samples", AttributeValue.fromN(Long.toString(s.samples())));
        item.put("driftedFeatures", AttributeValues.of(s.driftedFeatures()));
        var scores = new LinkedHashMap<String, Object>();
        s.scores().forEach((name, score) -> {
            var m = new LinkedHashMap<String, Object>();
            m.put("test", score.test());
            m.put("statistic", score.statistic());
            m.put("pValue", score.pValue());
            m.put("psi", score.psi());
            m.put("drifted", score.drifted());
            scores.put(name, m);
        });
        item.put("scores", AttributeValues.of(scores));
        item.put("reportJson", AttributeValue.fromS(s.report().json()));
        item.put("reportHtml", AttributeValue.fromS(s.report().html()));
        dynamoDb.putItem(b -> b.tableName(table).item(item));
    }

    @Override
    public Optional<DriftSummary> latest(String model) {
        return list(model, 1).stream().findFirst();
    }

    @Override
    public List<DriftSummary> list(String model, int limit) {
        return dynamoDb.query(b -> b.tableName(table).consistentRead(true).scanIndexForward(false).limit(limit)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("MODEL#" + model),
                                ":prefix", AttributeValue.fromS(SK_PREFIX))))
                .items().stream().map(DynamoDbDriftHistory::summary).toList();
    }

    @SuppressWarnings("unchecked")
    private static DriftSummary summary(Map<String, AttributeValue> item) {
        var scores = new LinkedHashMap<String, DriftSummary.Score>();
        if (item.containsKey("scores") && AttributeValues.toJava(item.get("scores")) instanceof Map<?, ?> m) {
            m.forEach((name, v) -> {
                var score = (Map<String, Object>) v;
                scores.put(String.valueOf(name), new DriftSummary.Score((String) score.get("test"), number(score.get("statistic")),
                        number(score.get("pValue")), number(score.get("psi")), Boolean.TRUE.equals(score.get("drifted"))));
            });
        }
        var drifted = item.containsKey("driftedFeatures") && AttributeValues.toJava(item.get("driftedFeatures")) instanceof List<?> l
                ? l.stream().map(String::valueOf).toList() : List.<String>of();
        return new DriftSummary(s(item, "model"), s(item, "version"), s(item, "createdAt"), DriftReport.Verdict.of(s(item, "verdict")),
                s(item, "reason"), item.containsKey("samples") ? Long.parseLong(item.get("samples").n()) : 0, drifted, scores,
                new DriftReportStore.Location(s(item, "reportJson"), s(item, "reportHtml")));
    }

    private static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        var value = item.get(name);
        return value == null ? null : value.s();
    }
}
