package io.mlserve.core.inference;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.ModelManifest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a predict request body against a manifest and turns it into a {@link FeatureBatch}.
 * Every problem is reported with the instance index and feature, so a client can fix all at once.
 */
public final class InstanceParser {
    /** At most this many problems are listed in one error, to keep error bodies small. */
    static final int MAX_REPORTED_PROBLEMS = 50;

    private final int maxInstances;

    /** @param maxInstances the largest number of instances one request may carry */
    public InstanceParser(int maxInstances) {
        this.maxInstances = maxInstances;
    }

    /**
     * Validated instances plus the rows as the client sent them (for the prediction log).
     *
     * @param batch columns for the predictor
     * @param rows each instance as feature name → value, in manifest order
     */
    public record ParsedInstances(FeatureBatch batch, List<Map<String, Object>> rows) {}

    /**
     * @param body the parsed request body
     * @param manifest the model the instances are for
     * @return the validated instances
     * @throws InvalidInputException when the body or any instance is unacceptable
     */
    public ParsedInstances parse(JsonNode body, ModelManifest manifest) {
        var instances = instancesOf(body);
        var features = manifest.features();
        int n = instances.size();
        var columns = new ArrayList<Object>(features.size());
        for (var f : features) {
            columns.add(switch (f.type()) {
                case FLOAT, DOUBLE -> new double[n];
                case INT64 -> new long[n];
                case STRING -> new String[n];
            });
        }
        var known = new HashSet<String>();
        features.forEach(f -> known.add(f.name()));
        var problems = new ArrayList<Map<String, Object>>();
        var rows = new ArrayList<Map<String, Object>>(n);
        for (int i = 0; i < n; i++) {
            var instance = instances.get(i);
            if (!instance.isObject()) {
                problems.add(problem(i, null, "NOT_AN_OBJECT", "instance must be a JSON object of feature name to value"));
                rows.add(Map.of());
                continue;
            }
            rows.add(readRow(i, instance, features, columns, known, problems));
        }
        if (!problems.isEmpty()) {
            var first = problems.get(0);
            throw new InvalidInputException(
                    "INVALID_INSTANCES",
                    problems.size() + " problem(s) in instances; first: instance " + first.get("instance")
                            + (first.containsKey("feature") ? " feature '" + first.get("feature") + "'" : "")
                            + ": " + first.get("message"),
                    Map.of("problems", problems.subList(0, Math.min(problems.size(), MAX_REPORTED_PROBLEMS)),
                            "problemCount", problems.size()));
        }
        return new ParsedInstances(new FeatureBatch(n, features, columns), rows);
    }

    private JsonNode instancesOf(JsonNode body) {
        if (!body.isObject()) {
            throw new InvalidInputException("INVALID_REQUEST", "request body must be a JSON object with an 'instances' array", null);
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            var field = it.next();
            if (!field.equals("instances")) {
                throw new InvalidInputException(
                        "INVALID_REQUEST", "unknown field '" + field + "'; the body holds only 'instances'", Map.of("field", field));
            }
        }
        var instances = body.get("instances");
        if (instances == null || !instances.isArray()) {
            throw new InvalidInputException("INVALID_REQUEST", "'instances' must be an array of objects", null);
        }
        if (instances.isEmpty()) {
            throw new InvalidInputException("EMPTY_INSTANCES", "'instances' is empty; send at least one instance", null);
        }
        if (instances.size() > maxInstances) {
            throw new InvalidInputException(
                    "TOO_MANY_INSTANCES",
                    "'instances' has " + instances.size() + " rows; the maximum is " + maxInstances,
                    Map.of("count", instances.size(), "max", maxInstances));
        }
        return instances;
    }

