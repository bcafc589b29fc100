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
 * finish as batch item failures. A message the log refused (the table is still unavailable) returns to the queue hidden
 * for a growing delay (30 s doubling to 15 min, ChangeMessageVisibility), so an outage of hours does not use up its
 * receives; a message that cannot be read (poison) returns after the queue's visibility timeout and, after its
 * maxReceiveCount, lands in the dead-letter queue. Env: {@value #PREDICTIONS_TABLE},
 * {@value #REGISTRY_TABLE} (each version's log shard count), {@value #SPILL_QUEUE_URL},
 * {@value #PREDICTION_LOG_TTL_DAYS}, {@code POWERTOOLS_METRICS_NAMESPACE}. Metric {@code PredictionLogRowsReplayed}
 * (dimension {@code model}) and one log line per message ({@code event}: {@code PredictionLogReplayed},
 * {@code PredictionLogReplayDeferred}, {@code PredictionLogSpillPoison}).
 */
public final class LogReplayHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(LogReplayHandler.class);
    static final String PREDICTIONS_TABLE = "PREDICTIONS_TABLE";
    static final String PREDICTION_LOG_TTL_DAYS = "PREDICTION_LOG_TTL_DAYS";
    static final String REGISTRY_TABLE = "REGISTRY_TABLE";

    static final String SPILL_QUEUE_URL = "PREDICTION_SPILL_QUEUE_URL";
    /** First delay of a message the log refused; doubled at each receive up to {@link #MAX_DELAY_SECONDS}. */
    static final int FIRST_DELAY_SECONDS = 30;
    /** SQS allows 12 h; 15 min keeps the replay within a quarter of an hour of the log's return. */
    static final int MAX_DELAY_SECONDS = 900;

    /** Hides a message for a while (SQS ChangeMessageVisibility), so an outage does not spend its receives at once. */
    interface Redelivery {
        /**
         * @param receiptHandle the message's receipt
         * @param seconds how long it stays hidden
         */
        void delay(String receiptHandle, int seconds);
    }

    private final SpillReplay replay;
    private final EmfMetrics metrics;
    private final Redelivery redelivery;
    private final LambdaLogContext logContext = new LambdaLogContext(System.getenv("POWERTOOLS_SERVICE_NAME"));

    /** Called by the runtime once per execution environment (INIT): the DynamoDB client. */
    public LogReplayHandler() {
        this(System.getenv());
    }

    private LogReplayHandler(Map<String, String> env) {
        this(new SpillReplay(log(env)::putIfAbsent),
                EmfMetrics.toStandardOutput(env.getOrDefault("POWERTOOLS_METRICS_NAMESPACE", "mlserve"), env),
                redelivery(required(env, SPILL_QUEUE_URL)));
    }

    private static Redelivery redelivery(String queueUrl) {
        var sqs = AwsClients.sqs(Duration.ofSeconds(5));
        return (receipt, seconds) -> sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(receipt).visibilityTimeout(seconds));
    }

    /** The same writer as predict's, so a replayed row gets exactly the item (keys, attributes, TTL) it would have had. */
    private static DynamoDbPredictionLog log(Map<String, String> env) {
        var dynamoDb = AwsClients.dynamoDb();
        // the version's shard count places the row; a registry that cannot say fails the message (it is retried)
        var shards = new RegistryLogShards(new DynamoDbModelRegistry(dynamoDb, required(env, REGISTRY_TABLE)));
        return new DynamoDbPredictionLog(dynamoDb, required(env, PREDICTIONS_TABLE),
                Duration.ofDays(Integer.parseInt(env.getOrDefault(PREDICTION_LOG_TTL_DAYS, "30"))), shards);
    }

    LogReplayHandler(SpillReplay replay, EmfMetrics metrics, Redelivery redelivery) { // tests pass an in-memory table
        this.replay = replay;
        this.metrics = metrics;
        this.redelivery = redelivery;
    }

    /**
     * @param receiveCount how often the message has been received, this time included
     * @return how long a message the log refused stays hidden: 30 s, 60 s, 120 s, … at most 15 min
     */
    static int delaySeconds(int receiveCount) {
        int doublings = Math.min(Math.max(0, receiveCount - 1), 10);
        return Math.min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS << doublings);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        logContext.enter(context);
        var failures = new ArrayList<SQSBatchResponse.BatchItemFailure>();
        String unavailable = null;
        for (var message : event.getRecords()) {
            if (unavailable != null) { // the table refused the last message: the rest would only fail the same way
                defer(message);
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
                        .addKeyValue("alreadyPresent", result.alreadyPresent())
                        .addKeyValue("requestIds", String.join(",", result.requestIds())).log();
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
                defer(message);
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    /** Best effort: when the delay cannot be set, the queue's visibility timeout applies. */
    private void defer(SQSEvent.SQSMessage message) {
        int receives = 1;
        if (message.getAttributes() != null) {
            try {
                receives = Integer.parseInt(message.getAttributes().getOrDefault("ApproximateReceiveCount", "1"));
            } catch (NumberFormatException e) {
                receives = 1;
            }
        }
        try {
            redelivery.delay(message.getReceiptHandle(), delaySeconds(receives));
        } catch (RuntimeException e) {
            LOG.atWarn().setMessage("could not delay a deferred spill message").addKeyValue("messageId", message.getMessageId())
                    .addKeyValue("reason", e.getMessage()).log();
        }
    }

    private static String required(Map<String, String> env, String name) {
        var value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
