package io.mlserve.function.train;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbDriftConfigStore;
import io.mlserve.aws.DynamoDbJobStore;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.DynamoDbTrainingLock;
import io.mlserve.aws.DynamoDbTrainingSpecStore;
import io.mlserve.aws.DynamoDbTrainingTriggers;
import io.mlserve.aws.EventBridgePublisher;
import io.mlserve.aws.EventBridgeSchedulerStore;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.aws.S3BaselineStore;
import io.mlserve.aws.S3BlobStore;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.aws.S3TrainingDataSource;
import io.mlserve.aws.StepFunctionsJobLauncher;
import io.mlserve.aws.TrainingConfig;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.core.schedule.ScheduledTask;
import io.mlserve.core.training.DriftRetraining;
import io.mlserve.core.training.TrainingJobSteps;
import io.mlserve.core.training.TrainingService;
import io.mlserve.onnx.OnnxModelLoader;
import io.mlserve.tribuo.TribuoModelTrainer;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the train function's object graph once per container.
 *
 * @param steps the state machine's steps
 * @param training the start path of schedule and drift triggers (the same as the API's)
 * @param driftRetraining the retraining-storm guard in front of it for DriftDetected events
 */
record Wiring(TrainingJobSteps steps, TrainingService training, DriftRetraining driftRetraining) {
    /** Bus of ModelTrained / ModelPromoted (default {@code default}). */
    static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";

    static Wiring fromEnvironment(Map<String, String> environment) {
        var env = new HashMap<>(environment);
        // This function never creates schedules (only the registry's PUT does): a firing whose spec dropped its schedule
        // only deletes it. So the schedules' target and role, which would make the stack circular here, are optional.
        env.putIfAbsent(TrainingConfig.TRAIN_FUNCTION_ARN, env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "train"));
        env.putIfAbsent(TrainingConfig.SCHEDULER_ROLE_ARN, "unused-by-the-train-function");
        var config = FunctionConfig.fromEnv(env);
        var training = TrainingConfig.fromEnv(env);
        var clock = Clock.systemUTC();
        var s3 = AwsClients.s3();
        var dynamoDb = AwsClients.dynamoDb();
        var store = new S3ModelStore(s3, config.modelsBucket(), config.maxModelBytes());
        var loader = new OnnxModelLoader(config.onnxIntraOpThreads());
        var registry = new RegistryService(new DynamoDbModelRegistry(dynamoDb, config.registryTable()), store, loader,
                config.modelsBucket(), clock, FunctionConfig.logShards(env));
        var jobs = new DynamoDbJobStore(dynamoDb, training.jobsTable());
        var lock = new DynamoDbTrainingLock(dynamoDb, training.jobsTable());
        var events = new EventBridgePublisher(AwsClients.eventBridge(), env.getOrDefault(EVENT_BUS_NAME, "default"),
                TrainingJobSteps.EVENT_SOURCE);
        var steps = new TrainingJobSteps(jobs, lock, new S3TrainingDataSource(s3, training.dataBucket()), new TribuoModelTrainer(), loader,
                new S3BlobStore(s3), config.modelsBucket(), store, registry, new S3BaselineStore(s3, config.modelsBucket()), events, clock,
                codeVersion());
        var specs = new DynamoDbTrainingSpecStore(dynamoDb, config.registryTable(), training.dataBucket());
        var service = new TrainingService(specs, lock, jobs,
                new StepFunctionsJobLauncher(AwsClients.stepFunctions(), training.stateMachineArn()),
                new EventBridgeSchedulerStore(AwsClients.scheduler(), training.scheduleGroup(),
                        Map.of(ScheduledTask.TRAIN, training.trainFunctionArn()), training.schedulerRoleArn()),
                training.dataBucket(), clock);
        var driftRetraining = new DriftRetraining(service, specs, new DynamoDbDriftConfigStore(dynamoDb, config.registryTable()),
                new DynamoDbTrainingTriggers(dynamoDb, config.registryTable()), clock);
        return new Wiring(steps, service, driftRetraining);
    }

    /** @return this build's version (from the jar), or {@code dev} when run from classes */
    static String codeVersion() {
        try (var in = Wiring.class.getResourceAsStream("/mlserve-train.properties")) {
            if (in == null) {
                return "dev";
            }
            var properties = new Properties();
            properties.load(in);
            var version = properties.getProperty("version");
            return version == null || version.isBlank() || version.contains("${") ? "dev" : version;
        } catch (IOException e) {
            return "dev";
        }
    }
}
