package io.mlserve.core.drift;

import static io.mlserve.core.internal.ConfigFields.integer;
import static io.mlserve.core.internal.ConfigFields.unknownFields;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.internal.ConfigFields;
import io.mlserve.core.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.DoublePredicate;

/**
 * A model's drift settings ({@code PUT /models/{name}/drift/config}), every field filled in. Instances
 * come from {@link #parse}, which refuses a config with every problem named, or {@link #defaults()}.
 *
 * @param schedule how often the check runs: {@code rate(...)} or {@code cron(...)} (EventBridge Scheduler)
 * @param window which logged rows a check reads
 * @param minSamples fewest rows (and values per feature) a check judges; fewer → {@code insufficient-data}
 * @param thresholds when a feature counts as drifted, with per-feature overrides
 * @param retrain whether drift may start a training job (the model also needs a training spec)
 * @param cooldownMinutes least time between two retrainings started by drift
 */
public record DriftConfig(
        String schedule, Window window, int minSamples, Thresholds thresholds, boolean retrain, int cooldownMinutes) {

    /** Default schedule: hourly. */
    public static final String DEFAULT_SCHEDULE = "rate(1 hour)";
    /** Default window length. */
    public static final int DEFAULT_HOURS = 24;
    /** Default cap on rows per check. */
    public static final int DEFAULT_LAST_ROWS = 10_000;
    /** Default fewest rows judged. */
    public static final int DEFAULT_MIN_SAMPLES = 500;
    /** Default cooldown: six hours. */
    public static final int DEFAULT_COOLDOWN_MINUTES = 360;
    /** Longest window: 30 days. */
    public static final int MAX_HOURS = 720;
    /** Most rows one check reads. */
    public static final int MAX_LAST_ROWS = 1_000_000;
    /** Fewest rows a check may be set to judge: below it no test means much. */
    public static final int MIN_MIN_SAMPLES = 10;
    /** Longest cooldown: one year. */
    public static final int MAX_COOLDOWN_MINUTES = 525_600;

    /** The error code of a refused config. */
    public static final String INVALID = "INVALID_DRIFT_CONFIG";

    /**
     * Which logged rows a check reads: the last {@code hours}, at most the newest {@code lastRows} of them;
     * either may be absent (not both).
     *
     * @param hours how far back, 1–{@value #MAX_HOURS}, or null
     * @param lastRows newest rows at most, 1–{@value #MAX_LAST_ROWS}, or null
     */
    public record Window(Integer hours, Integer lastRows) {}

    /**
     * When a feature counts as drifted: its test's p-value is below {@code pValue} AND its effect size
     * (KS statistic for numbers, Cramér's V for categories) exceeds {@code ks}/{@code chi2} or its PSI exceeds
     * {@code psi}.
     *
     * @param psi PSI above which the shift is material (&gt; 0)
     * @param ks KS statistic above which a numeric shift is material, in (0, 1]
     * @param chi2 Cramér's V above which a categorical shift is material, in (0, 1]
     * @param pValue significance level, in (0, 1)
     * @param features per-feature overrides (only the values given), by feature name
     */
    public record Thresholds(double psi, double ks, double chi2, double pValue, Map<String, FeatureThresholds> features) {
        /** The defaults: PSI 0.2, KS 0.1, Cramér's V 0.1, p &lt; 0.01, no overrides. */
        public static final Thresholds DEFAULT = new Thresholds(0.2, 0.1, 0.1, 0.01, Map.of());

        public Thresholds {
            features = features == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(features));
        }
    }

    /**
     * Thresholds for one feature; null values fall back to the model's.
     *
     * @param psi PSI threshold or null
     * @param ks KS statistic threshold or null
     * @param chi2 Cramér's V threshold or null
     * @param pValue significance level or null
     */
    public record FeatureThresholds(Double psi, Double ks, Double chi2, Double pValue) {}

    /** @return the config a model has until one is set */
    public static DriftConfig defaults() {
        return new DriftConfig(DEFAULT_SCHEDULE, new Window(DEFAULT_HOURS, DEFAULT_LAST_ROWS), DEFAULT_MIN_SAMPLES,
                Thresholds.DEFAULT, false, DEFAULT_COOLDOWN_MINUTES);
    }

    /**
     * @param feature a feature name, or {@code prediction}
     * @return the thresholds that apply to it, every value filled in (overrides first, then the model's)
     */
    public FeatureThresholds thresholdsFor(String feature) {
        var override = thresholds.features().get(feature);
        if (override == null) {
            return new FeatureThresholds(thresholds.psi(), thresholds.ks(), thresholds.chi2(), thresholds.pValue());
        }
        return new FeatureThresholds(
                override.psi() != null ? override.psi() : thresholds.psi(),
                override.ks() != null ? override.ks() : thresholds.ks(),
                override.chi2() != null ? override.chi2() : thresholds.chi2(),
                override.pValue() != null ? override.pValue() : thresholds.pValue());
    }

    /** @return the JSON {@code GET .../drift/config} returns (defaults filled in; {@link #parse} reads it back) */
    public JsonNode toJson() {
        return Json.MAPPER.valueToTree(this);
    }

    // ---------------------------------------------------------------- parsing

    private static final Set<String> TOP = Set.of("schedule", "window", "minSamples", "thresholds", "retrain", "cooldownMinutes");
    private static final Set<String> WINDOW = Set.of("hours", "lastRows");
    private static final Set<String> THRESHOLDS = Set.of("psi", "ks", "chi2", "pValue", "features");
    private static final Set<String> FEATURE_THRESHOLDS = Set.of("psi", "ks", "chi2", "pValue");

    /**
     * Reads a drift config strictly: unknown fields, wrong types and out-of-range values are all refused
     * together, each problem naming its field path (e.g. {@code thresholds.features.age.ks}); absent fields
     * take the defaults of {@link #defaults()}.
     *
     * @param body the config as the API received it (null or an empty object: all defaults)
     * @param featureNames the model's feature names; override keys must be among them
     * @return the config, every field filled in
     * @throws MlServeException {@link ErrorKind#UNPROCESSABLE} {@value #INVALID}, {@code details.problems} listing
     *     every problem
     */
    public static DriftConfig parse(JsonNode body, Collection<String> featureNames) {
        var problems = new ArrayList<String>();
        var defaults = defaults();
        if (body == null || body.isNull() || body.isMissingNode()) {
            return defaults;
        }
        if (!body.isObject()) {
            throw invalid(List.of("(body): must be a JSON object"));
        }
        unknownFields(body, TOP, "", problems);

        String schedule = ConfigFields.schedule(body, defaults.schedule(), problems);

        var window = defaults.window();
        var windowNode = body.get("window");
        if (windowNode != null) {
            if (!windowNode.isObject()) {
                problems.add("window: must be an object with hours and/or lastRows");
            } else {
                unknownFields(windowNode, WINDOW, "window.", problems);
                Integer hours = integer(windowNode, "hours", "window.hours", 1, MAX_HOURS, problems);
                Integer lastRows = integer(windowNode, "lastRows", "window.lastRows", 1, MAX_LAST_ROWS, problems);
                if (!windowNode.has("hours") && !windowNode.has("lastRows")) {
                    problems.add("window: needs hours and/or lastRows");
                }
                window = new Window(hours, lastRows);
            }
        }

        Integer minSamples = integer(body, "minSamples", "minSamples", MIN_MIN_SAMPLES, MAX_LAST_ROWS, problems);
        int min = minSamples != null ? minSamples : defaults.minSamples();
        if (window.lastRows() != null && min > window.lastRows()) {
            problems.add("minSamples: " + min + " is more than window.lastRows (" + window.lastRows()
                    + "): every check would find too few rows");
        }

        var thresholds = thresholds(body.get("thresholds"), featureNames, problems);

        boolean retrain = ConfigFields.bool(body, "retrain", defaults.retrain(), problems);

        Integer cooldown = integer(body, "cooldownMinutes", "cooldownMinutes", 0, MAX_COOLDOWN_MINUTES, problems);

        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        return new DriftConfig(schedule, window, min, thresholds, retrain,
                cooldown != null ? cooldown : defaults.cooldownMinutes());
    }

    /**
     * @param problems what is wrong, each naming its field path
     * @return the error every refused config uses
     */
    public static MlServeException invalid(List<String> problems) {
        return new MlServeException(ErrorKind.UNPROCESSABLE, INVALID,
                "the drift config is not valid: " + String.join("; ", problems),
                Map.of("problems", List.copyOf(problems)));
    }

    private static Thresholds thresholds(JsonNode node, Collection<String> featureNames, List<String> problems) {
        var d = Thresholds.DEFAULT;
        if (node == null) {
            return d;
        }
        if (!node.isObject()) {
            problems.add("thresholds: must be an object");
            return d;
        }
        unknownFields(node, THRESHOLDS, "thresholds.", problems);
        Double psi = psi(node, "thresholds.psi", problems);
        Double ks = unit(node, "ks", "thresholds.ks", problems);
        Double chi2 = unit(node, "chi2", "thresholds.chi2", problems);
        Double pValue = pValue(node, "thresholds.pValue", problems);
        var features = new LinkedHashMap<String, FeatureThresholds>();
        var featuresNode = node.get("features");
        if (featuresNode != null) {
            if (!featuresNode.isObject()) {
                problems.add("thresholds.features: must be an object of feature name → thresholds");
            } else {
                for (var entry : featuresNode.properties()) {
                    String path = "thresholds.features." + entry.getKey();
                    if (!featureNames.contains(entry.getKey())) {
                        problems.add(path + ": unknown feature (the model's features: " + String.join(", ", featureNames) + ")");
                        continue;
                    }
                    var f = entry.getValue();
                    if (!f.isObject()) {
                        problems.add(path + ": must be an object with psi, ks, chi2 and/or pValue");
                        continue;
                    }
                    unknownFields(f, FEATURE_THRESHOLDS, path + ".", problems);
                    features.put(entry.getKey(), new FeatureThresholds(psi(f, path + ".psi", problems),
                            unit(f, "ks", path + ".ks", problems), unit(f, "chi2", path + ".chi2", problems),
                            pValue(f, path + ".pValue", problems)));
                }
            }
        }
        return new Thresholds(psi != null ? psi : d.psi(), ks != null ? ks : d.ks(), chi2 != null ? chi2 : d.chi2(),
                pValue != null ? pValue : d.pValue(), features);
    }

    private static Double number(JsonNode node, String field, String path, String rule, List<String> problems,
            DoublePredicate ok) {
        var value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue()) || !ok.test(value.doubleValue())) {
            problems.add(path + ": must be " + rule);
            return null;
        }
        return value.doubleValue();
    }

    private static Double psi(JsonNode node, String path, List<String> problems) {
        return number(node, "psi", path, "a number above 0", problems, v -> v > 0);
    }

    private static Double unit(JsonNode node, String field, String path, List<String> problems) {
        return number(node, field, path, "a number above 0, at most 1", problems, v -> v > 0 && v <= 1);
    }

    private static Double pValue(JsonNode node, String path, List<String> problems) {
        return number(node, "pValue", path, "a number between 0 and 1 (exclusive)", problems, v -> v > 0 && v < 1);
    }
}
