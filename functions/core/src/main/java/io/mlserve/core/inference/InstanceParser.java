package io.mlserve.core.inference;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a predict request body against a manifest and turns it into a {@link FeatureBatch}.
 * Every problem is reported with the instance index and feature, so a client can fix all at once.
 */
public final class InstanceParser {
    /** At most this many problems are listed in one error, to keep error bodies small. */
    static final int MAX_REPORTED_PROBLEMS = 50;

    private final int maxInstances;
    private final FastInstances fast = new FastInstances();

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
     * Reads the request body text: the common case streams straight into columns; anything else (and every
     * refusal) goes through the JSON tree, with the same answers and errors as {@link #parse(JsonNode, ModelManifest)}.
     *
     * @param body the request body text, may be null
     * @param manifest the model the instances are for
     * @return the validated instances
     * @throws InvalidInputException when the body is not JSON ({@code MALFORMED_JSON}) or any instance is unacceptable
     */
    public ParsedInstances parse(String body, ModelManifest manifest) {
        if (body != null) {
            var parsed = fast.tryParse(body, manifest, maxInstances);
            if (parsed != null) {
                return parsed;
            }
        }
        return parse(Json.parseRequest(body), manifest);
    }

    /**
     * @param body the parsed request body
     * @param manifest the model the instances are for
     * @return the validated instances
     * @throws InvalidInputException when the body or any instance is unacceptable
     */
    public ParsedInstances parse(JsonNode body, ModelManifest manifest) {
        var instances = instancesOf(body);
        int n = instances.size();
        var batch = new RowBatch(manifest, n);
        var problems = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < n; i++) {
            for (var p : batch.addJson(instances.get(i))) {
                problems.add(problem(i, p));
            }
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
        var rows = new ArrayList<Map<String, Object>>(n);
        for (int i = 0; i < n; i++) {
            rows.add(batch.row(i));
        }
        return new ParsedInstances(batch.toBatch(), rows);
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

    private static Map<String, Object> problem(int instance, RowProblem p) {
        var map = new LinkedHashMap<String, Object>();
        map.put("instance", instance);
        if (p.feature() != null) {
            map.put("feature", p.feature());
        }
        map.put("reason", p.reason());
        map.put("message", p.message());
        return map;
    }
}