    private static Map<String, Object> readRow(
            int i, JsonNode instance, List<Feature> features, List<Object> columns, Set<String> known,
            List<Map<String, Object>> problems) {
        for (Iterator<String> it = instance.fieldNames(); it.hasNext(); ) {
            var key = it.next();
            if (!known.contains(key)) {
                problems.add(problem(i, key, "UNKNOWN_FEATURE", "the model has no feature '" + key + "'"));
            }
        }
        var row = new LinkedHashMap<String, Object>();
        for (int j = 0; j < features.size(); j++) {
            var f = features.get(j);
            var node = instance.get(f.name());
            if (node == null || node.isNull()) {
                problems.add(problem(i, f.name(), "MISSING_FEATURE", "feature is missing (type " + f.type().manifestName() + ")"));
                continue;
            }
            var value = readValue(i, f, node, problems);
            if (value == null) {
                continue;
            }
            row.put(f.name(), value);
            switch (f.type()) {
                case FLOAT, DOUBLE -> ((double[]) columns.get(j))[i] = (Double) value;
                case INT64 -> ((long[]) columns.get(j))[i] = (Long) value;
                case STRING -> ((String[]) columns.get(j))[i] = (String) value;
            }
        }
        return row;
    }

    /** @return the value in its canonical Java type, or null after recording a problem */
    private static Object readValue(int i, Feature f, JsonNode node, List<Map<String, Object>> problems) {
        Object value;
        switch (f.type()) {
            case FLOAT, DOUBLE -> {
                if (!node.isNumber()) {
                    problems.add(problem(i, f.name(), "WRONG_TYPE", "expected a number, got " + describe(node)));
                    return null;
                }
                double d = node.doubleValue();
                if (!Double.isFinite(d) || (f.type() == FeatureType.FLOAT && Math.abs(d) > Float.MAX_VALUE)) {
                    problems.add(problem(i, f.name(), "NOT_FINITE", "value must be a finite " + f.type().manifestName()));
                    return null;
                }
                value = d;
            }
            case INT64 -> {
                if (!node.isNumber() || !isIntegral(node)) {
                    problems.add(problem(i, f.name(), "WRONG_TYPE", "expected an integer, got " + describe(node)));
                    return null;
                }
                value = node.longValue();
            }
            case STRING -> {
                if (!node.isTextual()) {
                    problems.add(problem(i, f.name(), "WRONG_TYPE", "expected a string, got " + describe(node)));
                    return null;
                }
                value = node.textValue();
            }
            default -> throw new IllegalStateException("unhandled type " + f.type());
        }
        return withinBounds(i, f, value, problems) ? value : null;
    }

    private static boolean isIntegral(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.canConvertToLong();
        }
        double d = node.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63;
    }

    private static boolean withinBounds(int i, Feature f, Object value, List<Map<String, Object>> problems) {
        if (value instanceof Number number) {
            double d = number.doubleValue();
            if ((f.min() != null && d < f.min()) || (f.max() != null && d > f.max())) {
                problems.add(problem(i, f.name(), "OUT_OF_RANGE",
                        "value " + value + " is outside [" + bound(f.min()) + ", " + bound(f.max()) + "]"));
                return false;
            }
        }
        if (f.values() != null && f.values().stream().noneMatch(allowed -> sameValue(allowed, value))) {
            problems.add(problem(i, f.name(), "NOT_ALLOWED", "value " + value + " is not one of " + f.values()));
            return false;
        }
        return true;
    }

    private static boolean sameValue(Object allowed, Object value) {
        if (allowed instanceof Number a && value instanceof Number v) {
            return a.doubleValue() == v.doubleValue();
        }
        return allowed.equals(value);
    }

    private static String bound(Double b) {
        return b == null ? "-" : b.toString();
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                + (node.isValueNode() ? " " + abbreviate(node.toString()) : "");
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private static Map<String, Object> problem(int instance, String feature, String reason, String message) {
        var p = new LinkedHashMap<String, Object>();
        p.put("instance", instance);
        if (feature != null) {
            p.put("feature", feature);
        }
        p.put("reason", reason);
        p.put("message", message);
        return p;
    }
}
