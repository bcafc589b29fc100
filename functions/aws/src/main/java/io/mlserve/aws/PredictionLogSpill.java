package io.mlserve.aws;

import io.mlserve.core.store.CircuitBreaker;
import io.mlserve.core.store.PredictionLog;
import io.mlserve.core.store.PredictionLogEvents;
import io.mlserve.core.store.SpillingPredictionLog;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Puts the spill in front of the DynamoDB log, as configured by the environment: {@value #QUEUE_URL} (the spill queue;
 * unset = no spill, the log as it is), {@value #BREAKER_FAILURES} (failed writes in a row that open the breaker, default
 * 3), {@value #BREAKER_COOL_DOWN_SECONDS} (how long it stays open before a probe, default 30) and
 * {@value #SPILL_TIMEOUT_MS} (the most one spill call may take, default 2000).
 */
public final class PredictionLogSpill {
    public static final String QUEUE_URL = "PREDICTION_SPILL_QUEUE_URL";
    public static final String BREAKER_FAILURES = "LOG_BREAKER_FAILURES";
    public static final String BREAKER_COOL_DOWN_SECONDS = "LOG_BREAKER_COOL_DOWN_SECONDS";
    public static final String SPILL_TIMEOUT_MS = "LOG_SPILL_TIMEOUT_MS";

    private PredictionLogSpill() {}

    /**
     * @param log the DynamoDB log
     * @param env the process environment
     * @param events where spilled / lost rows and breaker changes are reported
     * @param clock time source of the breaker
     * @return the log behind a spill and a circuit breaker, or {@code log} itself when no spill queue is configured
     */
    public static PredictionLog around(PredictionLog log, Map<String, String> env, PredictionLogEvents events, Clock clock) {
        var queueUrl = env.get(QUEUE_URL);
        if (queueUrl == null || queueUrl.isBlank()) {
            return log;
        }
        var breaker = new CircuitBreaker(FunctionConfig.number(env, BREAKER_FAILURES, 3),
                Duration.ofSeconds(FunctionConfig.number(env, BREAKER_COOL_DOWN_SECONDS, 30)), clock);
        var timeout = Duration.ofMillis(FunctionConfig.number(env, SPILL_TIMEOUT_MS, 2000));
        var spill = new SqsPredictionSpill(AwsClients.sqs(timeout), queueUrl);
        return new SpillingPredictionLog(log, spill, breaker, events);
    }
}
