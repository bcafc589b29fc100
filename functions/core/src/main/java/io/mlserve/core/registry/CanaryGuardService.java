package io.mlserve.core.registry;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.quality.QualityMeasurer;
import io.mlserve.core.quality.QualityMetrics;
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
    private final QualityMeasurer quality;

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
        this(registry, service, health, events, clock, null);
    }

    /**
     * @param registry registry storage (to find canaries)
     * @param service performs the rollback with its audit entry
     * @param health measures canaries
     * @param events announces rollbacks
     * @param clock time source
     * @param quality measures canary and production on ground truth (null: quality limits are not judged)
     */
    public CanaryGuardService(ModelRegistry registry, RegistryService service, CanaryHealthSource health, EventPublisher events,
            Clock clock, QualityMeasurer quality) {
        this.quality = quality;
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

    /**
     * The canary is worse on ground truth when its accuracy interval lies entirely below production's accuracy minus
     * {@code maxAccuracyDrop} (or its MAPE interval entirely above production's MAPE plus {@code maxMapeRise}), both
     * measured on the same window with at least {@code minLabelled} labelled predictions each.
     *
     * @return the reason, or null when the canary is not measurably worse (or cannot be judged yet)
     */
    private String worseOnGroundTruth(String name, Aliases aliases, CanaryGuard guard, java.time.Instant from, java.time.Instant to) {
        if (quality == null || !guard.judgesQuality() || aliases.production() == null) {
            return null;
        }
        var canary = quality.measure(new ModelRef(name, aliases.canary()), from, to);
        var production = quality.measure(new ModelRef(name, aliases.production()), from, to);
        if (canary.labelled() < guard.minLabelled() || production.labelled() < guard.minLabelled()) {
            return null;
        }
        if (guard.maxAccuracyDrop() != null && canary.metrics() instanceof QualityMetrics.Classification c
                && production.metrics() instanceof QualityMetrics.Classification p
                && c.accuracy().high() < p.accuracy().value() - guard.maxAccuracyDrop()) {
            return String.format(Locale.ROOT, "accuracy %.4f [%.4f, %.4f] on %d labelled < production's %.4f - %.4f (%d labelled)",
                    c.accuracy().value(), c.accuracy().low(), c.accuracy().high(), canary.labelled(), p.accuracy().value(),
                    guard.maxAccuracyDrop(), production.labelled()) + " in the last " + guard.windowMinutes() + " min";
        }
        if (guard.maxMapeRise() != null && canary.metrics() instanceof QualityMetrics.Regression c && c.mape() != null
                && production.metrics() instanceof QualityMetrics.Regression p && p.mape() != null
                && c.mape().low() > p.mape().value() + guard.maxMapeRise()) {
            return String.format(Locale.ROOT, "MAPE %.4f [%.4f, %.4f] on %d labelled > production's %.4f + %.4f (%d labelled)",
                    c.mape().value(), c.mape().low(), c.mape().high(), canary.labelled(), p.mape().value(), guard.maxMapeRise(),
                    production.labelled()) + " in the last " + guard.windowMinutes() + " min";
        }
        return null;
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
        String reason;
        if (broken != null) {
            reason = broken + " over " + measured.requests() + " requests in the last " + guard.windowMinutes() + " min";
        } else {
            reason = worseOnGroundTruth(name, aliases, guard, now.minus(Duration.ofMinutes(guard.windowMinutes())), now);
        }
        if (reason == null) {
            return new Decision(name, aliases.canary(), measured, false, "within limits", null, false);
        }
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
