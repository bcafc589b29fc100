package io.mlserve.function.predict;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbPredictionLog;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.Aliases;
import io.mlserve.core.registry.AuditEntry;
import io.mlserve.core.registry.ModelRegistry;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.registry.VersionStatus;
import io.mlserve.core.store.ModelStore;
import io.mlserve.core.store.PredictionLog;
import io.mlserve.core.store.PredictionRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Warm predict benchmark (bench/run.sh): the deployed entry point, {@link PredictStreamHandler}, from an API Gateway
 * event's bytes (payloads.json's "events", the same the Python peer decodes) to the answer's bytes, over local
 * stand-ins for S3 (the model folders under bench/models) and the registry; the
 * prediction-log write is stubbed (records are still built, as they are before a write) unless
 * {@code ddb} mode writes them to DynamoDB at {@code AWS_ENDPOINT_URL}.
 *
 * <p>Usage: {@code WarmBench warm|ddb|rss <models dir> <payloads.json> <results file> [measured] [warm-up]}. Standard
 * output carries what the function writes (EMF metrics, JSON logs): run.sh sends it to a file, as Lambda sends
 * it to its log pipe.
 */
public final class WarmBench {
    private WarmBench() {}

    public static void main(String[] args) throws Exception {
        var mode = args[0];
        var models = Path.of(args[1]);
        @SuppressWarnings("unchecked")
        Map<String, Object> payloads = Json.MAPPER.readValue(Files.readAllBytes(Path.of(args[2])), Map.class);
        @SuppressWarnings("unchecked")
        var events = (Map<String, String>) payloads.get("events");
        var results = new PrintStream(Files.newOutputStream(Path.of(args[3])), true, StandardCharsets.UTF_8);
        int measured = args.length > 4 ? Integer.parseInt(args[4]) : 10_000;
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 20_000;

        var env = new HashMap<String, String>(System.getenv());
        env.put(FunctionConfig.MODELS_BUCKET, "bench-models");
        env.put(FunctionConfig.PREDICTIONS_TABLE, System.getenv().getOrDefault("BENCH_PREDICTIONS_TABLE", "bench-predictions"));
        env.put(FunctionConfig.REGISTRY_TABLE, "bench-registry");
        var config = FunctionConfig.fromEnv(env);
        PredictionLog log = mode.equals("ddb")
                ? new DynamoDbPredictionLog(AwsClients.dynamoDb(), config.predictionsTable(), config.predictionLogTtl(),
                        config.logWriteDeadline(), io.mlserve.core.store.LogShards.fixed(FunctionConfig.logShards(env)))
                : new StubLog();
        var wiring = Wiring.of(env, config, new FolderStore(models), new FixedRegistry(models), log, Clock.systemUTC());
        var handler = new PredictHandler(wiring);
        // the deployed entry point: the API Gateway event's bytes in, the answer's bytes out (ProxyEventJson)
        var stream = new PredictStreamHandler(handler);
        var answer = new Answer();

        if (mode.equals("rss")) {
            var event = events.get("reg20x1").getBytes(StandardCharsets.UTF_8);
            long done = 0;
            for (long target : new long[] {10_000, 100_000}) {
                for (; done < target; done++) {
                    answer.invoke(stream, event, new BenchContext("r-" + done));
                }
                System.gc();
                results.println("{\"case\": \"rss\", \"predictions\": " + target + ", \"rssKiB\": " + rssKiB() + "}");
            }
            System.exit(0);
        }
        var cases = new LinkedHashMap<String, String>();
        cases.put("clf4x1", "clf4");
        cases.put("clf4x100", "clf4");
        cases.put("reg20x1", "reg20");
        cases.put("reg20x100", "reg20");
        String[] ids = new String[4096];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = java.util.UUID.randomUUID().toString();
        }
        var only = System.getenv("BENCH_CASES"); // e.g. "reg20x100" while profiling one case
        for (var entry : cases.entrySet()) {
            if (only != null && !only.isBlank() && !List.of(only.split(",")).contains(entry.getKey())) {
                continue;
            }
            var event = events.get(entry.getKey()).getBytes(StandardCharsets.UTF_8);
            int warm = mode.equals("ddb") ? Math.min(warmup, 500) : warmup;
            for (int i = 0; i < warm; i++) {
                answer.invoke(stream, event, new BenchContext(ids[i & 4095]));
            }
            long[] nanos = new long[measured];
            for (int i = 0; i < measured; i++) {
                var context = new BenchContext(ids[i & 4095]);
                long t0 = System.nanoTime();
                answer.invoke(stream, event, context);
                nanos[i] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            results.printf("{\"case\": \"%s\", \"side\": \"mlserve\", \"mode\": \"%s\", \"n\": %d, \"p50us\": %.1f, \"p99us\": %.1f}%n",
                    entry.getKey(), mode, measured, nanos[measured / 2] / 1e3, nanos[(int) (measured * 0.99)] / 1e3);
            if (!mode.equals("ddb")) {
                // the floor under the handler: the inference call alone (tensor in, ONNX Runtime, results out), same rows
                var model = wiring.cache().load(wiring.cache().resolve(entry.getValue(), null, null).ref());
                var batch = new io.mlserve.core.inference.InstanceParser(1000).parse((String) payloads.get(entry.getKey()), model.manifest()).batch();
                for (int i = 0; i < warm; i++) {
                    model.predictor().predict(batch);
                }
                for (int i = 0; i < measured; i++) {
                    long t0 = System.nanoTime();
                    model.predictor().predict(batch);
                    nanos[i] = System.nanoTime() - t0;
                }
                Arrays.sort(nanos);
                results.printf("{\"case\": \"%s\", \"side\": \"mlserve-inference\", \"mode\": \"%s\", \"n\": %d, \"p50us\": %.1f, \"p99us\": %.1f}%n",
                        entry.getKey(), mode, measured, nanos[measured / 2] / 1e3, nanos[(int) (measured * 0.99)] / 1e3);
            }
        }
        System.exit(0);
    }

