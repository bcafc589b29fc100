package io.mlserve.function.registry;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.onnx.OnnxModelLoader;
import java.time.Clock;
import java.util.Map;

/**
 * The registry function's object graph, built once per container.
 *
 * @param api the routes
 * @param registry the registry use cases (also used by the canary guard)
 */
record RegistryWiring(RegistryApi api, RegistryService registry) {

    static RegistryWiring fromEnvironment(Map<String, String> env) {
        var config = FunctionConfig.fromEnv(env);
        var clock = Clock.systemUTC();
        var dynamoDb = AwsClients.dynamoDb();
        var store = new S3ModelStore(AwsClients.s3(), config.modelsBucket());
        var registry = new RegistryService(new DynamoDbModelRegistry(dynamoDb, config.registryTable()), store,
                new OnnxModelLoader(config.onnxIntraOpThreads()), config.modelsBucket(), clock);
        return new RegistryWiring(new RegistryApi(registry, store), registry);
    }
}
