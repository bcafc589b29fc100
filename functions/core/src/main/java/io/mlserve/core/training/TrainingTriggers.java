package io.mlserve.core.training;

import java.time.Instant;

/**
 * The last training start made by drift, per model (the registry table in production: {@code pk=MODEL#<name>,
 * sk=TRAINING_TRIGGERS}). A drift event may start a job only by claiming this record first, with a conditional write,
 * so two events that arrive at once start at most one job.
 */
public interface TrainingTriggers {

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
    Claim claimDriftStart(String model, String claimId, Instant now, Instant notBefore);

    /**
     * Undoes a claim that started nothing (the model was already training, or the launch failed): the record goes back
     * to {@code previous}. A no-op when another claim has replaced this one since.
     *
     * @param model model name
     * @param claimId the claim to undo
     * @param previous the start the claim replaced, or null for none
     */
    void releaseDriftStart(String model, String claimId, Instant previous);
}
