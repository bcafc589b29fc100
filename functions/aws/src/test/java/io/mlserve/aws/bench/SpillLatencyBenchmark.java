package io.mlserve.aws.bench;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbPredictionLog;
import io.mlserve.aws.SqsPredictionSpill;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.CircuitBreaker;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionLog;
import io.mlserve.core.store.PredictionLogEvents;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.store.SpillingPredictionLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * What the prediction log costs one request, in milliseconds, against the emulator at {@code AWS_ENDPOINT_URL} (bench/spill/run.sh):
 * <ul>
 *   <li>{@code healthy}: the DynamoDB writer, table up (BatchWriteItem, 25 rows per call, chunks in parallel);</li>
 *   <li>{@code breaker open}: the spilling log with its breaker open, so the rows go straight to SQS (SendMessageBatch);</li>
 *   <li>{@code outage, breaker closed}: the table is gone and the breaker not yet open: the writer's retries until it gives
 *       up, then the spill (what the first failed writes of an outage pay before the breaker opens).</li>
 * </ul>
 * Each for requests of 3, 100 and 1,000 rows (iris-sized rows: 4 features, a label and 3 probabilities). Prints a
 * Markdown table; the added latency while the breaker is open is the {@code breaker open} row (the table is not called).
 */
public final class SpillLatencyBenchmark {
    private static final ModelRef MODEL = new ModelRef("bench", "1");

    public static void main(String[] args) {
        var suffix = Long.toString(System.currentTimeMillis(), 36);
        var table = "bench-spill-log-" + suffix;
        var dynamo = AwsClients.dynamoDb();
        var sqs = AwsClients.sqs(Duration.ofSeconds(2));
        dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S)));
        var queueUrl = sqs.createQueue(b -> b.queueName("bench-spill-" + suffix)).queueUrl();
        try {
            var healthy = new DynamoDbPredictionLog(dynamo, table, Duration.ofDays(1), Duration.ofSeconds(2), LogShards.fixed(4));
            var spill = new SqsPredictionSpill(sqs, queueUrl);
            var open = new CircuitBreaker(1, Duration.ofHours(1), Clock.systemUTC());
            open.recordFailure();
            var spilling = new SpillingPredictionLog(healthy, spill, open, PredictionLogEvents.NONE);
            var gone = new DynamoDbPredictionLog(dynamo, table + "-gone", Duration.ofDays(1), Duration.ofSeconds(2), LogShards.fixed(4));
            var neverOpens = new CircuitBreaker(Integer.MAX_VALUE, Duration.ofHours(1), Clock.systemUTC());
            var outage = new SpillingPredictionLog(gone, spill, neverOpens, PredictionLogEvents.NONE);

            System.out.println("| rows per request | log path | requests | p50 ms | p90 ms | p99 ms | mean ms |");
            System.out.println("|---:|---|---:|---:|---:|---:|---:|");
            for (int rows : new int[] {3, 100, 1000}) {
                int n = rows == 3 ? 300 : rows == 100 ? 100 : 30;
                report(rows, "healthy (DynamoDB)", measure(healthy, rows, n));
                report(rows, "breaker open (SQS spill)", measure(spilling, rows, n));
                report(rows, "outage, breaker closed (retries, then spill)", measure(outage, rows, rows == 3 ? 5 : 3));
            }
        } finally {
            dynamo.deleteTable(b -> b.tableName(table));
            sqs.deleteQueue(b -> b.queueUrl(queueUrl));
        }
    }

    private static double[] measure(PredictionLog log, int rows, int n) {
        for (int i = 0; i < Math.min(n, 20); i++) { // warm-up: JIT, connections
            check(log.write(request(rows)));
        }
        var ms = new double[n];
        for (int i = 0; i < n; i++) {
            var request = request(rows);
            long started = System.nanoTime();
            var result = log.write(request);
            ms[i] = (System.nanoTime() - started) / 1e6;
            check(result);
        }
        Arrays.sort(ms);
        return ms;
    }

    private static void check(PredictionLog.WriteResult result) {
        if (!result.complete()) {
            throw new IllegalStateException("rows lost in the benchmark: " + result);
        }
    }

    private static void report(int rows, String path, double[] ms) {
        double mean = Arrays.stream(ms).average().orElse(0);
        System.out.printf("| %d | %s | %d | %.1f | %.1f | %.1f | %.1f |%n", rows, path, ms.length, pct(ms, 0.5), pct(ms, 0.9), pct(ms, 0.99),
                mean);
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static List<PredictionRecord> request(int rows) {
        var requestId = UUID.randomUUID().toString();
        var at = Instant.now();
        var records = new ArrayList<PredictionRecord>(rows);
        for (int i = 0; i < rows; i++) {
            records.add(new PredictionRecord(MODEL, requestId, i, at,
                    Map.of("sepal_length", 5.1 + i % 7, "sepal_width", 3.5, "petal_length", 1.4, "petal_width", 0.2),
                    Map.of("label", "setosa", "probabilities", Map.of("setosa", 0.97, "versicolor", 0.02, "virginica", 0.01)),
                    0.3, "api", null));
        }
        return records;
    }
}
