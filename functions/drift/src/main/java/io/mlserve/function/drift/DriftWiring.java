package io.mlserve.function.drift;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbDriftConfigStore;
import io.mlserve.aws.DynamoDbDriftHistory;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.DynamoDbPredictionLogReader;
import io.mlserve.aws.EventBridgePublisher;
import io.mlserve.aws.EventBridgeSchedulerStore;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.aws.S3BaselineStore;
import io.mlserve.aws.S3BlobStore;
import io.mlserve.aws.S3DriftReportStore;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.baseline.BaselineService;
import io.mlserve.core.drift.DriftService;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.registry.RegistryLogShards;
import io.mlserve.core.schedule.ScheduleStore;
import io.mlserve.core.schedule.ScheduledTask;
import io.mlserve.http.HttpEdge;
import io.mlserve.onnx.OnnxModelLoader;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The drift function's object graph, built once per container.
 *
 * @param drift drift configs, checks and reports
 * @param baselines reference baselines
 * @param maxRequestBytes largest request body accepted
 */
record DriftWiring(DriftService drift, BaselineService baselines, int maxRequestBytes) {
    /** The data bucket: reference CSVs are read from it, reports written under {@code drift/}. */
    static final String DATA_BUCKET = "DATA_BUCKET";
    /** The EventBridge Scheduler group drift schedules live in (the stack's, shared with training). */
    static final String SCHEDULE_GROUP = "SCHEDULE_GROUP";
    /** The role EventBridge Scheduler assumes to invoke this function. */
    static final String SCHEDULER_ROLE_ARN = "SCHEDULER_ROLE_ARN";
    /** Optional: the ARN drift schedules invoke; by default this function's own (from the invocation context). */
    static final String DRIFT_FUNCTION_ARN = "DRIFT_FUNCTION_ARN";
    /** Event bus of {@code DriftDetected}. */
    static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";
    /** The {@code source} of drift events. */
    static final String SOURCE = "mlserve.drift";

    /**
     * @param env the process environment
     * @param selfArn this function's ARN once an invocation has named it
     * @return the wiring
     */
    static DriftWiring fromEnvironment(Map<String, String> env, Supplier<String> selfArn) {
        var config = FunctionConfig.fromEnv(env);
        var clock = Clock.systemUTC();
        var dynamoDb = AwsClients.dynamoDb();
        var s3 = AwsClients.s3();
        var dataBucket = required(env, DATA_BUCKET);
        var registry = new DynamoDbModelRegistry(dynamoDb, config.registryTable());
        var models = new S3ModelStore(s3, config.modelsBucket(), config.maxModelBytes());
        var baselineStore = new S3BaselineStore(s3, config.modelsBucket());
        var group = required(env, SCHEDULE_GROUP);
        var role = required(env, SCHEDULER_ROLE_ARN);
        var fixedTarget = Optional.ofNullable(env.get(DRIFT_FUNCTION_ARN)).filter(s -> !s.isBlank());
        var scheduler = AwsClients.scheduler();
        ScheduleStore schedules = new SelfTargetedSchedules(target -> new EventBridgeSchedulerStore(scheduler, group,
                Map.of(ScheduledTask.DRIFT, target), role), () -> fixedTarget.orElseGet(selfArn));
        // ONNX Runtime loads its native library on first use: only a baseline needs it
        var onnx = new AtomicReference<OnnxModelLoader>();
        ModelLoader loader = (manifest, bytes) ->
                onnx.updateAndGet(l -> l != null ? l : new OnnxModelLoader(config.onnxIntraOpThreads())).load(manifest, bytes);
        var drift = new DriftService(registry, models, baselineStore, new DynamoDbPredictionLogReader(dynamoDb, config.predictionsTable(),
                        new RegistryLogShards(registry)),
                new DynamoDbDriftConfigStore(dynamoDb, config.registryTable()), new S3DriftReportStore(s3, dataBucket),
                new DynamoDbDriftHistory(dynamoDb, config.registryTable()),
                new EventBridgePublisher(AwsClients.eventBridge(), env.getOrDefault(EVENT_BUS_NAME, "default"), SOURCE), schedules,
                new EmfDriftMetrics(env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "mlserve"),
                        new FileOutputStream(FileDescriptor.out), clock),
                DriftReportPage::render, clock);
        var baselines = new BaselineService(registry, models, loader, new S3BlobStore(s3), baselineStore, dataBucket, clock);
        return new DriftWiring(drift, baselines, config.maxRequestBytes());
    }

    /** @return the function's edge: the drift routes */
    HttpEdge edge() {
        return new DriftApi(drift, baselines).routes(HttpEdge.builder(maxRequestBytes)).build();
    }

    private static String required(Map<String, String> env, String name) {
        var value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
