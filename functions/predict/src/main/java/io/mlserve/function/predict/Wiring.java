package io.mlserve.function.predict;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.DynamoDbPredictionLog;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.http.PowertoolsServingEvents;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.inference.InstanceParser;
import io.mlserve.core.serving.ModelCache;
import io.mlserve.core.serving.PredictionService;
import io.mlserve.onnx.OnnxModelLoader;
import java.time.Clock;
import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/**
 * Builds the predict function's object graph once per container.
 *
 * @param config settings from the environment
 * @param predictions the serving use case
 * @param metrics Powertools metrics, flushed after each invocation
 * @param clock time source
 */
record Wiring(FunctionConfig config, PredictionService predictions, Metrics metrics, Clock clock) {

    static Wiring fromEnvironment(Map<String, String> env) {
        var config = FunctionConfig.fromEnv(env);
        var clock = Clock.systemUTC();
        var namespace = env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "mlserve");
        var metrics = MetricsFactory.getMetricsInstance();
        metrics.setNamespace(namespace);
        var events = new PowertoolsServingEvents(metrics, namespace);
        var store = new S3ModelStore(AwsClients.s3(), config.modelsBucket(), config.maxModelBytes());
        var dynamoDb = AwsClients.dynamoDb();
        var registry = new DynamoDbModelRegistry(dynamoDb, config.registryTable());
        var cache = new ModelCache(store, registry, new OnnxModelLoader(config.onnxIntraOpThreads()), events, clock, config.aliasTtl(),
                config.modelCacheVersions());
        var log = new DynamoDbPredictionLog(dynamoDb, config.predictionsTable(), config.predictionLogTtl(), config.logWriteDeadline());
        var service = new PredictionService(cache, new InstanceParser(config.maxInstancesPerRequest()), log, events, clock);
        return new Wiring(config, service, metrics, clock);
    }
}
