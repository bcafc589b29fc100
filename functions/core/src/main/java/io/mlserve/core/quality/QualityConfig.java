package io.mlserve.core.quality;

import static io.mlserve.core.internal.ConfigFields.integer;
import static io.mlserve.core.internal.ConfigFields.unknownFields;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.drift.DriftConfig;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.internal.ConfigFields;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Task;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;

/**
 * A model's quality settings ({@code PUT /models/{name}/quality/config}), the same shape and scheduling as
 * {@link DriftConfig}: every field filled in. Instances come from {@link #parse} or {@link #defaults()}.
 *
 * @param schedule how often the scheduled check runs: {@code rate(...)} or {@code cron(...)}
 * @param window which predictions the check judges: those made in the last {@code hours}
 * @param minLabelled fewest labelled rows the check judges; fewer → no verdict
 * @param floors the limits production must keep (none set: the check only measures)
 * @param retrain whether {@code ModelQualityDegraded} may start a training job (the model also needs a training spec)
 * @param cooldownMinutes least time between two retrainings started by quality
 */
public record QualityConfig(String schedule, Window window, int minLabelled, Floors floors, boolean retrain, int cooldownMinutes) {
    /** Default schedule: hourly. */
    public static final String DEFAULT_SCHEDULE = "rate(1 hour)";
    /** Default window: the predictions of the last 24 hours (labels arrive late: a longer window sees more of them). */
    public static final int DEFAULT_HOURS = 24;
    /** Longest window: the log's 30 days. */
    public static final int MAX_HOURS = 720;
    /** Default fewest labelled rows judged. */
    public static final int DEFAULT_MIN_LABELLED = 100;
    /** Largest minimum. */
    public static final int MAX_MIN_LABELLED = 1_000_000;
    /** Default cooldown: six hours, as drift's. */
    public static final int DEFAULT_COOLDOWN_MINUTES = 360;
    /** The error code of a refused config. */
    public static final String INVALID = "INVALID_QUALITY_CONFIG";

    /** @param hours how far back, 1–{@value #MAX_HOURS} */
    public record Window(int hours) {}

