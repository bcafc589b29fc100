package io.mlserve.core.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks training specs: every problem is collected with its field path, so one 422 names them all.
 *
 * <p>Defaults: {@code split} {testFraction 0.2, seed 7}; {@code promotion} {if-better, margin 0}; each candidate's
 * parameters from {@link Algorithm#params()}; {@code schedule} none.
 */
public final class TrainingSpecs {
    /** Error code of a refused spec. */
    public static final String INVALID_TRAINING_SPEC = "INVALID_TRAINING_SPEC";
    /** Most candidates one spec may list (each is one parallel train invocation). */
    public static final int MAX_CANDIDATES = 8;
    /** Default held-out share. */
    public static final double DEFAULT_TEST_FRACTION = 0.2;
    /** Default split seed. */
    public static final long DEFAULT_SPLIT_SEED = 7;

    /** Feature names: also ONNX input names and part of one-hot column names ({@code name=value}). */
    static final Pattern FEATURE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");
    /** The trained graph's output name, so no input may have it. */
    static final String RESERVED_OUTPUT = "output";
    private static final Pattern RATE = Pattern.compile("rate\\((\\d{1,9}) (minute|minutes|hour|hours|day|days)\\)");
    private static final Pattern CRON = Pattern.compile("cron\\(([^()]*)\\)");
    private static final Pattern CRON_FIELD = Pattern.compile("[0-9A-Za-z*?,/#-]+");
    private static final Set<String> FIELDS =
            Set.of("data", "target", "features", "task", "candidates", "metric", "split", "promotion", "schedule");
    /** What GET adds; a client may PUT a GET response back unchanged. */
    private static final Set<String> READ_ONLY_FIELDS = Set.of("updatedAt", "updatedBy");

    private TrainingSpecs() {}

    /**
     * One thing wrong with a spec.
     *
     * @param field path of the offending field, e.g. {@code candidates[1].params.maxDepth}
     * @param message what is wrong with it
     */
    public record Problem(String field, String message) {}

    /**
     * @param body the spec as the API received it
     * @param dataBucket the only bucket {@code data} may name
     * @return the spec with defaults filled in (split 0.2/seed 7, promotion if-better margin 0, params' defaults)
     * @throws MlServeException {@code INVALID_TRAINING_SPEC} ({@link ErrorKind#UNPROCESSABLE}, details.problems: every
     *     problem as {@link Problem}) — or an {@link InvalidInputException} {@code INVALID_JSON} for a body that is not a
     *     JSON object
     */
    public static TrainingSpec parse(JsonNode body, String dataBucket) {
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("INVALID_JSON", "the training spec must be a JSON object", null);
        }
        var p = new ArrayList<Problem>();
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name) && !READ_ONLY_FIELDS.contains(name)) {
                p.add(new Problem(name, "unknown field; a spec has " + String.join(", ", FIELDS.stream().sorted().toList())));
            }
        });
        String data = data(body.get("data"), dataBucket, p);
        List<Feature> features = features(body.get("features"), p);
        String target = target(body.get("target"), features, p);
        Task task = task(body.get("task"), p);
        List<TrainingSpec.Candidate> candidates = candidates(body.get("candidates"), task, p);
        Metric metric = metric(body.get("metric"), task, p);
        TrainingSpec.Split split = split(body.get("split"), p);
        TrainingSpec.Promotion promotion = promotion(body.get("promotion"), p);
        String schedule = schedule(body.get("schedule"), p);
        if (!p.isEmpty()) {
            throw invalid(p);
        }
        return new TrainingSpec(data, target, features, task, candidates, metric, split, promotion, schedule);
    }

    /**
     * @param spec a parsed spec
     * @return the JSON the API returns and the store keeps (round-trips through {@link #parse})
     */
    public static JsonNode toJson(TrainingSpec spec) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("data", spec.data());
        node.put("target", spec.target());
        var features = node.putArray("features");
        for (var f : spec.features()) {
            var fn = features.addObject().put("name", f.name()).put("type", f.type().manifestName());
            if (f.description() != null) {
                fn.put("description", f.description());
            }
        }
        node.put("task", spec.task().manifestName());
        var candidates = node.putArray("candidates");
        for (var c : spec.candidates()) {
            var cn = candidates.addObject().put("algorithm", c.algorithm().specName());
            cn.set("params", Json.MAPPER.valueToTree(c.params()));
        }
        node.put("metric", spec.metric().specName());
        node.putObject("split").put("testFraction", spec.split().testFraction()).put("seed", spec.split().seed());
        var promotion = node.putObject("promotion").put("policy", spec.promotion().policy().specName());
        if (spec.promotion().policy() == TrainingSpec.PromotionPolicy.IF_BETTER) {
            promotion.put("margin", spec.promotion().margin());
        }
        if (spec.schedule() == null) {
            node.putNull("schedule");
        } else {
            node.put("schedule", spec.schedule());
        }
        return node;
    }

    /**
     * @param schedule a schedule expression
     * @return why EventBridge Scheduler would refuse it, or null when it is a valid {@code rate(...)}/{@code cron(...)}
     */
    public static String scheduleProblem(String schedule) {
        var rate = RATE.matcher(schedule);
        if (rate.matches()) {
            long n = Long.parseLong(rate.group(1));
            boolean singular = !rate.group(2).endsWith("s");
            if (n < 1) {
                return "a rate must be at least 1";
            }
            if (singular != (n == 1)) {
                return "use the singular unit with 1 and the plural otherwise, e.g. rate(1 day), rate(2 days)";
            }
            return null;
        }
        var cron = CRON.matcher(schedule);
        if (cron.matches()) {
            var fields = cron.group(1).trim().split("\\s+");
            if (fields.length != 6) {
                return "a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), got " + fields.length;
            }
            for (var f : fields) {
                if (!CRON_FIELD.matcher(f).matches()) {
                    return "cron field '" + f + "' has characters a cron field cannot have";
                }
            }
            return null;
        }
        return "expected rate(N minute[s]|hour[s]|day[s]) or cron(6 fields), e.g. rate(1 day) or cron(0 3 * * ? *)";
    }

    private static MlServeException invalid(List<Problem> problems) {
        var text = problems.stream().map(pr -> pr.field() + ": " + pr.message()).toList();
        return new MlServeException(ErrorKind.UNPROCESSABLE, INVALID_TRAINING_SPEC,
                "the training spec has " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ": "
                        + String.join("; ", text),
                Map.of("problems", List.copyOf(problems)));
    }

    private static String data(JsonNode node, String dataBucket, List<Problem> p) {
        String value = requiredText(node, "data", p);
        if (value == null) {
            return null;
        }
        String prefix = "s3://" + dataBucket + "/";
        if (!value.startsWith(prefix)) {
            p.add(new Problem("data", "must be under the data bucket: " + prefix + "<prefix>/"));
        } else if (value.length() == prefix.length() || !value.endsWith("/") || value.indexOf("//", prefix.length() - 1) >= 0) {
            p.add(new Problem("data", "must name a folder: " + prefix + "<prefix>/ (ending in '/', no empty segments)"));
        }
        return value;
    }

    private static List<Feature> features(JsonNode node, List<Problem> p) {
        if (node == null || node.isNull()) {
            p.add(new Problem("features", "is required: a list of {name, type}"));
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            p.add(new Problem("features", "must be a non-empty list of {name, type}"));
            return List.of();
        }
        var features = new ArrayList<Feature>();
        var names = new HashSet<String>();
        for (int i = 0; i < node.size(); i++) {
            String path = "features[" + i + "]";
            JsonNode f = node.get(i);
            if (!f.isObject()) {
                p.add(new Problem(path, "must be an object {name, type}"));
                continue;
            }
            unknownFields(f, path, Set.of("name", "type", "description"), p);
            String name = requiredText(f.get("name"), path + ".name", p);
            if (name != null) {
                if (!FEATURE_NAME.matcher(name).matches()) {
                    p.add(new Problem(path + ".name", "'" + name + "' is not a valid feature name"
                            + " (a letter or '_', then letters, digits, '_', '.', '-'; at most 64 characters)"));
                } else if (name.equals(RESERVED_OUTPUT)) {
                    p.add(new Problem(path + ".name", "'" + RESERVED_OUTPUT + "' is the name of the model's output; rename the column"));
                } else if (!names.add(name)) {
                    p.add(new Problem(path + ".name", "'" + name + "' is listed twice"));
                }
            }
            FeatureType type = null;
            String typeName = requiredText(f.get("type"), path + ".type", p);
            if (typeName != null) {
                try {
                    type = FeatureType.fromManifest(typeName);
                } catch (IllegalArgumentException e) {
                    p.add(new Problem(path + ".type", "unknown type '" + typeName + "'; use float, double, int64 or string"));
                }
            }
            String description = f.hasNonNull("description") ? f.get("description").asText() : null;
            features.add(new Feature(name, type, null, null, null, null, description));
        }
        return List.copyOf(features);
    }

    private static String target(JsonNode node, List<Feature> features, List<Problem> p) {
        String target = requiredText(node, "target", p);
        if (target != null && features.stream().anyMatch(f -> target.equals(f.name()))) {
            p.add(new Problem("target", "'" + target + "' is also a feature; the target cannot be an input"));
        }
        return target;
    }

    private static Task task(JsonNode node, List<Problem> p) {
        String text = requiredText(node, "task", p);
        if (text == null) {
            return null;
        }
        try {
            return Task.fromManifest(text);
        } catch (IllegalArgumentException e) {
            p.add(new Problem("task", "unknown task '" + text + "'; use classification or regression"));
            return null;
        }
    }

    private static List<TrainingSpec.Candidate> candidates(JsonNode node, Task task, List<Problem> p) {
        if (node == null || node.isNull() || !node.isArray() || node.isEmpty() || node.size() > MAX_CANDIDATES) {
            p.add(new Problem("candidates", "must list 1 to " + MAX_CANDIDATES + " candidates {algorithm, params}"));
            return List.of();
        }
        var candidates = new ArrayList<TrainingSpec.Candidate>();
        for (int i = 0; i < node.size(); i++) {
            String path = "candidates[" + i + "]";
            JsonNode c = node.get(i);
            if (!c.isObject()) {
                p.add(new Problem(path, "must be an object {algorithm, params}"));
                continue;
            }
            unknownFields(c, path, Set.of("algorithm", "params"), p);
            String name = requiredText(c.get("algorithm"), path + ".algorithm", p);
            if (name == null) {
                continue;
            }
            Algorithm algorithm = algorithm(name);
            if (algorithm == null) {
                p.add(new Problem(path + ".algorithm", "unknown algorithm '" + name + "'; use one of "
                        + List.of(Algorithm.values()).stream().map(Algorithm::specName).toList()));
                continue;
            }
            if (task != null && !algorithm.tasks().contains(task)) {
                p.add(new Problem(path + ".algorithm", "'" + name + "' cannot do " + task.manifestName() + "; it does "
                        + algorithm.tasks().stream().map(Task::manifestName).sorted().toList()));
                continue;
            }
            candidates.add(new TrainingSpec.Candidate(algorithm, params(c.get("params"), algorithm, task, path + ".params", p)));
        }
        return List.copyOf(candidates);
    }

    private static Algorithm algorithm(String name) {
        for (var a : Algorithm.values()) {
            if (a.specName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static Map<String, Object> params(JsonNode node, Algorithm algorithm, Task task, String path, List<Problem> p) {
        var specs = algorithm.params();
        if (node != null && !node.isNull() && !node.isObject()) {
            p.add(new Problem(path, "must be an object of hyper-parameters"));
            node = null;
        }
        if (node != null && !node.isNull()) {
            var known = specs.stream().map(ParamSpec::name).toList();
            node.fieldNames().forEachRemaining(name -> {
                if (!known.contains(name)) {
                    p.add(new Problem(path + "." + name, "unknown parameter of " + algorithm.specName() + "; it takes " + known));
                }
            });
        }
        var params = new LinkedHashMap<String, Object>();
        for (var spec : specs) {
            JsonNode value = node == null || node.isNull() ? null : node.get(spec.name());
            String field = path + "." + spec.name();
            Object v = value == null || value.isNull() ? AlgorithmParams.defaultFor(algorithm, task, spec) : paramValue(spec, value, field, p);
            if (v != null && task != null) {
                String problem = AlgorithmParams.taskProblem(algorithm, task, spec.name(), v);
                if (problem != null) {
                    p.add(new Problem(field, problem));
                }
            }
            if (v != null) {
                params.put(spec.name(), v);
            }
        }
        return java.util.Collections.unmodifiableMap(params);
    }

    private static Object paramValue(ParamSpec spec, JsonNode value, String field, List<Problem> p) {
        switch (spec.type()) {
            case AlgorithmParams.STRING -> {
                if (!value.isTextual() || !spec.values().contains(value.asText())) {
                    p.add(new Problem(field, "must be one of " + spec.values()));
                    return null;
                }
                return value.asText();
            }
            case AlgorithmParams.INTEGER -> {
                if (!value.isNumber() || !value.canConvertToExactIntegral() || !inRange(spec, value.asDouble())) {
                    p.add(new Problem(field, "must be a whole number from " + whole(spec.min()) + " to " + whole(spec.max())));
                    return null;
                }
                long n = value.asLong();
                return spec.name().equals("seed") ? (Object) n : (Object) Math.toIntExact(n);
            }
            default -> {
                if (!value.isNumber() || !Double.isFinite(value.asDouble()) || !inRange(spec, value.asDouble())) {
                    p.add(new Problem(field, "must be a number from " + spec.min() + " to " + spec.max()));
                    return null;
                }
                return value.asDouble();
            }
        }
    }

    private static boolean inRange(ParamSpec spec, double v) {
        return (spec.min() == null || v >= spec.min()) && (spec.max() == null || v <= spec.max());
    }

    private static String whole(Double d) {
        return d == null ? "-" : Long.toString(d.longValue());
    }

    private static Metric metric(JsonNode node, Task task, List<Problem> p) {
        String text = requiredText(node, "metric", p);
        if (text == null) {
            return null;
        }
        // "macro-F1", "R²", "macro_f1", "RMSE" all name a metric.
        String normal = text.trim().toLowerCase(Locale.ROOT).replace('²', '2').replace('_', '-').replace(' ', '-');
        Metric metric = null;
        for (var m : Metric.values()) {
            if (m.specName().equals(normal)) {
                metric = m;
            }
        }
        if (metric == null) {
            p.add(new Problem("metric", "unknown metric '" + text + "'; use one of "
                    + List.of(Metric.values()).stream().map(Metric::specName).toList()));
        } else if (task != null && metric.task() != task) {
            p.add(new Problem("metric", "'" + metric.specName() + "' measures " + metric.task().manifestName()
                    + ", not " + task.manifestName()));
        }
        return metric;
    }

    private static TrainingSpec.Split split(JsonNode node, List<Problem> p) {
        if (node == null || node.isNull()) {
            return new TrainingSpec.Split(DEFAULT_TEST_FRACTION, DEFAULT_SPLIT_SEED);
        }
        if (!node.isObject()) {
            p.add(new Problem("split", "must be an object {testFraction, seed}"));
            return null;
        }
        unknownFields(node, "split", Set.of("testFraction", "seed"), p);
        double fraction = DEFAULT_TEST_FRACTION;
        JsonNode f = node.get("testFraction");
        if (f != null && !f.isNull()) {
            if (!f.isNumber() || !(f.asDouble() > 0 && f.asDouble() < 1)) {
                p.add(new Problem("split.testFraction", "must be a number between 0 and 1 (exclusive)"));
            } else {
                fraction = f.asDouble();
            }
        }
        long seed = DEFAULT_SPLIT_SEED;
        JsonNode s = node.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.isNumber() || !s.canConvertToExactIntegral() || s.asDouble() < 0 || s.asDouble() > AlgorithmParams.MAX_SEED) {
                p.add(new Problem("split.seed", "must be a whole number from 0 to 2^53"));
            } else {
                seed = s.asLong();
            }
        }
        return new TrainingSpec.Split(fraction, seed);
    }

    private static TrainingSpec.Promotion promotion(JsonNode node, List<Problem> p) {
        if (node == null || node.isNull()) {
            return new TrainingSpec.Promotion(TrainingSpec.PromotionPolicy.IF_BETTER, 0);
        }
        if (!node.isObject()) {
            p.add(new Problem("promotion", "must be an object {policy, margin}"));
            return null;
        }
        unknownFields(node, "promotion", Set.of("policy", "margin"), p);
        var policy = TrainingSpec.PromotionPolicy.IF_BETTER;
        JsonNode pol = node.get("policy");
        if (pol != null && !pol.isNull()) {
            policy = null;
            for (var candidate : TrainingSpec.PromotionPolicy.values()) {
                if (pol.isTextual() && candidate.specName().equals(pol.asText())) {
                    policy = candidate;
                }
            }
            if (policy == null) {
                p.add(new Problem("promotion.policy", "must be never, if-better or always"));
            }
        }
        double margin = 0;
        JsonNode m = node.get("margin");
        if (m != null && !m.isNull()) {
            if (!m.isNumber() || !Double.isFinite(m.asDouble()) || m.asDouble() < 0) {
                p.add(new Problem("promotion.margin", "must be a number ≥ 0, in the metric's own units"));
            } else if (policy != null && policy != TrainingSpec.PromotionPolicy.IF_BETTER) {
                p.add(new Problem("promotion.margin", "applies only to the if-better policy, not " + policy.specName()));
            } else {
                margin = m.asDouble();
            }
        }
        return policy == null ? null : new TrainingSpec.Promotion(policy, margin);
    }

    private static String schedule(JsonNode node, List<Problem> p) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            p.add(new Problem("schedule", "must be a rate(...) or cron(...) expression, or null"));
            return null;
        }
        String problem = scheduleProblem(node.asText());
        if (problem != null) {
            p.add(new Problem("schedule", problem));
        }
        return node.asText();
    }

    private static String requiredText(JsonNode node, String field, List<Problem> p) {
        if (node == null || node.isNull()) {
            p.add(new Problem(field, "is required"));
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            p.add(new Problem(field, "must be a non-empty string"));
            return null;
        }
        return node.asText();
    }

    private static void unknownFields(JsonNode node, String path, Set<String> known, List<Problem> p) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                p.add(new Problem(path + "." + name, "unknown field; expected " + known.stream().sorted().toList()));
            }
        });
    }
}
