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

/** Runs a manifest's samples through the model and compares with the producer's own predictions. */
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
        if (manifest.samples() == null || manifest.samples().isEmpty()) {
            return;
        }
        var instances = manifest.samples().stream().map(ModelManifest.Sample::instance).toList();
        var parsed = new InstanceParser(instances.size()).parse(Json.MAPPER.valueToTree(Map.of("instances", instances)), manifest);
        var predictions = predictor.predict(parsed.batch());
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
