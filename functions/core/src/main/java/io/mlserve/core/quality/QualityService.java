package io.mlserve.core.quality;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.Task;
import io.mlserve.core.registry.EventPublisher;
import io.mlserve.core.registry.ModelRegistry;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.schedule.ScheduleStore;
import io.mlserve.core.schedule.ScheduledTask;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model quality on ground truth, one model at a time: metrics of a window of predictions joined to their actuals
 * (the API), the model's quality config and its schedule, the scheduled check that publishes
 * {@value #MODEL_QUALITY_DEGRADED} when production breaks a floor, and the page of quality over time.
 */
public final class QualityService {
    /** Detail type of the event a check publishes when production breaks a floor (source {@code mlserve.quality}). */
    public static final String MODEL_QUALITY_DEGRADED = "ModelQualityDegraded";
    /** The schedule kind of quality checks. */
    public static final String KIND = ScheduledTask.QUALITY;
    /** Most versions one answer without {@code version} covers (the newest registered before the window's end). */
    public static final int MAX_VERSIONS = 20;
    /** Time buckets of the page's chart. */
    public static final int BUCKETS = 24;

    private final ModelRegistry registry;
    private final QualityMeasurer measurer;
    private final QualityConfigStore configs;
    private final EventPublisher events;
    private final ScheduleStore schedules;
    private final QualityReport.Renderer renderer;
    private final Clock clock;

    /**
     * @param registry versions, their tasks and the aliases
     * @param measurer labelled rows → metrics
     * @param configs quality configs
     * @param events where {@value #MODEL_QUALITY_DEGRADED} goes
     * @param schedules run-time schedules (kind {@value #KIND})
     * @param renderer the page
     * @param clock now
     */
    public QualityService(ModelRegistry registry, QualityMeasurer measurer, QualityConfigStore configs, EventPublisher events,
            ScheduleStore schedules, QualityReport.Renderer renderer, Clock clock) {
        this.registry = registry;
        this.measurer = measurer;
        this.configs = configs;
        this.events = events;
        this.schedules = schedules;
        this.renderer = renderer;
        this.clock = clock;
    }

    /**
     * Sets a model's quality config and its schedule ({@code quality-<model>}).
     *
     * @param model model name
     * @param body the config as received
     * @param actor who sets it
     * @return the stored config, every field filled in
     */
    public QualityConfig putConfig(String model, JsonNode body, String actor) {
        ModelRef.checkName(model);
        var config = QualityConfig.parse(body, task(model));
        configs.put(model, new QualityConfigStore.StoredConfig(config, clock.instant().truncatedTo(ChronoUnit.MILLIS).toString(),
                actor == null ? "unknown" : actor));
        schedules.put(new ScheduledTask(KIND, model), config.schedule());
        return config;
    }

    /**
     * @param model model name
     * @return its config, or the defaults when none was set
     */
    public QualityConfig getConfig(String model) {
        ModelRef.checkName(model);
        versions(model);
        return config(model);
    }

    /**
     * {@code GET /models/{name}/quality}: one version's quality, or every recent version's.
     *
     * @param model model name
     * @param fromText window start (ISO-8601), or null: {@code to} minus the config's window
     * @param toText window end (ISO-8601), or null: now
     * @param version one version, or null for each version with predictions in the window (and production and canary)
     * @return the answer as the API returns it
     */
    public Map<String, Object> quality(String model, String fromText, String toText, String version) {
        ModelRef.checkName(model);
        var versions = versions(model);
        var window = window(fromText, toText, config(model));
        var out = new LinkedHashMap<String, Object>();
        out.put("model", model);
        out.put("from", window[0].toString());
        out.put("to", window[1].toString());
        if (version != null && !version.isBlank()) {
            if (versions.stream().noneMatch(v -> v.version().equals(version))) {
                throw NotFoundException.version(model, version);
            }
            out.put("version", version);
            out.putAll(view(measurer.measure(new ModelRef(model, version), window[0], window[1])));
            return out;
        }
        var aliases = registry.aliases(model);
        var perVersion = new LinkedHashMap<String, Object>();
        for (var v : candidates(versions, window[1])) {
            var measured = measurer.measure(new ModelRef(model, v), window[0], window[1]);
            if (measured.count() > 0 || v.equals(aliases.production()) || v.equals(aliases.canary())) {
                perVersion.put(v, view(measured));
            }
        }
        out.put("production", aliases.production());
        out.put("canary", aliases.canary());
        out.put("versions", perVersion);
        return out;
    }

    /**
     * What a scheduled (or requested) check found.
     *
     * @param model model name
     * @param version production version, or null
     * @param from window start
     * @param to window end
     * @param count predictions in the window
     * @param labelled labelled ones
     * @param verdict {@code degraded}, {@code ok} or {@code insufficient-data}
     * @param reason why, in words
     * @param broken the floors broken (name → value, floor)
     * @param metrics production's metrics (null when nothing is labelled)
     * @param eventId the published {@value #MODEL_QUALITY_DEGRADED} event's id, or null
     */
    public record Check(String model, String version, String from, String to, long count, long labelled, String verdict, String reason,
            Map<String, Map<String, Double>> broken, QualityMetrics.Metrics metrics, String eventId) {}

    /**
     * Measures production over the config's window and publishes {@value #MODEL_QUALITY_DEGRADED} when it breaks a floor
     * on at least {@code minLabelled} labelled rows.
     *
     * @param model model name
     * @return what was found
     */
    public Check check(String model) {
        ModelRef.checkName(model);
        versions(model);
        var config = config(model);
        var to = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        var from = to.minus(Duration.ofHours(config.window().hours()));
        var production = registry.aliases(model).production();
        if (production == null) {
            return new Check(model, null, from.toString(), to.toString(), 0, 0, "insufficient-data", "the model has no production version",
                    Map.of(), null, null);
        }
        var measured = measurer.measure(new ModelRef(model, production), from, to);
        if (measured.labelled() < config.minLabelled() || measured.metrics() == null) {
            return new Check(model, production, from.toString(), to.toString(), measured.count(), measured.labelled(), "insufficient-data",
                    "only " + measured.labelled() + " of the " + config.minLabelled() + " labelled predictions needed (minLabelled)",
                    Map.of(), measured.metrics(), null);
        }
        var broken = config.broken(measured.metrics());
        if (broken.isEmpty()) {
            return new Check(model, production, from.toString(), to.toString(), measured.count(), measured.labelled(), "ok",
                    "every floor holds", broken, measured.metrics(), null);
        }
        var detail = new LinkedHashMap<String, Object>();
        detail.put("model", model);
        detail.put("version", production);
        detail.put("window", Map.of("from", from.toString(), "to", to.toString()));
        detail.put("count", measured.count());
        detail.put("labelled", measured.labelled());
        detail.put("broken", broken);
        detail.put("createdAt", to.toString());
        var eventId = events.publish(MODEL_QUALITY_DEGRADED, detail);
        return new Check(model, production, from.toString(), to.toString(), measured.count(), measured.labelled(), "degraded",
                "broken: " + String.join(", ", broken.keySet()), broken, measured.metrics(), eventId);
    }

    /**
     * {@code GET /models/{name}/quality/report}: the headline metric per version over the window, in {@value #BUCKETS}
     * time buckets, with intervals.
     *
     * @param model model name
     * @param fromText window start or null
     * @param toText window end or null
     * @return the page's data
     */
    public QualityReport report(String model, String fromText, String toText) {
        ModelRef.checkName(model);
        var versions = versions(model);
        var window = window(fromText, toText, config(model));
        var aliases = registry.aliases(model);
        long span = Math.max(1, Duration.between(window[0], window[1]).toMillis());
        long width = Math.max(1, (span + BUCKETS - 1) / BUCKETS);
        var series = new ArrayList<QualityReport.Series>();
        String metric = null;
        for (var v : candidates(versions, window[1])) {
            var rows = measurer.read(new ModelRef(model, v), window[0], window[1]).labelled();
            if (rows.isEmpty()) {
                continue;
            }
            var buckets = new ArrayList<List<LabelledRows.LabelledRow>>();
            for (int b = 0; b < BUCKETS; b++) {
                buckets.add(new ArrayList<>());
            }
            for (var r : rows) {
                int b = (int) Math.min(BUCKETS - 1, Math.max(0, (r.timestamp().toEpochMilli() - window[0].toEpochMilli()) / width));
                buckets.get(b).add(r);
            }
            var points = new ArrayList<QualityReport.Point>();
            for (int b = 0; b < BUCKETS; b++) {
                var metrics = QualityMeasurer.metrics(buckets.get(b));
                if (metrics == null) {
                    continue;
                }
                var start = window[0].plusMillis(b * width);
                var end = b == BUCKETS - 1 ? window[1] : start.plusMillis(width);
                Estimate estimate = metrics instanceof QualityMetrics.Classification c ? c.accuracy() : ((QualityMetrics.Regression) metrics).mae();
                metric = metrics instanceof QualityMetrics.Classification ? "accuracy" : "mae";
                points.add(new QualityReport.Point(start.toString(), end.toString(), buckets.get(b).size(), estimate));
            }
            series.add(new QualityReport.Series(v, points));
        }
        series.sort(Comparator.comparing(QualityReport.Series::version, QualityService::versionOrder));
        if (metric == null) {
            var task = task(model);
            metric = task == Task.REGRESSION ? "mae" : "accuracy";
        }
        return new QualityReport(model, window[0].toString(), window[1].toString(), metric, aliases.production(), aliases.canary(),
                series, clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
    }

    /**
     * @param model model name
     * @param fromText window start or null
     * @param toText window end or null
     * @return the page
     */
    public String reportHtml(String model, String fromText, String toText) {
        return renderer.render(report(model, fromText, toText));
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> view(QualityMeasurer.Measured measured) {
        var out = new LinkedHashMap<String, Object>();
        out.put("count", measured.count());
        out.put("labelled", measured.labelled());
        out.put("coverage", measured.coverage());
        if (measured.metrics() != null) {
            out.put("kind", measured.metrics() instanceof QualityMetrics.Classification ? "classification" : "regression");
            out.put("metrics", measured.metrics());
        }
        return out;
    }

    private QualityConfig config(String model) {
        return configs.find(model).map(QualityConfigStore.StoredConfig::config).orElse(QualityConfig.defaults());
    }

    private List<RegisteredVersion> versions(String model) {
        var versions = registry.versions(model);
        if (versions.isEmpty()) {
            throw NotFoundException.model(model);
        }
        return versions;
    }

    /** The versions an answer without {@code version} looks at: registered before the window ends, newest first, at most {@value #MAX_VERSIONS}. */
    private static List<String> candidates(List<RegisteredVersion> versions, Instant to) {
        return versions.stream()
                .filter(v -> v.createdAt() == null || parseOrNull(v.createdAt()) == null || parseOrNull(v.createdAt()).isBefore(to))
                .sorted(Comparator.comparing(RegisteredVersion::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())).reversed())
                .limit(MAX_VERSIONS).map(RegisteredVersion::version)
                .sorted(QualityService::versionOrder).toList();
    }

    /** Numeric versions in number order, others as text after them. */
    static int versionOrder(String a, String b) {
        boolean na = a.chars().allMatch(Character::isDigit) && a.length() < 18;
        boolean nb = b.chars().allMatch(Character::isDigit) && b.length() < 18;
        if (na && nb) {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
        return na ? -1 : nb ? 1 : a.compareTo(b);
    }

    /** The task of the version configs are checked against: production, else the newest registered. */
    private Task task(String model) {
        var versions = versions(model);
        var production = registry.aliases(model).production();
        var version = versions.stream().filter(v -> v.version().equals(production)).findFirst()
                .orElseGet(() -> versions.stream().max(Comparator.comparing(RegisteredVersion::createdAt, Comparator.nullsFirst(Comparator.naturalOrder()))).orElseThrow());
        try {
            return version.task() == null ? null : Task.fromManifest(version.task().toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code [from, to)}: defaults to the config's window ending now; at most the log's 30 days; from before to. */
    private Instant[] window(String fromText, String toText, QualityConfig config) {
        var to = toText == null || toText.isBlank() ? clock.instant().truncatedTo(ChronoUnit.MILLIS) : instant("to", toText);
        var from = fromText == null || fromText.isBlank() ? to.minus(Duration.ofHours(config.window().hours())) : instant("from", fromText);
        if (!from.isBefore(to)) {
            throw new InvalidInputException("INVALID_TIME_RANGE", "'from' must be before 'to'", Map.of("from", from.toString(), "to", to.toString()));
        }
        if (Duration.between(from, to).compareTo(Duration.ofHours(QualityConfig.MAX_HOURS)) > 0) {
            throw new InvalidInputException("INVALID_TIME_RANGE", "the window may span at most " + QualityConfig.MAX_HOURS
                    + " hours (the prediction log keeps 30 days)", Map.of("from", from.toString(), "to", to.toString()));
        }
        return new Instant[] {from, to};
    }

    private static Instant instant(String parameter, String text) {
        var parsed = parseOrNull(text.strip());
        if (parsed == null) {
            throw new InvalidInputException("INVALID_TIME", "'" + parameter + "' must be an ISO-8601 time such as 2026-12-04T10:00:00Z",
                    Map.of("parameter", parameter, "value", text));
        }
        return parsed;
    }

    private static Instant parseOrNull(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
