package io.mlserve.function.predict;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.DynamoDbPredictionLog;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.aws.PredictionLogSpill;
import io.mlserve.core.registry.RegistryLogShards;
import io.mlserve.http.EmfMetrics;
import io.mlserve.http.EmfPredictionLogEvents;
import io.mlserve.http.EmfServingEvents;
import io.mlserve.core.inference.InstanceParser;
import io.mlserve.core.serving.ModelCache;
import io.mlserve.core.serving.PredictionService;
import io.mlserve.core.registry.ModelRegistry;
import io.mlserve.core.store.ModelStore;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionLog;
import io.mlserve.onnx.OnnxModelLoader;
import java.time.Clock;
import java.util.Map;

/**
 * Builds the predict function's object graph once per container.
 *
 * @param config settings from the environment
 * @param predictions the serving use case
 * @param metrics EMF metrics, flushed after each invocation
 * @param clock time source
 * @param cache the model cache (SnapStart priming loads models into it and clears its aliases on restore), or null
 * @param log the prediction log, muted while priming, or null
 */
record Wiring(FunctionConfig config, PredictionService predictions, EmfMetrics metrics, Clock clock, ModelCache cache,
        PrimingLog log) {

    /** Without SnapStart priming (tests). */
    Wiring(FunctionConfig config, PredictionService predictions, EmfMetrics metrics, Clock clock) {
        this(config, predictions, metrics, clock, null, null);
    }

    static Wiring fromEnvironment(Map<String, String> env) {
        var config = FunctionConfig.fromEnv(env);
        // signed GETs, not the S3 client: see S3ObjectStore
        var store = S3ObjectStore.fromEnvironment(env, config.modelsBucket(), config.maxModelBytes());
        var dynamoDb = AwsClients.dynamoDb();
        var registry = new DynamoDbModelRegistry(dynamoDb, config.registryTable());
        // a version's shard count is read from the registry once per container (versions are immutable)
        var shards = new RegistryLogShards(registry);
        var table = new DynamoDbPredictionLog(dynamoDb, config.predictionsTable(), config.predictionLogTtl(), config.logWriteDeadline(),
                shards);
        // rows the table does not take go to the spill queue (flushed at once, so their own metrics instance)
        var logEvents = new EmfPredictionLogEvents(EmfMetrics.toStandardOutput(env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "mlserve"), env));
        var log = PredictionLogSpill.around(table, env, logEvents, Clock.systemUTC());
        // the answered prediction ids name the same shards the writer uses
        return of(env, config, store, registry, log, Clock.systemUTC(), new java.io.FileOutputStream(java.io.FileDescriptor.out), shards);
    }

    /**
     * The production graph over the given stores: what the benchmarks (bench/) run with local stand-ins
     * for S3 and DynamoDB, so they measure exactly the deployed edge, metrics and serving path.
     */
    static Wiring of(Map<String, String> env, FunctionConfig config, ModelStore store, ModelRegistry registry, PredictionLog log,
            Clock clock) {
        return of(env, config, store, registry, log, clock, new java.io.FileOutputStream(java.io.FileDescriptor.out));
    }

    /** The same, with the EMF lines going to {@code metricsOut} (tests). */
    static Wiring of(Map<String, String> env, FunctionConfig config, ModelStore store, ModelRegistry registry, PredictionLog log,
            Clock clock, java.io.OutputStream metricsOut) {
        return of(env, config, store, registry, log, clock, metricsOut, new RegistryLogShards(registry));
    }

    /** The same, with the shard counts the log writer uses (prediction ids must name the writer's keys). */
    static Wiring of(Map<String, String> env, FunctionConfig config, ModelStore store, ModelRegistry registry, PredictionLog log,
            Clock clock, java.io.OutputStream metricsOut, LogShards shards) {
        var namespace = env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "mlserve");
        var metrics = new EmfMetrics(namespace, env, metricsOut);
        var events = new EmfServingEvents(metrics);
        var cache = new ModelCache(store, registry, new OnnxModelLoader(config.onnxIntraOpThreads()), events, clock, config.aliasTtl(),
                config.modelCacheVersions());
        var primingLog = new PrimingLog(log);
        var service = new PredictionService(cache, new InstanceParser(config.maxInstancesPerRequest()), primingLog, events, clock,
                shards);
        return new Wiring(config, service, metrics, clock, cache, primingLog);
    }
}
