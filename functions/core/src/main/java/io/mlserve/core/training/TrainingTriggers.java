package io.mlserve.core.training;

import java.time.Instant;

/**
 * The last training start made by each signal (drift, quality), per model (the registry table in production:
 * {@code pk=MODEL#<name>, sk=TRAINING_TRIGGERS} for drift, {@code sk=TRAINING_TRIGGERS#<signal>} for the others). An
 * event may start a job only by claiming its signal's record first, with a conditional write, so two events that
 * arrive at once start at most one job. Each signal has its own record and so its own cooldown.
 */
public interface TrainingTriggers {

    /**
     * Records {@code now} as the model's last start by {@code signal}, unless the recorded one is later than
     * {@code notBefore}. Atomic: of two claims racing past the same record, one wins.
     *
     * @param signal {@code drift} or {@code quality} ({@link TrainingService.Trigger#specName()})
     * @param model model name
     * @param claimId this attempt's id
     * @param now the start time to record
     * @param notBefore the claim wins only when the recorded start is absent or at or before this time
     * @return whether it was claimed, and the start it replaced or that refused it
     */
    Claim claimStart(String signal, String model, String claimId, Instant now, Instant notBefore);

    /**
     * Undoes a claim that started nothing; a no-op when another claim has replaced it since.
     *
     * @param signal the claim's signal
     * @param model model name
     * @param claimId the claim to undo
     * @param previous the start the claim replaced, or null for none
     */
    void releaseStart(String signal, String model, String claimId, Instant previous);

    /**
     * What a claim found.
     *
     * @param claimed true when the record now holds this claim's start
     * @param last claimed: the drift start it replaced (null when there was none); refused: the drift start still
     *     inside the cooldown
     */
    record Claim(boolean claimed, Instant last) {}

    /**
     * Records {@code now} as the model's last drift-triggered start, unless the recorded one is later than
     * {@code notBefore} (still in its cooldown). Atomic: of two claims racing past the same record, one wins.
     *
     * @param model model name
     * @param claimId this attempt's id (so only it can undo its own claim)
     * @param now the start time to record
     * @param notBefore the claim wins only when the recorded start is absent or at or before this time
     * @return whether it was claimed, and the start it replaced or that refused it
     */
    default Claim claimDriftStart(String model, String claimId, Instant now, Instant notBefore) {
        return claimStart("drift", model, claimId, now, notBefore);
    }

    /**
     * Undoes a claim that started nothing (the model was already training, or the launch failed): the record goes back
     * to {@code previous}. A no-op when another claim has replaced this one since.
     *
     * @param model model name
     * @param claimId the claim to undo
     * @param previous the start the claim replaced, or null for none
     */
    default void releaseDriftStart(String model, String claimId, Instant previous) {
        releaseStart("drift", model, claimId, previous);
    }
}
