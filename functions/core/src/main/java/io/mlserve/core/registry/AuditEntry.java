package io.mlserve.core.registry;

/**
 * One change to a model's registry entry.
 *
 * @param model model name
 * @param at ISO-8601 time
 * @param action {@code REGISTERED}, {@code PROMOTED}, {@code CANARY_SET}, {@code CANARY_ROLLED_BACK}, …
 * @param version the version the action concerns
 * @param previous what the alias pointed at before, or null
 * @param weight canary weight after the change, or null
 * @param actor who did it: an API key id, {@code canary-guard}, …
 * @param reason free text, e.g. the guard's measurement
 */
public record AuditEntry(
        String model, String at, String action, String version, String previous, Integer weight, String actor, String reason) {}
