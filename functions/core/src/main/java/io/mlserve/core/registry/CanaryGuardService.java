package io.mlserve.core.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rolls canaries back automatically: for every model whose canary takes traffic, measures the
 * canary over its guard's window and, when it has enough requests and breaks a limit, sets its
 * weight to 0 (conditional on the aliases not having changed meanwhile) and publishes
 * {@code CanaryRolledBack}.
 */
public final class CanaryGuardService {
    /** The actor recorded in the audit trail. */
    public static final String ACTOR = "canary-guard";

    private final ModelRegistry registry;
    private final RegistryService service;
    private final CanaryHealthSource health;
    private final EventPublisher events;
    private final Clock clock;

    /**
     * What the guard decided for one model.
     *
     * @param model model name
     * @param canary canary version
     * @param health what was measured
     * @param rolledBack whether the canary was rolled back
     * @param reason the broken limit, or why nothing was done
     * @param eventId id of the published event, or null
     * @param failed true when the check itself failed for this model (the others were still checked)
     */
    public record Decision(
            String model, String canary, CanaryHealth health, boolean rolledBack, String reason, String eventId, boolean failed) {
        static Decision failure(String model, String canary, RuntimeException e) {
            return new Decision(model, canary, null, false, "check failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    null, true);
        }
    }

    /**
     * @param registry registry storage (to find canaries)
     * @param service performs the rollback with its audit entry
     * @param health measures canaries
     * @param events announces rollbacks
     * @param clock time source
     */
    public CanaryGuardService(
            ModelRegistry registry, RegistryService service, CanaryHealthSource health, EventPublisher events, Clock clock) {
        this.registry = registry;
        this.service = service;
        this.health = health;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Checks every model; one model's failure (an unreadable registry item, a log query that fails, a
     * lost race) is recorded as a failed decision and never stops the others being checked.
     *
     * @return one decision per model with a canary taking traffic, or whose check failed
     */
    public List<Decision> checkAll() {
        var decisions = new ArrayList<Decision>();
        for (var name : registry.modelNames()) {
            Aliases aliases = null;
            try {
                aliases = registry.aliases(name);
                if (aliases.canary() != null && aliases.canaryWeight() > 0) {
                    decisions.add(check(name, aliases));
                }
            } catch (RuntimeException e) {
                decisions.add(Decision.failure(name, aliases == null ? null : aliases.canary(), e));
            }
        }
        return decisions;
    }

    private Decision check(String name, Aliases aliases) {
        var guard = (aliases.guard() == null ? CanaryGuard.DEFAULT : aliases.guard()).withDefaults();
        var now = clock.instant();
        var measured = health.health(name, aliases.canary(), now.minus(Duration.ofMinutes(guard.windowMinutes())), now);
        if (measured.requests() < guard.minRequests()) {
            return new Decision(name, aliases.canary(), measured, false,
                    "only " + measured.requests() + " of " + guard.minRequests() + " requests needed to judge", null, false);
        }
        String broken = null;
        if (measured.errorRate() > guard.maxErrorRate()) {
            broken = String.format(Locale.ROOT, "error rate %.3f > %.3f", measured.errorRate(), guard.maxErrorRate());
        } else if (measured.p95LatencyMs() > guard.maxP95LatencyMs()) {
            broken = String.format(Locale.ROOT, "p95 latency %.2f ms > %.2f ms", measured.p95LatencyMs(), guard.maxP95LatencyMs());
        }
        if (broken == null) {
            return new Decision(name, aliases.canary(), measured, false, "within limits", null, false);
        }
        var reason = broken + " over " + measured.requests() + " requests in the last " + guard.windowMinutes() + " min";
        service.rollBackCanary(name, aliases, ACTOR, reason);
        var detail = new LinkedHashMap<String, Object>();
        detail.put("model", name);
        detail.put("canary", aliases.canary());
        detail.put("production", aliases.production());
        detail.put("previousWeight", aliases.canaryWeight());
        detail.put("reason", reason);
        detail.put("requests", measured.requests());
        detail.put("errorRate", measured.errorRate());
        detail.put("p95LatencyMs", measured.p95LatencyMs());
        var eventId = events.publish("CanaryRolledBack", Map.copyOf(detail));
        return new Decision(name, aliases.canary(), measured, true, reason, eventId, false);
    }
}
