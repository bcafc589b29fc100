package io.mlserve.function.batch;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbJobStore;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.DynamoDbPredictionLog;
import io.mlserve.aws.EventBridgePublisher;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.aws.PredictionLogSpill;
import io.mlserve.http.EmfMetrics;
import io.mlserve.http.EmfPredictionLogEvents;
import io.mlserve.core.registry.RegistryLogShards;
import io.mlserve.aws.S3BlobStore;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.serving.ModelCache;
import io.mlserve.core.serving.ServingEvents;
import io.mlserve.onnx.OnnxModelLoader;
import java.time.Clock;
import java.util.Map;

/**
 * Builds the batch function's object graph once per container.
 *
 * @param config shared settings
 * @param batch batch settings
 * @param jobs the steps
 */
record Wiring(FunctionConfig config, BatchConfig batch, BatchJobs jobs) {

    static Wiring fromEnvironment(Map<String, String> env) {
        var config = FunctionConfig.fromEnv(env);
        var batch = BatchConfig.fromEnv(env);
        var clock = Clock.systemUTC();
        var s3 = AwsClients.s3();
        var dynamoDb = AwsClients.dynamoDb();
        var store = new S3ModelStore(s3, config.modelsBucket(), config.maxModelBytes());
        var registry = new DynamoDbModelRegistry(dynamoDb, config.registryTable());
        // One version per job: the cache only saves reloading it for the next range in this container.
        var cache = new ModelCache(store, registry, new OnnxModelLoader(config.onnxIntraOpThreads()), ServingEvents.NONE, clock,
                config.aliasTtl(), Math.min(2, config.modelCacheVersions()));
        // a version's shard count is read from the registry once per container (versions are immutable)
        var shards = new RegistryLogShards(registry);
        var table = new DynamoDbPredictionLog(dynamoDb, config.predictionsTable(), config.predictionLogTtl(), config.logWriteDeadline(),
                shards);
        // the logged sample takes the same path as predict's rows: what the table does not take goes to the spill
        var log = PredictionLogSpill.around(table, env, new EmfPredictionLogEvents(
                EmfMetrics.toStandardOutput(env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "mlserve"), env)), clock);
        var events = new EventBridgePublisher(AwsClients.eventBridge(), batch.eventBusName(), BatchJobs.EVENT_SOURCE);
        var jobs = new BatchJobs(new S3BlobStore(s3), new DynamoDbJobStore(dynamoDb, batch.jobsTable()), cache, log, events, clock, batch,
                shards);
        return new Wiring(config, batch, jobs);
    }
}
