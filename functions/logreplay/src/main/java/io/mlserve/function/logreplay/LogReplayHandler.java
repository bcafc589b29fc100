package io.mlserve.function.logreplay;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.DynamoDbPredictionLog;
import io.mlserve.core.registry.RegistryLogShards;
import io.mlserve.core.store.SpillReplay;
import io.mlserve.http.EmfMetrics;
import io.mlserve.http.LambdaLogContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQS event source of the prediction log's spill queue: writes every row of every message into the prediction log with a
 * conditional PutItem (a row already there is left alone, feedback included), and reports the messages it could not
 * finish as batch item failures, so they return to the queue (the table is still unavailable) and, after the queue's
 * maxReceiveCount, land in its dead-letter queue (poison messages). Env: {@value #PREDICTIONS_TABLE},
 * {@value #REGISTRY_TABLE} (each version's log shard count),
 * {@value #PREDICTION_LOG_TTL_DAYS}, {@code POWERTOOLS_METRICS_NAMESPACE}. Metric {@code PredictionLogRowsReplayed}
 * (dimension {@code model}) and one log line per message ({@code event}: {@code PredictionLogReplayed},
 * {@code PredictionLogReplayDeferred}, {@code PredictionLogSpillPoison}).
 */
public final class LogReplayHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(LogReplayHandler.class);
    static final String PREDICTIONS_TABLE = "PREDICTIONS_TABLE";
    static final String PREDICTION_LOG_TTL_DAYS = "PREDICTION_LOG_TTL_DAYS";
    static final String REGISTRY_TABLE = "REGISTRY_TABLE";

    private final SpillReplay replay;
    private final EmfMetrics metrics;
    private final LambdaLogContext logContext = new LambdaLogContext(System.getenv("POWERTOOLS_SERVICE_NAME"));

    /** Called by the runtime once per execution environment (INIT): the DynamoDB client. */
    public LogReplayHandler() {
        this(System.getenv());
    }

    private LogReplayHandler(Map<String, String> env) {
        this(new SpillReplay(log(env)::putIfAbsent),
                EmfMetrics.toStandardOutput(env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "mlserve"), env));
    }

    /** The same writer as predict's, so a replayed row gets exactly the item (keys, attributes, TTL) it would have had. */
    private static DynamoDbPredictionLog log(Map<String, String> env) {
        var dynamoDb = AwsClients.dynamoDb();
        // the version's shard count places the row; a registry that cannot say fails the message (it is retried)
        var shards = new RegistryLogShards(new DynamoDbModelRegistry(dynamoDb, required(env, REGISTRY_TABLE)));
        return new DynamoDbPredictionLog(dynamoDb, required(env, PREDICTIONS_TABLE),
                Duration.ofDays(Integer.parseInt(env.getOrDefault(PREDICTION_LOG_TTL_DAYS, "30"))), shards);
    }

    LogReplayHandler(SpillReplay replay, EmfMetrics metrics) { // tests pass an in-memory table
        this.replay = replay;
        this.metrics = metrics;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        logContext.enter(context);
        var failures = new ArrayList<SQSBatchResponse.BatchItemFailure>();
        String unavailable = null;
        for (var message : event.getRecords()) {
            if (unavailable != null) { // the table refused the last message: the rest would only fail the same way
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                continue;
            }
            try {
                var result = replay.replay(message.getBody());
                if (result.replayed() > 0) {
                    metrics.flushSingle("PredictionLogRowsReplayed", result.replayed(), "Count", "model", result.model());
                }
                LOG.atInfo().setMessage("spilled prediction log rows replayed").addKeyValue("event", "PredictionLogReplayed")
                        .addKeyValue("messageId", message.getMessageId()).addKeyValue("model", result.model())
                        .addKeyValue("rows", result.rows()).addKeyValue("replayed", result.replayed())
                        .addKeyValue("alreadyPresent", result.alreadyPresent()).addKeyValue("requestIds", result.requestIds()).log();
            } catch (IllegalArgumentException e) {
                LOG.atError().setMessage("spill message unreadable; it goes to the dead-letter queue after its receives")
                        .addKeyValue("event", "PredictionLogSpillPoison").addKeyValue("messageId", message.getMessageId())
                        .addKeyValue("reason", e.getMessage()).log();
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            } catch (RuntimeException e) {
                unavailable = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.atWarn().setMessage("prediction log refused the replay; the message returns to the spill queue")
                        .addKeyValue("event", "PredictionLogReplayDeferred").addKeyValue("messageId", message.getMessageId())
                        .addKeyValue("receiveCount", message.getAttributes() == null ? null
                                : message.getAttributes().get("ApproximateReceiveCount"))
                        .addKeyValue("reason", unavailable).log();
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    private static String required(Map<String, String> env, String name) {
        var value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
