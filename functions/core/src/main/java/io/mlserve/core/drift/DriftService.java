package io.mlserve.core.drift;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.baseline.Baseline;
import io.mlserve.core.baseline.BaselineStore;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.logquery.LoggedRows;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.EventPublisher;
import io.mlserve.core.registry.ModelRegistry;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.registry.VersionUnavailableException;
import io.mlserve.core.schedule.ScheduleStore;
import io.mlserve.core.schedule.ScheduledTask;
import io.mlserve.core.store.ModelStore;
import io.mlserve.core.store.PredictionRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drift detection for one model at a time: its config (and with it its run-time schedule), a check now (the API or
 * the schedule), and the reports and verdicts kept over time.
 *
 * <p>A check reads the production version's logged rows (its inputs in manifest order as text cells, its
 * predictions as label or value), compares them with that version's baseline ({@link DriftAnalyzer}), stores the
 * report (JSON + HTML) and a summary, records the scores as metrics and, on a drift verdict, publishes
 * {@value #DRIFT_DETECTED}. It never claims drift on too little: a model without a production version, a version
 * without a baseline, or too few rows give {@code insufficient-data}, stored like any other verdict.
 */
public final class DriftService {
    /** Detail type of the event published on a drift verdict (source {@code mlserve.drift}). */
    public static final String DRIFT_DETECTED = "DriftDetected";
    /** Error code of a model without any drift report. */
    public static final String DRIFT_REPORT_NOT_FOUND = "DRIFT_REPORT_NOT_FOUND";
    /** History page size when {@code limit} is absent. */
    public static final int DEFAULT_HISTORY_LIMIT = 20;
    /** Largest history page. */
    public static final int MAX_HISTORY_LIMIT = 100;

    private final ModelRegistry registry;
    private final ModelStore models;
    private final BaselineStore baselines;
    private final LoggedRows rows;
    private final DriftConfigStore configs;
    private final DriftReportStore reports;
    private final DriftHistory history;
    private final EventPublisher events;
    private final ScheduleStore schedules;
    private final DriftMetrics metrics;
    private final ReportRenderer renderer;
    private final Clock clock;

    /**
     * @param registry production versions
     * @param models manifests (feature order and names)
     * @param baselines the versions' baselines
     * @param rows the prediction log's rows with inputs
     * @param configs drift configs
     * @param reports full reports (JSON + HTML)
     * @param history summaries, newest first
     * @param events where {@value #DRIFT_DETECTED} goes
     * @param schedules run-time schedules (kind {@value ScheduledTask#DRIFT})
     * @param metrics drift scores
     * @param renderer the report page
     * @param clock now
     */
    public DriftService(ModelRegistry registry, ModelStore models, BaselineStore baselines, LoggedRows rows, DriftConfigStore configs,
            DriftReportStore reports, DriftHistory history, EventPublisher events, ScheduleStore schedules, DriftMetrics metrics,
            ReportRenderer renderer, Clock clock) {
        this.registry = registry;
        this.models = models;
        this.baselines = baselines;
        this.rows = rows;
        this.configs = configs;
        this.reports = reports;
        this.history = history;
        this.events = events;
        this.schedules = schedules;
        this.metrics = metrics;
        this.renderer = renderer;
        this.clock = clock;
    }

    /**
     * Sets a model's drift config and its schedule ({@code drift-<model>}).
     *
     * @param model model name
     * @param body the config as received (absent fields take the defaults)
     * @param actor who sets it
     * @return the stored config, every field filled in
     * @throws NotFoundException {@code MODEL_NOT_FOUND} for a model with no registered version
     * @throws MlServeException {@code INVALID_DRIFT_CONFIG} (422) naming every problem
     */
    public DriftConfig putConfig(String model, JsonNode body, String actor) {
        ModelRef.checkName(model);
        var manifest = manifest(model, configVersion(model));
        var config = DriftConfig.parse(body, manifest.features().stream().map(Feature::name).toList());
        configs.put(model, new DriftConfigStore.StoredConfig(config, clock.instant().truncatedTo(ChronoUnit.MILLIS).toString(),
                actor == null ? "unknown" : actor));
        schedules.put(new ScheduledTask(ScheduledTask.DRIFT, model), config.schedule());
        return config;
    }

    /**
     * @param model model name
     * @return its config, or the defaults when none was set
     * @throws NotFoundException {@code MODEL_NOT_FOUND} for a model with no registered version
     */
    public DriftConfig getConfig(String model) {
        ModelRef.checkName(model);
        requireModel(model);
        return configs.find(model).map(DriftConfigStore.StoredConfig::config).orElse(DriftConfig.defaults());
    }

    /**
     * Runs a check now and keeps its report.
     *
     * @param model model name
     * @return the report
     * @throws NotFoundException {@code MODEL_NOT_FOUND} for a model with no registered version
     */
    public DriftReport check(String model) {
        ModelRef.checkName(model);
        requireModel(model);
        var config = configs.find(model).map(DriftConfigStore.StoredConfig::config).orElse(DriftConfig.defaults());
        var production = registry.aliases(model).production();
        var window = config.window();
        DriftReport report;
        if (production == null) {
            report = new DriftReport(model, null, new DriftReport.Window(window.hours(), window.lastRows(), null, null), 0,
                    DriftReport.Verdict.INSUFFICIENT_DATA, "the model has no production version", List.of(), null, now());
        } else {
            var ref = new ModelRef(model, production);
            var baseline = baselines.find(ref).orElse(null);
            report = baseline == null
                    ? DriftAnalyzer.analyze(ref, null, config, List.of(), List.of(),
                            new DriftReport.Window(window.hours(), window.lastRows(), null, null), clock)
                    : compare(ref, baseline, config);
        }
        var location = reports.put(report, renderer.render(report));
        history.record(DriftSummary.of(report, location));
        metrics.record(report);
        if (report.verdict() == DriftReport.Verdict.DRIFT) {
            events.publish(DRIFT_DETECTED, detail(report, location));
        }
        return report;
    }

    /**
     * @param model model name
     * @return its newest report
     * @throws MlServeException {@value #DRIFT_REPORT_NOT_FOUND} (404) when it has none
     */
    public DriftReport latest(String model) {
        ModelRef.checkName(model);
        var summary = history.latest(model).orElseThrow(() -> noReport(model));
        return reports.read(summary.report()).orElseThrow(() -> noReport(model));
    }

    /**
     * @param model model name
     * @return its newest report as the HTML page
     * @throws MlServeException {@value #DRIFT_REPORT_NOT_FOUND} (404) when it has none
     */
    public String reportHtml(String model) {
        return renderer.render(latest(model));
    }

    /**
     * @param model model name
     * @param limit most entries, 1–{@value #MAX_HISTORY_LIMIT}; null: {@value #DEFAULT_HISTORY_LIMIT}
     * @return its checks' summaries, newest first (empty when none ran)
     * @throws InvalidInputException {@code INVALID_LIMIT} for a limit out of range
     */
    public List<DriftSummary> history(String model, String limit) {
        ModelRef.checkName(model);
        int n = DEFAULT_HISTORY_LIMIT;
        if (limit != null && !limit.isBlank()) {
            try {
                n = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_HISTORY_LIMIT) {
                throw new InvalidInputException("INVALID_LIMIT", "'limit' must be an integer from 1 to " + MAX_HISTORY_LIMIT,
                        Map.of("parameter", "limit", "value", limit));
            }
        }
        return history.list(model, n);
    }

    private DriftReport compare(ModelRef ref, Baseline baseline, DriftConfig config) {
        var features = manifest(ref.name(), ref.version()).features();
        var window = config.window();
        var to = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        var from = to.minus(Duration.ofHours(window.hours() != null ? window.hours() : DriftConfig.MAX_HOURS));
        int lastRows = window.lastRows() != null ? window.lastRows() : DriftConfig.MAX_LAST_ROWS;
        var cells = new ArrayList<String[]>();
        var predictions = new ArrayList<Object>();
        Instant newest = null;
        Instant oldest = null;
        try (var logged = rows.rows(ref, from, to, lastRows)) {
            for (var it = logged.iterator(); it.hasNext(); ) {
                PredictionRecord r = it.next();
                if (r.failed()) {
                    continue;
                }
                cells.add(cells(features, r.inputs()));
                predictions.add(prediction(r.output()));
                newest = newest == null || r.timestamp().isAfter(newest) ? r.timestamp() : newest;
                oldest = oldest == null || r.timestamp().isBefore(oldest) ? r.timestamp() : oldest;
            }
        }
        var reportWindow = new DriftReport.Window(window.hours(), window.lastRows(), oldest == null ? null : oldest.toString(),
                newest == null ? null : newest.toString());
        return DriftAnalyzer.analyze(ref, baseline, config, cells, predictions, reportWindow, clock);
    }

    /** The logged inputs as text cells in manifest order, the way a CSV would carry them (absent: null). */
    static String[] cells(List<Feature> features, Map<String, Object> inputs) {
        var out = new String[features.size()];
        for (int i = 0; i < out.length; i++) {
            Object value = inputs == null ? null : inputs.get(features.get(i).name());
            out[i] = value == null ? null : value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15
                    ? Long.toString(d.longValue()) : value.toString();
        }
        return out;
    }

    /** The logged output as the baseline's prediction: the label, or the value (the first target's of several). */
    static Object prediction(Map<String, Object> output) {
        if (output == null) {
            return null;
        }
        if (output.containsKey("label")) {
            return output.get("label");
        }
        Object value = output.get("value");
        if (value instanceof Map<?, ?> targets) {
            return targets.isEmpty() ? null : targets.values().iterator().next();
        }
        return value;
    }

    private static Map<String, Object> detail(DriftReport report, DriftReportStore.Location location) {
        var scores = new LinkedHashMap<String, Object>();
        for (var f : report.worstFirst()) {
            if (f.evaluable()) {
                var s = new LinkedHashMap<String, Object>();
                s.put("statistic", f.statistic());
                s.put("pValue", f.pValue());
                s.put("psi", f.psi());
                scores.put(f.name(), s);
            }
        }
        var detail = new LinkedHashMap<String, Object>();
        detail.put("model", report.model());
        detail.put("version", report.version());
        detail.put("driftedFeatures", report.driftedFeatures());
        detail.put("scores", scores);
        detail.put("report", Map.of("json", location.json(), "html", location.html()));
        detail.put("createdAt", report.createdAt());
        return detail;
    }

    private String now() {
        return clock.instant().toString();
    }

    private void requireModel(String model) {
        if (registry.versions(model).isEmpty()) {
            throw NotFoundException.model(model);
        }
    }

    /** The version whose features a config is checked against: production, else the newest registered. */
    private String configVersion(String model) {
        var production = registry.aliases(model).production();
        if (production != null) {
            return production;
        }
        return registry.versions(model).stream().max(Comparator.comparing(RegisteredVersion::createdAt))
                .map(RegisteredVersion::version).orElseThrow(() -> NotFoundException.model(model));
    }

    private ModelManifest manifest(String model, String version) {
        var registered = registry.version(model, version).orElseThrow(() -> NotFoundException.version(model, version));
        var stored = models.fetch(registered.ref(), registered.objectVersions())
                .orElseThrow(() -> new VersionUnavailableException(registered.ref(), registered.objectVersions()));
        try {
            return ModelManifest.parse(stored.manifestJson());
        } catch (IOException e) {
            throw new UncheckedIOException("the manifest of " + model + " version " + version + " is unreadable", e);
        }
    }

    private static MlServeException noReport(String model) {
        return new MlServeException(ErrorKind.NOT_FOUND, DRIFT_REPORT_NOT_FOUND,
                "model '" + model + "' has no drift report yet: POST /models/" + model + "/drift runs a check",
                Map.of("model", model));
    }

    /** @return the config of the model, if one was set (for the train path's retrain/cooldown checks) */
    public Optional<DriftConfig> storedConfig(String model) {
        return configs.find(model).map(DriftConfigStore.StoredConfig::config);
    }
}
