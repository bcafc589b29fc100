package io.mlserve.aws.bench;

import io.mlserve.aws.DynamoDbPredictionLog;
import io.mlserve.aws.EmulatorFixture;
import io.mlserve.aws.PredictionLogSchema;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionRecord;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * How many rows/s one model version can log through {@link DynamoDbPredictionLog} with 1 or N shards.
 *
 * <p>The emulator does not throttle partitions, so the writer talks to it through {@link PartitionLimit}: DynamoDB's
 * documented per-partition write ceiling (1,000 WCU/s per partition key, on the table and on each GSI partition),
 * enforced with a token bucket per partition (refilled at 1,000 WCU/s, no burst credit); writes beyond it come back as {@code UnprocessedItems}, as on AWS, and the
 * writer's retries and deadline do the rest. Modes: {@code emulator} (the limit in front of the emulator's DynamoDB, a
 * fresh table) and {@code model} (the limit in front of an instant sink: the writer and the limit alone, so rates
 * above what this machine's emulator can take still show).
 *
 * <p>Usage: {@code LogWriteBenchmark <emulator|model> <seconds per run> <threads> <rows per request> <shards,...>}.
 * Prints one JSON line per shard count.
 */
public final class LogWriteBenchmark {
    /** DynamoDB: 1,000 write units per second per partition (table and GSI alike). */
    static final int WCU_PER_PARTITION = 1_000;

    private LogWriteBenchmark() {}

    public static void main(String[] args) throws Exception {
        var mode = args[0];
        int seconds = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int rowsPerRequest = Integer.parseInt(args[3]);
        DynamoDbClient target;
        String table = "bench-log-" + UUID.randomUUID().toString().substring(0, 8);
        if (mode.equals("emulator")) {
            target = DynamoDbClient.builder()
                    .endpointOverride(URI.create(System.getenv().getOrDefault("AWS_ENDPOINT_URL", "http://localhost:4566")))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .httpClient(UrlConnectionHttpClient.builder().build())
                    .build();
            EmulatorFixture.createLogTable(target, table);
        } else {
            target = new Sink();
        }
        try {
            for (var shardCount : args[4].split(",")) {
                System.out.println(run(target, table, mode, Integer.parseInt(shardCount), seconds, threads, rowsPerRequest));
            }
        } finally {
            if (mode.equals("emulator")) {
                target.deleteTable(b -> b.tableName(table));
            }
        }
        System.exit(0);
    }

    private static String run(DynamoDbClient target, String table, String mode, int shards, int seconds, int threads, int rowsPerRequest)
            throws InterruptedException {
        var limited = new PartitionLimit(target);
        var log = new DynamoDbPredictionLog(limited, table, Duration.ofDays(1), Duration.ofSeconds(2), LogShards.fixed(shards));
        var version = new ModelRef("bench", "s" + shards);
        var written = new AtomicLong();
        var failed = new AtomicLong();
        var requests = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long started = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        var requestId = UUID.randomUUID().toString();
                        var at = Instant.now();
                        var rows = new ArrayList<PredictionRecord>(rowsPerRequest);
                        for (int row = 0; row < rowsPerRequest; row++) {
                            rows.add(new PredictionRecord(version, requestId, row, at, inputs(row), output(row), 1.7, "api", null));
                        }
                        var result = log.write(rows);
                        written.addAndGet(result.written());
                        failed.addAndGet(result.failed());
                        requests.incrementAndGet();
                    }
                    return null;
                });
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        var out = new LinkedHashMap<String, Object>();
        out.put("mode", mode);
        out.put("shards", shards);
        out.put("threads", threads);
        out.put("rowsPerRequest", rowsPerRequest);
        out.put("seconds", round(elapsed));
        out.put("rowsWritten", written.get());
        out.put("rowsFailed", failed.get());
        out.put("rowsPerSecond", Math.round(written.get() / elapsed));
        out.put("requestsPerSecond", Math.round(requests.get() / elapsed));
        out.put("throttledItems", limited.throttled.get());
        out.put("itemBytes", limited.itemBytes.get());
        out.put("wcuPerItem", limited.wcuPerItem.get());
        out.put("busiestPartitionShare", round(limited.busiestShare()));
        return io.mlserve.core.json.Json.write(out);
    }

    private static Map<String, Object> inputs(int row) {
        var inputs = new LinkedHashMap<String, Object>();
        for (int f = 0; f < 8; f++) {
            inputs.put("feature_" + f, 0.25 * f + row * 0.001);
        }
        return inputs;
    }

    private static Map<String, Object> output(int row) {
        return Map.of("label", "class_" + (row % 3), "probabilities", Map.of("class_0", 0.7, "class_1", 0.2, "class_2", 0.1));
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /**
     * DynamoDB's item size: attribute names plus values (strings in UTF-8, numbers ~1 byte per 2 digits + 1, maps and
     * lists 3 bytes + 1 per element). Good to a few bytes, which is what the WCU arithmetic needs.
     */
    static int size(Map<String, AttributeValue> item) {
        int bytes = 0;
        for (var e : item.entrySet()) {
            bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length + size(e.getValue());
        }
        return bytes;
    }

    private static int size(AttributeValue value) {
        if (value.s() != null) {
            return value.s().getBytes(StandardCharsets.UTF_8).length;
        }
        if (value.n() != null) {
            return (value.n().replaceAll("[^0-9]", "").length() + 1) / 2 + 1;
        }
        if (value.hasM()) {
            return 3 + value.m().size() + size(value.m());
        }
        if (value.hasL()) {
            return 3 + value.l().size() + value.l().stream().mapToInt(LogWriteBenchmark::size).sum();
        }
        return 1;
    }

    /**
     * The per-partition ceiling in front of a DynamoDB: each table partition key and each GSI partition
     * ({@code modelShard}, and {@code model} for the legacy index) takes at most {@value #WCU_PER_PARTITION} WCU per
     * second; a put that would exceed either comes back unprocessed.
     */
    static final class PartitionLimit implements DynamoDbClient {
        private final DynamoDbClient delegate;
        private final Map<String, double[]> buckets = new ConcurrentHashMap<>(); // partition -> {nanos, tokens}
        private final Map<String, AtomicLong> accepted = new ConcurrentHashMap<>();
        final AtomicLong throttled = new AtomicLong();
        final AtomicLong itemBytes = new AtomicLong();
        final AtomicLong wcuPerItem = new AtomicLong();

        PartitionLimit(DynamoDbClient delegate) {
            this.delegate = delegate;
        }

        /** A token bucket per partition: refilled at 1,000 WCU/s, holding at most one second's worth, starting empty. */
        private synchronized boolean take(List<String> partitions, int wcu) {
            long now = System.nanoTime();
            for (var partition : partitions) {
                var bucket = buckets.computeIfAbsent(partition, p -> new double[] {now, 0});
                bucket[1] = Math.min(WCU_PER_PARTITION, bucket[1] + (now - bucket[0]) * WCU_PER_PARTITION / 1e9);
                bucket[0] = now;
                if (bucket[1] < wcu) {
                    return false;
                }
            }
            partitions.forEach(p -> buckets.get(p)[1] -= wcu);
            return true;
        }

        double busiestShare() {
            long total = accepted.values().stream().mapToLong(AtomicLong::get).sum();
            long max = accepted.values().stream().mapToLong(AtomicLong::get).max().orElse(0);
            return total == 0 ? 0 : (double) max / total;
        }

        @Override
        public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
            var pass = new HashMap<String, List<WriteRequest>>();
            var held = new HashMap<String, List<WriteRequest>>();
            request.requestItems().forEach((table, writes) -> {
                for (var write : writes) {
                    var item = write.putRequest().item();
                    int bytes = size(item);
                    int wcu = (bytes + 1023) / 1024;
                    itemBytes.set(bytes);
                    wcuPerItem.set(wcu);
                    var partitions = new ArrayList<String>();
                    partitions.add("table:" + item.get(PredictionLogSchema.PK).s());
                    if (item.containsKey(PredictionLogSchema.MODEL_SHARD)) {
                        partitions.add("gsi:" + item.get(PredictionLogSchema.MODEL_SHARD).s());
                    }
                    if (item.containsKey(PredictionLogSchema.MODEL)) {
                        partitions.add("legacy-gsi:" + item.get(PredictionLogSchema.MODEL).s());
                    }
                    if (take(partitions, wcu)) {
                        pass.computeIfAbsent(table, t -> new ArrayList<>()).add(write);
                        accepted.computeIfAbsent(partitions.get(0), p -> new AtomicLong()).incrementAndGet();
                    } else {
                        throttled.incrementAndGet();
                        held.computeIfAbsent(table, t -> new ArrayList<>()).add(write);
                    }
                }
            });
            if (!pass.isEmpty()) {
                var response = delegate.batchWriteItem(b -> b.requestItems(pass));
                response.unprocessedItems().forEach((t, w) -> held.computeIfAbsent(t, x -> new ArrayList<>()).addAll(w));
            }
            return BatchWriteItemResponse.builder().unprocessedItems(held).build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    /** Accepts every write at once: the writer and the partition limit alone. */
    static final class Sink implements DynamoDbClient {
        @Override
        public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
            return BatchWriteItemResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    static {
        Locale.setDefault(Locale.ROOT);
    }
}