    /**
     * Limits on production's quality; null: not checked. Classifier floors ({@code minAccuracy}, {@code minMacroF1},
     * {@code maxLogLoss}) and regressor floors ({@code maxMae}, {@code maxRmse}, {@code maxMape}, {@code minR2}) are
     * refused on the other kind of model.
     *
     * @param minAccuracy accuracy below this breaks the floor, 0–1
     * @param minMacroF1 macro F1 below this, 0–1
     * @param maxLogLoss log loss above this, &gt; 0
     * @param maxMae MAE above this, ≥ 0
     * @param maxRmse RMSE above this, ≥ 0
     * @param maxMape MAPE (a fraction: 0.1 is 10%) above this, &gt; 0
     * @param minR2 R² below this, at most 1
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Floors(Double minAccuracy, Double minMacroF1, Double maxLogLoss, Double maxMae, Double maxRmse, Double maxMape,
            Double minR2) {
        /** No floors. */
        public static final Floors NONE = new Floors(null, null, null, null, null, null, null);
    }

    /** @return the config a model has until one is set: hourly, 24 hours, 100 labelled rows, no floors, retrain off */
    public static QualityConfig defaults() {
        return new QualityConfig(DEFAULT_SCHEDULE, new Window(DEFAULT_HOURS), DEFAULT_MIN_LABELLED, Floors.NONE, false,
                DEFAULT_COOLDOWN_MINUTES);
    }

    /** @return the JSON {@code GET .../quality/config} returns ({@link #parse} reads it back unchanged) */
    public JsonNode toJson() {
        return Json.MAPPER.valueToTree(this);
    }

    private static final Set<String> TOP = Set.of("schedule", "window", "minLabelled", "floors", "retrain", "cooldownMinutes");
    private static final Set<String> CLASSIFIER_FLOORS = Set.of("minAccuracy", "minMacroF1", "maxLogLoss");
    private static final Set<String> REGRESSOR_FLOORS = Set.of("maxMae", "maxRmse", "maxMape", "minR2");

    /**
     * Reads a quality config strictly: unknown fields, wrong types, values out of range and floors of the other kind of
     * model are all refused together, each problem naming its field path; absent fields take the defaults.
     *
     * @param body the config as received (null: all defaults)
     * @param task the model's task (which floors apply); null accepts both kinds (reading a stored config back)
     * @return the config
     * @throws MlServeException 422 {@value #INVALID} with {@code details.problems}
     */
    public static QualityConfig parse(JsonNode body, Task task) {
        var defaults = defaults();
        if (body == null || body.isNull() || body.isMissingNode()) {
            return defaults;
        }
        if (!body.isObject()) {
            throw invalid(List.of("(body): must be a JSON object"));
        }
        var problems = new ArrayList<String>();
        unknownFields(body, TOP, "", problems);

        String schedule = ConfigFields.schedule(body, defaults.schedule(), problems);

        var window = defaults.window();
        var windowNode = body.get("window");
        if (windowNode != null) {
            if (!windowNode.isObject()) {
                problems.add("window: must be an object with hours");
            } else {
                unknownFields(windowNode, Set.of("hours"), "window.", problems);
                Integer hours = integer(windowNode, "hours", "window.hours", 1, MAX_HOURS, problems);
                if (!windowNode.has("hours")) {
                    problems.add("window: needs hours");
                }
                window = new Window(hours != null ? hours : DEFAULT_HOURS);
            }
        }

        Integer minLabelled = integer(body, "minLabelled", "minLabelled", 1, MAX_MIN_LABELLED, problems);
        var floors = floors(body.get("floors"), task, problems);

        boolean retrain = ConfigFields.bool(body, "retrain", defaults.retrain(), problems);
        Integer cooldown = integer(body, "cooldownMinutes", "cooldownMinutes", 0, DriftConfig.MAX_COOLDOWN_MINUTES, problems);

        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        return new QualityConfig(schedule, window, minLabelled != null ? minLabelled : DEFAULT_MIN_LABELLED, floors, retrain,
                cooldown != null ? cooldown : DEFAULT_COOLDOWN_MINUTES);
    }

    private static Floors floors(JsonNode node, Task task, List<String> problems) {
        if (node == null) {
            return Floors.NONE;
        }
        if (!node.isObject()) {
            problems.add("floors: must be an object");
            return Floors.NONE;
        }
        var known = new java.util.TreeSet<String>(CLASSIFIER_FLOORS);
        known.addAll(REGRESSOR_FLOORS);
        unknownFields(node, known, "floors.", problems);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (task == Task.CLASSIFICATION && REGRESSOR_FLOORS.contains(name)) {
                problems.add("floors." + name + ": applies to regressors; this model is a classifier (its floors: "
                        + String.join(", ", new java.util.TreeSet<>(CLASSIFIER_FLOORS)) + ")");
            } else if (task == Task.REGRESSION && CLASSIFIER_FLOORS.contains(name)) {
                problems.add("floors." + name + ": applies to classifiers; this model is a regressor (its floors: "
                        + String.join(", ", new java.util.TreeSet<>(REGRESSOR_FLOORS)) + ")");
            }
        }
        return new Floors(
                number(node, "minAccuracy", "from 0 to 1", v -> v >= 0 && v <= 1, problems),
                number(node, "minMacroF1", "from 0 to 1", v -> v >= 0 && v <= 1, problems),
                number(node, "maxLogLoss", "a number above 0", v -> v > 0, problems),
                number(node, "maxMae", "a number from 0", v -> v >= 0, problems),
                number(node, "maxRmse", "a number from 0", v -> v >= 0, problems),
                number(node, "maxMape", "a number above 0 (a fraction: 0.1 is 10%)", v -> v > 0, problems),
                number(node, "minR2", "a number at most 1", v -> v <= 1, problems));
    }

    /**
     * @param problems what is wrong, each naming its field path
     * @return the error every refused config uses
     */
    public static MlServeException invalid(List<String> problems) {
        return new MlServeException(ErrorKind.UNPROCESSABLE, INVALID,
                "the quality config is not valid: " + String.join("; ", problems), Map.of("problems", List.copyOf(problems)));
    }

    /**
     * Which floors production breaks.
     *
     * @param metrics production's metrics on the window
     * @return per broken floor, its name → {@code {"value", "floor"}} (empty when none is broken)
     */
    public Map<String, Map<String, Double>> broken(QualityMetrics.Metrics metrics) {
        var broken = new LinkedHashMap<String, Map<String, Double>>();
        if (metrics instanceof QualityMetrics.Classification c) {
            below(broken, "minAccuracy", c.accuracy(), floors.minAccuracy());
            below(broken, "minMacroF1", c.macroF1(), floors.minMacroF1());
            above(broken, "maxLogLoss", c.logLoss(), floors.maxLogLoss());
        } else if (metrics instanceof QualityMetrics.Regression r) {
            above(broken, "maxMae", r.mae(), floors.maxMae());
            above(broken, "maxRmse", r.rmse(), floors.maxRmse());
            above(broken, "maxMape", r.mape(), floors.maxMape());
            below(broken, "minR2", r.r2(), floors.minR2());
        }
        return broken;
    }

    private static void below(Map<String, Map<String, Double>> broken, String name, Estimate estimate, Double floor) {
        if (floor != null && estimate != null && estimate.value() < floor) {
            broken.put(name, Map.of("value", estimate.value(), "floor", floor));
        }
    }

    private static void above(Map<String, Map<String, Double>> broken, String name, Estimate estimate, Double floor) {
        if (floor != null && estimate != null && estimate.value() > floor) {
            broken.put(name, Map.of("value", estimate.value(), "floor", floor));
        }
    }

    private static Double number(JsonNode node, String field, String rule, DoublePredicate ok, List<String> problems) {
        var value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue()) || !ok.test(value.doubleValue())) {
            problems.add("floors." + field + ": must be " + rule);
            return null;
        }
        return value.doubleValue();
    }
}
