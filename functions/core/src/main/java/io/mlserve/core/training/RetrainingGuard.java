package io.mlserve.core.training;

import io.mlserve.core.training.TrainingService.Skipped;
import io.mlserve.core.training.TrainingService.Trigger;
import io.mlserve.core.training.TrainingService.TriggerOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

/**
 * The retraining-storm guard for any signal that may start training (a {@code DriftDetected} or
 * {@code ModelQualityDegraded} event): a job starts only when the model has a training spec, the signal's config says
 * {@code retrain: true}, and its {@code cooldownMinutes} have passed since the last start made by the same signal. An
 * EventBridge rule keeps no state, so the cooldown is a {@link TrainingTriggers} record per signal, claimed with a
 * conditional write before the job starts: two events at once start at most one job.
 *
 * <p>N.B. each signal's cooldown counts only its own starts; API and schedule starts neither consume it nor wait for
 * it. A claim that starts nothing (the model is already training, or the launch fails) is undone.
 */
public final class RetrainingGuard {
    /**
     * What a signal's config says about retraining.
     *
     * @param retrain whether the signal may start training
     * @param cooldownMinutes least time between two starts by the signal
     * @param configName the config's name in messages (e.g. "drift config")
     */
    public record Policy(boolean retrain, int cooldownMinutes, String configName) {}

    private final TrainingService training;
    private final TrainingSpecStore specs;
    private final TrainingTriggers triggers;
    private final Trigger trigger;
    private final Function<String, Policy> policies;
    private final Clock clock;

    /**
     * @param training starts the job (one per model at a time)
     * @param specs the models' training specs
     * @param triggers the last start per model and signal
     * @param trigger the signal ({@link Trigger#DRIFT}, {@link Trigger#QUALITY}); the job's trigger and actor
     * @param policies model → its retrain policy (the defaults when it has no config)
     * @param clock time source (the cooldown is measured on it, not on the event's time)
     */
    public RetrainingGuard(TrainingService training, TrainingSpecStore specs, TrainingTriggers triggers, Trigger trigger,
            Function<String, Policy> policies, Clock clock) {
        this.training = training;
        this.specs = specs;
        this.triggers = triggers;
        this.trigger = trigger;
        this.policies = policies;
        this.clock = clock;
    }

    /**
     * Starts a training job for a model the signal fired for, if the guard allows it.
     *
     * @param model model name
     * @param firedAt when the signal fired (the event's time; for the log only)
     * @return {@link TrainingService.Started}, or {@link Skipped} with the reason
     * @throws io.mlserve.core.error.MlServeException {@code TRAINING_UNAVAILABLE} when the job could not be launched
     *     (the claim is undone first, so a retry may start it)
     */
    public TriggerOutcome start(String model, Instant firedAt) {
        if (specs.find(model).isEmpty()) {
            return new Skipped(null, "model '" + model + "' has no training spec");
        }
        var policy = policies.apply(model);
        if (!policy.retrain()) {
            return new Skipped(null, "model '" + model + "' has retrain off in its " + policy.configName());
        }
        var signal = trigger.specName();
        var now = clock.instant();
        var cooldown = Duration.ofMinutes(policy.cooldownMinutes());
        var claimId = UUID.randomUUID().toString();
        var claim = triggers.claimStart(signal, model, claimId, now, now.minus(cooldown));
        if (!claim.claimed()) {
            return new Skipped(null, "model '" + model + "' is in its retraining cooldown: " + signal + " started training at "
                    + claim.last() + ", the next " + signal + " start may come after " + claim.last().plus(cooldown)
                    + " (cooldownMinutes " + policy.cooldownMinutes() + ")");
        }
        TriggerOutcome outcome;
        try {
            outcome = training.startFromSchedule(model, trigger);
        } catch (RuntimeException e) {
            triggers.releaseStart(signal, model, claimId, claim.last());
            throw e;
        }
        if (outcome instanceof Skipped) {
            triggers.releaseStart(signal, model, claimId, claim.last()); // nothing started: the cooldown is not used up
        }
        return outcome;
    }
}
