package io.mlserve.core.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.inference.InstanceParser;
import io.mlserve.core.inference.Predictor;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The smoke test before a model may serve: runs the manifest's samples through it and compares with
 * the producer's own predictions; without samples, one row made from the feature schema must at
 * least predict without failing.
 */
public final class SampleCheck {
    /** Float32 graphs and float64 frameworks differ in the last digits; more than this is a bug. */
    public static final double TOLERANCE = 1e-5;

    private SampleCheck() {}

    /**
     * @param manifest a manifest whose {@code samples} carry expected predictions
     * @param predictor the loaded model
     * @throws ModelRejectedException naming every sample the model answers differently
     */
    public static void requireSamplesMatch(ModelManifest manifest, Predictor predictor) {
        boolean hasSamples = manifest.samples() != null && !manifest.samples().isEmpty();
        List<Map<String, Object>> instances = hasSamples
                ? manifest.samples().stream().map(ModelManifest.Sample::instance).toList()
                : List.of(schemaRow(manifest));
        List<io.mlserve.core.inference.Prediction> predictions;
        try {
            var parsed = new InstanceParser(instances.size()).parse(Json.MAPPER.valueToTree(Map.of("instances", instances)), manifest);
            predictions = predictor.predict(parsed.batch());
        } catch (io.mlserve.core.error.InvalidInputException e) {
            throw new ModelRejectedException(manifest.name(), manifest.version(),
                    List.of("samples do not fit the manifest's features: " + e.getMessage()));
        } catch (RuntimeException e) {
            throw new ModelRejectedException(manifest.name(), manifest.version(),
                    List.of("the model failed on " + (hasSamples ? "its samples" : "a row built from its features") + ": " + e.getMessage()));
        }
        if (!hasSamples) {
            return;
        }
        var problems = new ArrayList<String>();
        for (int i = 0; i < predictions.size(); i++) {
            var expected = manifest.samples().get(i).expected();
            if (expected == null) {
                continue;
            }
            JsonNode actual = Json.MAPPER.valueToTree(predictions.get(i));
            compare("samples[" + i + "]", expected, actual, problems);
        }
        if (!problems.isEmpty()) {
            throw new ModelRejectedException(manifest.name(), manifest.version(), problems);
        }
    }

    /** A valid row from the schema alone: first allowed value, else the middle of the range, else 0 / "". */
    static Map<String, Object> schemaRow(ModelManifest manifest) {
        var row = new java.util.LinkedHashMap<String, Object>();
        for (var f : manifest.features()) {
            Object value;
            if (f.values() != null && !f.values().isEmpty()) {
                value = f.values().get(0);
            } else if (f.type() == io.mlserve.core.model.FeatureType.STRING) {
                value = "";
            } else {
                double low = f.min() != null ? f.min() : (f.max() != null ? Math.min(0, f.max()) : 0);
                double high = f.max() != null ? f.max() : Math.max(low, 0);
                double mid = (low + high) / 2;
                value = f.type() == io.mlserve.core.model.FeatureType.INT64 ? (Object) (long) Math.ceil(mid) : (Object) mid;
            }
            row.put(f.name(), value);
        }
        return row;
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, List<String> problems) {
        if (expected.isNumber() && actual != null && actual.isNumber()) {
            if (Math.abs(expected.doubleValue() - actual.doubleValue()) > TOLERANCE) {
                problems.add(path + " expected " + expected + " but the model gave " + actual);
            }
        } else if (expected.isObject() && actual != null && actual.isObject()) {
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                var field = it.next();
                compare(path + "." + field, expected.get(field), actual.get(field), problems);
            }
        } else if (!expected.equals(actual)) {
            problems.add(path + " expected " + expected + " but the model gave " + actual);
        }
    }
}
