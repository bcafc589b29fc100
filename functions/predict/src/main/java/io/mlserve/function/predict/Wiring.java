package io.mlserve.function.predict;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.DynamoDbPredictionLog;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.http.EmfMetrics;
import io.mlserve.http.EmfServingEvents;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.inference.InstanceParser;
import io.mlserve.core.serving.ModelCache;
import io.mlserve.core.serving.PredictionService;
import io.mlserve.core.registry.ModelRegistry;
import io.mlserve.core.store.ModelStore;
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
 */
record Wiring(FunctionConfig config, PredictionService predictions, EmfMetrics metrics, Clock clock) {

    static Wiring fromEnvironment(Map<String, String> env) {
        var config = FunctionConfig.fromEnv(env);
        var store = new S3ModelStore(AwsClients.s3(), config.modelsBucket(), config.maxModelBytes());
        var dynamoDb = AwsClients.dynamoDb();
        var registry = new DynamoDbModelRegistry(dynamoDb, config.registryTable());
        var log = new DynamoDbPredictionLog(dynamoDb, config.predictionsTable(), config.predictionLogTtl(), config.logWriteDeadline());
        return of(env, config, store, registry, log, Clock.systemUTC());
    }

    /**
     * The production graph over the given stores: what the benchmarks (bench/) run with local stand-ins
     * for S3 and DynamoDB, so they measure exactly the deployed edge, metrics and serving path.
     */
    static Wiring of(Map<String, String> env, FunctionConfig config, ModelStore store, ModelRegistry registry, PredictionLog log,
            Clock clock) {
        var namespace = env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "mlserve");
        var metrics = EmfMetrics.toStandardOutput(namespace, env);
        var events = new EmfServingEvents(metrics);
        var cache = new ModelCache(store, registry, new OnnxModelLoader(config.onnxIntraOpThreads()), events, clock, config.aliasTtl(),
                config.modelCacheVersions());
        var service = new PredictionService(cache, new InstanceParser(config.maxInstancesPerRequest()), log, events, clock);
        return new Wiring(config, service, metrics, clock);
    }
}
