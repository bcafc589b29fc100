package io.mlserve.function.feedback;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbFeedbackStore;
import io.mlserve.aws.DynamoDbJobStore;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.aws.RegistryActualSpecs;
import io.mlserve.aws.S3BlobStore;
import io.mlserve.core.feedback.FeedbackFileJob;
import io.mlserve.core.feedback.FeedbackService;
import io.mlserve.http.HttpEdge;
import java.time.Clock;
import java.util.Map;

/**
 * The feedback function's object graph, built once per container.
 *
 * @param feedback the checks and the store
 * @param files bulk feedback files
 * @param maxRequestBytes largest request body accepted
 */
record FeedbackWiring(FeedbackService feedback, FeedbackFileJob files, int maxRequestBytes) {
    /** The jobs table (bulk feedback files are jobs). */
    static final String JOBS_TABLE = "JOBS_TABLE";
    /** UpdateItem calls in flight at once for one call's items (default 16). */
    static final String FEEDBACK_WRITERS = "FEEDBACK_WRITERS";
    /** Largest feedback file taken (default 64 MiB). */
    static final String FEEDBACK_MAX_FILE_BYTES = "FEEDBACK_MAX_FILE_BYTES";

    static FeedbackWiring fromEnvironment(Map<String, String> env) {
        var config = FunctionConfig.fromEnv(env);
        var clock = Clock.systemUTC();
        var dynamoDb = AwsClients.dynamoDb();
        var s3 = AwsClients.s3();
        var jobsTable = env.get(JOBS_TABLE);
        if (jobsTable == null || jobsTable.isBlank()) {
            throw new IllegalStateException("environment variable " + JOBS_TABLE + " is not set");
        }
        int writers = Integer.parseInt(env.getOrDefault(FEEDBACK_WRITERS, "16"));
        long maxFileBytes = Long.parseLong(env.getOrDefault(FEEDBACK_MAX_FILE_BYTES, Long.toString(FeedbackFileJob.MAX_FILE_BYTES_DEFAULT)));
        var feedback = new FeedbackService(new DynamoDbFeedbackStore(dynamoDb, config.predictionsTable(), writers),
                new RegistryActualSpecs(new DynamoDbModelRegistry(dynamoDb, config.registryTable()), s3, config.modelsBucket()),
                config.predictionLogTtl(), clock);
        var files = new FeedbackFileJob(feedback, new S3BlobStore(s3), new DynamoDbJobStore(dynamoDb, jobsTable), clock, maxFileBytes);
        return new FeedbackWiring(feedback, files, config.maxRequestBytes());
    }

    /** @return the function's edge: the feedback route */
    HttpEdge edge() {
        return new FeedbackApi(feedback).routes(HttpEdge.builder(maxRequestBytes)).build();
    }
}