    /** Where the function writes its answer, reused; each answer is checked to be a 200 (outside no timing: cheap). */
    private static final class Answer extends java.io.ByteArrayOutputStream {
        private static final byte[] OK = "{\"statusCode\":200".getBytes(StandardCharsets.US_ASCII);

        Answer() {
            super(1 << 16);
        }

        void invoke(PredictStreamHandler stream, byte[] event, BenchContext context) throws IOException {
            reset();
            stream.handleRequest(new java.io.ByteArrayInputStream(event), this, context);
            if (count < OK.length || !Arrays.equals(buf, 0, OK.length, OK, 0, OK.length)) {
                throw new IllegalStateException("not a 200: " + toString(StandardCharsets.UTF_8));
            }
        }
    }

    static long rssKiB() throws IOException {
        for (var line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** bench/models/&lt;name&gt;/{manifest.json,model.onnx}; the version is the manifest's. */
    static final class FolderStore implements ModelStore {
        private final Path root;

        FolderStore(Path root) {
            this.root = root;
        }

        @Override
        public Optional<StoredModel> fetch(ModelRef ref, Map<String, String> objectVersions) { // one copy per folder
            var dir = root.resolve(ref.name());
            try {
                return Files.isDirectory(dir)
                        ? Optional.of(new StoredModel(Files.readAllBytes(dir.resolve("manifest.json")), Files.readAllBytes(dir.resolve("model.onnx"))))
                        : Optional.empty();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Every model folder is registered as version 1 and is production. */
    static final class FixedRegistry implements ModelRegistry {
        private final Path root;

        FixedRegistry(Path root) {
            this.root = root;
        }

        @Override
        public Aliases aliases(String name) {
            return Files.isDirectory(root.resolve(name)) ? new Aliases("1", null, 0, null, 1, null) : Aliases.NONE;
        }

        @Override
        public Optional<RegisteredVersion> version(String name, String version) {
            try {
                var manifest = Json.MAPPER.readTree(root.resolve(name).resolve("manifest.json").toFile());
                return Optional.of(new RegisteredVersion(name, version, VersionStatus.SERVING, "s3://bench-models/models/" + name + "/1/",
                        manifest.path("sha256").asText(), manifest.path("task").asText(), Map.of(), "2026-11-24T00:00:00Z", "bench"));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        @Override
        public List<RegisteredVersion> versions(String name) {
            return version(name, "1").stream().toList();
        }

        @Override
        public List<String> modelNames() {
            return List.of("clf4", "reg20");
        }

        @Override
        public void register(RegisteredVersion version, AuditEntry audit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void updateAliases(String name, Aliases expected, Aliases updated, List<RegisteredVersion> statusChanges, AuditEntry audit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<AuditEntry> audit(String name) {
            return List.of();
        }

        @Override
        public void pinObjectVersions(RegisteredVersion version, Map<String, String> objectVersions, AuditEntry audit) {
            throw new UnsupportedOperationException();
        }
    }

    /** The log write stubbed: the records are built by the service as before a real write, then dropped. */
    static final class StubLog implements PredictionLog {
        long rows;

        @Override
        public WriteResult write(List<PredictionRecord> records) {
            rows += records.size();
            return new WriteResult(records.size(), 0, null);
        }

        @Override
        public void retract(PredictionRecord record) {}
    }

    record BenchContext(String getAwsRequestId) implements Context {
        @Override public String getLogGroupName() { return "/aws/lambda/predict"; }
        @Override public String getLogStreamName() { return "2026/11/24/[$LATEST]bench"; }
        @Override public String getFunctionName() { return "predict"; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:predict"; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 30_000; }
        @Override public int getMemoryLimitInMB() { return 1024; }
        @Override public LambdaLogger getLogger() { return null; }
    }
}
