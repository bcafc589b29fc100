package io.mlserve.function.train;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.mlserve.core.json.Json;
import io.mlserve.core.training.DriftRetraining;
import io.mlserve.core.training.RetrainingGuard;
import io.mlserve.core.training.TrainingJobSteps;
import io.mlserve.core.training.TrainingService;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.Logger;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The train function. Four kinds of payload:
 * <ul>
 *   <li>the TrainJobs state machine's steps, {@code {"step": "prepare" | "candidate" | "select" | "fail", "jobId", …}}
 *       (see {@link TrainingJobSteps}); a data problem is thrown as
 *       {@link io.mlserve.core.training.TrainingDataException}, and the machine's Catch then calls {@code fail}, whose
 *       reason is that exception's message;</li>
 *   <li>a training schedule's firing (EventBridge Scheduler), {@code {"action": "start", "kind": "train", "model",
 *       "trigger": "schedule"}}: starts a job as the API does, or counts a no-op on the running one;</li>
 *   <li>an EventBridge event of detail-type {@code DriftDetected} ({@code detail.model}, routed here by the stack's rule):
 *       through the retraining-storm guard ({@link DriftRetraining}: a training spec, {@code retrain: true} in the drift
 *       config, the cooldown since the last drift start passed), then the same with trigger drift;</li>
 *   <li>an EventBridge event of detail-type {@code ModelQualityDegraded} (source {@code mlserve.quality}): the same guard
 *       with the quality config's {@code retrain} and {@code cooldownMinutes} and its own cooldown record, trigger
 *       quality.</li>
 * </ul>
 * Env vars: {@link io.mlserve.aws.FunctionConfig}, {@link io.mlserve.aws.TrainingConfig}, {@code EVENT_BUS_NAME}.
 */
public final class TrainHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainHandler.class);

    private final TrainingJobSteps steps;
    private final TrainingService training;
    private final DriftRetraining driftRetraining;
    private final RetrainingGuard qualityRetraining;

    /** Called by the runtime once per execution environment (INIT): clients, trainer, ONNX Runtime. */
    public TrainHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    private TrainHandler(Wiring wiring) {
        this(wiring.steps(), wiring.training(), wiring.driftRetraining(), wiring.qualityRetraining());
    }

    TrainHandler(TrainingJobSteps steps, TrainingService training, DriftRetraining driftRetraining) { // tests pass their own
        this(steps, training, driftRetraining, null);
    }

    TrainHandler(TrainingJobSteps steps, TrainingService training, DriftRetraining driftRetraining, RetrainingGuard qualityRetraining) {
        this.qualityRetraining = qualityRetraining;
        this.steps = steps;
        this.training = training;
        this.driftRetraining = driftRetraining;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return PowertoolsLogging.withLogging(context, () -> handle(input));
    }

    Map<String, Object> handle(Map<String, Object> input) {
        if ("DriftDetected".equals(input.get("detail-type")) && input.get("detail") instanceof Map<?, ?> detail) {
            return startFromDrift(String.valueOf(detail.get("model")), detail.get("version"), eventTime(input.get("time")));
        }
        if ("ModelQualityDegraded".equals(input.get("detail-type")) && input.get("detail") instanceof Map<?, ?> detail
                && qualityRetraining != null) {
            var model = String.valueOf(detail.get("model"));
            LOG.info("ModelQualityDegraded for {} version {} ({})", model, detail.get("version"), detail.get("broken"));
            return report(model, TrainingService.Trigger.QUALITY, qualityRetraining.start(model, eventTime(input.get("time"))));
        }
        if (input.containsKey("action")) {
            var action = text(input, "action");
            if (!"start".equals(action) || !"train".equals(input.getOrDefault("kind", "train"))) {
                throw new IllegalArgumentException("unknown action '" + action + "' of kind '" + input.get("kind") + "'");
            }
            return start(text(input, "model"), TrainingService.Trigger.fromName(String.valueOf(input.getOrDefault("trigger", "schedule"))));
        }
        var step = text(input, "step");
        return switch (step) {
            case "prepare" -> steps.prepare(text(input, "jobId"));
            case "candidate" -> steps.candidate(text(input, "jobId"), (int) number(input, "index"));
            case "select" -> steps.select(text(input, "jobId"), results(input));
            case "fail" -> fail(input);
            default -> throw new IllegalArgumentException("unknown step '" + step + "'");
        };
    }

    private Map<String, Object> start(String model, TrainingService.Trigger trigger) {
        return report(model, trigger, training.startFromSchedule(model, trigger));
    }

    private Map<String, Object> startFromDrift(String model, Object version, Instant detectedAt) {
        LOG.info("DriftDetected for {} version {} at {}", model, version, detectedAt);
        return report(model, TrainingService.Trigger.DRIFT, driftRetraining.start(model, detectedAt));
    }

    private Map<String, Object> report(String model, TrainingService.Trigger trigger, TrainingService.TriggerOutcome outcome) {
        var out = new LinkedHashMap<String, Object>();
        out.put("model", model);
        out.put("trigger", trigger.specName());
        switch (outcome) {
            case TrainingService.Started started -> {
                out.put("started", true);
                out.put("jobId", started.jobId());
                LOG.info("training of {} started by {}: job {}", model, trigger.specName(), started.jobId());
            }
            case TrainingService.Skipped skipped -> {
                out.put("started", false);
                if (skipped.runningJobId() != null) {
                    out.put("runningJobId", skipped.runningJobId());
                }
                out.put("reason", skipped.reason());
                LOG.info("training trigger ({}) skipped: {}", trigger.specName(), skipped.reason());
            }
        }
        return out;
    }

    /** The EventBridge envelope's {@code time}; the current time when absent or unreadable (it is only logged). */
    private static Instant eventTime(Object time) {
        if (time != null) {
            try {
                return Instant.parse(time.toString());
            } catch (DateTimeParseException e) {
                LOG.warn("event with an unreadable time '{}'", time);
            }
        }
        return Instant.now();
    }

    /** Accepts {@code error} and {@code cause} as strings, or {@code error} as the Catch's {@code {"Error", "Cause"}} object. */
    private Map<String, Object> fail(Map<String, Object> input) {
        Object error = input.get("error");
        Object cause = input.get("cause");
        if (error instanceof Map<?, ?> caught) {
            cause = cause != null ? cause : caught.get("Cause");
            error = caught.get("Error");
        }
        return steps.fail(text(input, "jobId"), error == null ? null : error.toString(),
                cause == null ? null : cause instanceof String s ? s : Json.write(cause));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(Map<String, Object> input) {
        if (!(input.get("results") instanceof List<?> list)) {
            throw new IllegalArgumentException("the results field must be the candidates' results");
        }
        for (var item : list) {
            if (!(item instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("each result must be an object, got " + item);
            }
        }
        return (List<Map<String, Object>>) list;
    }

    private static String text(Map<String, Object> input, String field) {
        var value = input.get(field);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("the " + field + " field is missing");
        }
        return value.toString();
    }

    private static long number(Map<String, Object> input, String field) {
        var value = input.get(field);
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            return Long.parseLong(s.trim());
        }
        throw new IllegalArgumentException("the " + field + " field must be a number");
    }
}
