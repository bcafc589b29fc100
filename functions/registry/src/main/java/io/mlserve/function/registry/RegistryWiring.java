package io.mlserve.function.registry;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.DynamoDbPredictionLogReader;
import io.mlserve.aws.EventBridgePublisher;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.registry.CanaryGuardService;
import io.mlserve.core.registry.LoggedCanaryHealth;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.onnx.OnnxModelLoader;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The registry function's object graph, built once per container.
 *
 * @param api the routes
 * @param registry the registry use cases (also used by the canary guard)
 * @param maxRequestBytes largest request body accepted
 */
record RegistryWiring(RegistryApi api, RegistryService registry, int maxRequestBytes) {

    static CanaryGuardService canaryGuard(Map<String, String> env) {
        var config = FunctionConfig.fromEnv(env);
        var clock = Clock.systemUTC();
        var dynamoDb = AwsClients.dynamoDb();
        var store = new S3ModelStore(AwsClients.s3(), config.modelsBucket(), config.maxModelBytes());
        return new CanaryGuardService(new DynamoDbModelRegistry(dynamoDb, config.registryTable()),
                registryService(config, dynamoDb, store, clock),
                new LoggedCanaryHealth(new DynamoDbPredictionLogReader(dynamoDb, config.predictionsTable())),
                new EventBridgePublisher(AwsClients.eventBridge(), env.getOrDefault("EVENT_BUS_NAME", "default")), clock);
    }

    private static RegistryService registryService(FunctionConfig config, DynamoDbClient dynamoDb, S3ModelStore store, Clock clock) {
        // ONNX Runtime loads its native library on first use: the guard never validates, so never pays for it
        var onnx = new AtomicReference<OnnxModelLoader>();
        ModelLoader loader = (manifest, bytes) ->
                onnx.updateAndGet(l -> l != null ? l : new OnnxModelLoader(config.onnxIntraOpThreads())).load(manifest, bytes);
        return new RegistryService(new DynamoDbModelRegistry(dynamoDb, config.registryTable()), store, loader,
                config.modelsBucket(), clock);
    }

    static RegistryWiring fromEnvironment(Map<String, String> env) {
        var config = FunctionConfig.fromEnv(env);
        var clock = Clock.systemUTC();
        var dynamoDb = AwsClients.dynamoDb();
        var store = new S3ModelStore(AwsClients.s3(), config.modelsBucket(), config.maxModelBytes());
        var registry = registryService(config, dynamoDb, store, clock);
        var log = new PredictionLogApi(new DynamoDbPredictionLogReader(dynamoDb, config.predictionsTable()), clock);
        return new RegistryWiring(new RegistryApi(registry, store, log), registry, config.maxRequestBytes());
    }
}
