package io.mlserve.core.training;

import io.mlserve.core.drift.DriftConfig;
import io.mlserve.core.drift.DriftConfigStore;
import io.mlserve.core.training.TrainingService.Trigger;
import io.mlserve.core.training.TrainingService.TriggerOutcome;
import java.time.Clock;
import java.time.Instant;

/**
 * The retraining-storm guard of drift ({@link RetrainingGuard} with the drift config's policy): what a
 * {@code DriftDetected} event may start. A drift event starts a training job only
 * when the model has a training spec, its drift config says {@code retrain: true}, and {@code cooldownMinutes} have
 * passed since the last training start made by drift. An EventBridge rule keeps no state, so this is where the
 * cooldown is kept: the last drift start is a {@link TrainingTriggers} record taken by a conditional write before the
 * job is started, so two events at once start at most one job.
 *
 * <p>N.B. the cooldown counts from the last start made <em>by drift</em>: API and schedule starts neither consume it
 * nor are held back by it. A claim that starts nothing (the model is already training, or the launch fails) is undone,
 * so the next event may try again.
 */
public final class DriftRetraining {
    private final RetrainingGuard guard;

    /**
     * @param training starts the job (one per model at a time)
     * @param specs the models' training specs
     * @param driftConfigs the models' drift configs (a model without one has the defaults: retrain off)
     * @param triggers the last drift-triggered start per model
     * @param clock time source (the cooldown is measured on it, not on the event's time)
     */
    public DriftRetraining(TrainingService training, TrainingSpecStore specs, DriftConfigStore driftConfigs,
            TrainingTriggers triggers, Clock clock) {
        this.guard = new RetrainingGuard(training, specs, triggers, Trigger.DRIFT, model -> {
            var config = driftConfigs.find(model).map(DriftConfigStore.StoredConfig::config).orElse(DriftConfig.defaults());
            return new RetrainingGuard.Policy(config.retrain(), config.cooldownMinutes(), "drift config");
        }, clock);
    }

    /**
     * Starts a training job for a model whose drift check found drift, if the guard allows it.
     *
     * @param model model name
     * @param detectedAt when the drift was detected (the event's time; for the log only)
     * @return {@link TrainingService.Started}, or {@link TrainingService.Skipped} with the reason (no spec, retrain off,
     *     cooldown, already training)
     * @throws io.mlserve.core.error.MlServeException {@code TRAINING_UNAVAILABLE} when the job could not be launched
     *     (the claim is undone first, so a retry may start it)
     */
    public TriggerOutcome start(String model, Instant detectedAt) {
        return guard.start(model, detectedAt);
    }
}
