package io.mlserve.function.registry;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbJobStore;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.DynamoDbPredictionLogReader;
import io.mlserve.aws.DynamoDbTrainingLock;
import io.mlserve.aws.DynamoDbTrainingSpecStore;
import io.mlserve.aws.EventBridgeSchedulerStore;
import io.mlserve.aws.EventBridgePublisher;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.aws.S3BaselineStore;
import io.mlserve.aws.S3BlobStore;
import io.mlserve.aws.S3InputObjects;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.aws.StepFunctionsJobLauncher;
import io.mlserve.aws.TrainingConfig;
import io.mlserve.core.baseline.BaselineService;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.jobs.JobService;
import io.mlserve.core.jobs.JobStore;
import io.mlserve.core.registry.CanaryGuardService;
import io.mlserve.core.registry.LoggedCanaryHealth;
import io.mlserve.core.registry.RegistryLogShards;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.core.schedule.ScheduledTask;
import io.mlserve.core.training.TrainingService;
import io.mlserve.http.HttpEdge;
import io.mlserve.onnx.OnnxModelLoader;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The registry function's object graph, built once per container.
 *
 * @param api the registry and prediction-log routes
 * @param jobs the jobs routes
 * @param training the training routes
 * @param registry the registry use cases (also used by the canary guard)
 * @param maxRequestBytes largest request body accepted
 */
record RegistryWiring(RegistryApi api, JobsApi jobs, TrainingApi training, RegistryService registry, int maxRequestBytes) {

    static CanaryGuardService canaryGuard(Map<String, String> env) {
        var config = FunctionConfig.fromEnv(env);
        var clock = Clock.systemUTC();
        var dynamoDb = AwsClients.dynamoDb();
        var store = new S3ModelStore(AwsClients.s3(), config.modelsBucket(), config.maxModelBytes());
        return new CanaryGuardService(new DynamoDbModelRegistry(dynamoDb, config.registryTable()),
                registryService(env, config, dynamoDb, store, lazyOnnx(config), clock),
                new LoggedCanaryHealth(logReader(dynamoDb, config)),
                new EventBridgePublisher(AwsClients.eventBridge(), env.getOrDefault("EVENT_BUS_NAME", "default")), clock);
    }

    /** Reads every shard of a version, as registered (each version's count is read once per container). */
    private static DynamoDbPredictionLogReader logReader(DynamoDbClient dynamoDb, FunctionConfig config) {
        return new DynamoDbPredictionLogReader(dynamoDb, config.predictionsTable(),
                new RegistryLogShards(new DynamoDbModelRegistry(dynamoDb, config.registryTable())));
    }

    /** ONNX Runtime loads its native library on first use: the guard never validates, so never pays for it. */
    private static ModelLoader lazyOnnx(FunctionConfig config) {
        var onnx = new AtomicReference<OnnxModelLoader>();
        return (manifest, bytes) ->
                onnx.updateAndGet(l -> l != null ? l : new OnnxModelLoader(config.onnxIntraOpThreads())).load(manifest, bytes);
    }

    private static RegistryService registryService(Map<String, String> env, FunctionConfig config, DynamoDbClient dynamoDb,
            S3ModelStore store, ModelLoader loader, Clock clock) {
        return new RegistryService(new DynamoDbModelRegistry(dynamoDb, config.registryTable()), store, loader,
                config.modelsBucket(), clock, FunctionConfig.logShards(env));
    }

    static RegistryWiring fromEnvironment(Map<String, String> env) {
        var config = FunctionConfig.fromEnv(env);
        var clock = Clock.systemUTC();
        var jobsConfig = JobsConfig.fromEnv(env);
        var dynamoDb = AwsClients.dynamoDb();
        var s3 = AwsClients.s3();
        var store = new S3ModelStore(s3, config.modelsBucket(), config.maxModelBytes());
        var loader = lazyOnnx(config);
        var registry = registryService(env, config, dynamoDb, store, loader, clock);
        // registration with a "reference" computes the version's baseline exactly as the drift function's PUT .../baseline
        var baselines = new BaselineService(new DynamoDbModelRegistry(dynamoDb, config.registryTable()), store, loader,
                new S3BlobStore(s3), new S3BaselineStore(s3, config.modelsBucket()), jobsConfig.dataBucket(), clock);
        var log = new PredictionLogApi(logReader(dynamoDb, config), clock);
        var jobs = new JobService(jobStore(dynamoDb, jobsConfig.jobsTable()), new DynamoDbModelRegistry(dynamoDb, config.registryTable()),
                new S3InputObjects(s3), new StepFunctionsJobLauncher(AwsClients.stepFunctions(), jobsConfig.stateMachineArn()),
                jobsConfig.dataBucket(), clock);
        var trainingConfig = TrainingConfig.fromEnv(env);
        var training = new TrainingService(new DynamoDbTrainingSpecStore(dynamoDb, config.registryTable(), trainingConfig.dataBucket()),
                new DynamoDbTrainingLock(dynamoDb, trainingConfig.jobsTable()), jobStore(dynamoDb, trainingConfig.jobsTable()),
                new StepFunctionsJobLauncher(AwsClients.stepFunctions(), trainingConfig.stateMachineArn()),
                new EventBridgeSchedulerStore(AwsClients.scheduler(), trainingConfig.scheduleGroup(),
                        Map.of(ScheduledTask.TRAIN, trainingConfig.trainFunctionArn()), trainingConfig.schedulerRoleArn()),
                trainingConfig.dataBucket(), clock);
        return new RegistryWiring(new RegistryApi(registry, store, log, baselines), new JobsApi(jobs), new TrainingApi(training), registry,
                config.maxRequestBytes());
    }

    /**
     * The jobs table's adapter. N.B. {@code DynamoDbJobStore} is written on the batch branch (functions/aws,
     * issue 7): this is the one line of this module that needs it, so the merge touches nothing else.
     */
    private static JobStore jobStore(DynamoDbClient dynamoDb, String jobsTable) {
        return new DynamoDbJobStore(dynamoDb, jobsTable);
    }

    /**
     * @return the function's edge: the registry, prediction-log, jobs and training routes
     */
    HttpEdge edge() {
        return training.routes(jobs.routes(api.routes(HttpEdge.builder(maxRequestBytes)))).build();
    }
}
