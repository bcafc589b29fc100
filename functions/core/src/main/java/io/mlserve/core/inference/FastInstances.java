package io.mlserve.core.inference;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.ModelManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fast path of {@link InstanceParser} for what nearly every request is — {@code {"instances": [...]}}
 * of objects holding exactly the manifest's numeric features, each a finite number within its range —
 * streamed from the body text straight into the predictor's columns, with no JSON tree and no boxed value
 * per cell. It accepts only requests the tree path would accept with the same values, and answers
 * {@code null} at the first thing it does not handle (any problem, any other shape, a string feature,
 * an allowed-values list): the tree path then reads the request and reports every problem as before,
 * so errors are unchanged.
 */
final class FastInstances {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Json.MAX_NESTING_DEPTH)
                    .maxNumberLength(Json.MAX_NUMBER_LENGTH)
                    .build())
            .build();

    /** What the fast path needs of one manifest, computed once. */
    private record Plan(ModelManifest manifest, List<Feature> features, Map<String, Integer> index, double[] min, double[] max,
            boolean[] isFloat) {}

    private static final Plan INELIGIBLE = new Plan(null, null, null, null, null, null);
    private final Plan[] recent = new Plan[8]; // by manifest identity: manifests are immutable and cached per version
    private int next;

    private Plan plan(ModelManifest manifest) {
        var plans = recent;
        for (var p : plans) {
            if (p != null && p.manifest == manifest) {
                return p;
            }
        }
        var p = makePlan(manifest);
        synchronized (this) {
            plans[next] = p;
            next = (next + 1) % plans.length;
        }
        return p;
    }

    private static Plan makePlan(ModelManifest manifest) {
        var features = manifest.features();
        int n = features.size();
        if (n == 0 || n > 64) {
            return new Plan(manifest, null, null, null, null, null);
        }
        var index = new HashMap<String, Integer>(n * 2);
        double[] min = new double[n];
        double[] max = new double[n];
        boolean[] isFloat = new boolean[n];
        for (int j = 0; j < n; j++) {
            var f = features.get(j);
            if ((f.type() != FeatureType.FLOAT && f.type() != FeatureType.DOUBLE) || f.values() != null) {
                return new Plan(manifest, null, null, null, null, null);
            }
            index.put(f.name(), j);
            min[j] = f.min() == null ? Double.NEGATIVE_INFINITY : f.min();
            max[j] = f.max() == null ? Double.POSITIVE_INFINITY : f.max();
            isFloat[j] = f.type() == FeatureType.FLOAT;
        }
        return new Plan(manifest, features, index, min, max, isFloat);
    }

    /**
     * @param body request body text
     * @param manifest the model
     * @param maxInstances most instances accepted
     * @return the parsed instances, or null when the tree path must decide
     */
    InstanceParser.ParsedInstances tryParse(String body, ModelManifest manifest, int maxInstances) {
        var plan = plan(manifest);
        if (plan.features == null) {
            return null;
        }
        try (JsonParser p = FACTORY.createParser(body)) {
            return read(p, plan, maxInstances);
        } catch (IOException | RuntimeException e) {
            return null; // malformed, or something the fast path does not handle: the tree path reports it
        }
    }

    private static InstanceParser.ParsedInstances read(JsonParser p, Plan plan, int maxInstances) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME || !"instances".equals(p.currentName())
                || p.nextToken() != JsonToken.START_ARRAY) {
            return null;
        }
        int width = plan.features.size();
        long all = width == 64 ? -1L : (1L << width) - 1;
        int capacity = 16;
        double[][] columns = new double[width][capacity];
        int rows = 0;
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.START_OBJECT) {
            if (rows == maxInstances) {
                return null;
            }
            if (rows == capacity) {
                capacity *= 2;
                for (int j = 0; j < width; j++) {
                    columns[j] = Arrays.copyOf(columns[j], capacity);
                }
            }
            long seen = 0;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                Integer column = plan.index.get(p.currentName());
                if (column == null) {
                    return null;
                }
                int j = column;
                long bit = 1L << j;
                if ((seen & bit) != 0) {
                    return null;
                }
                seen |= bit;
                double d;
                switch (p.nextToken()) {
                    case VALUE_NUMBER_FLOAT -> d = Decimals.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                    case VALUE_NUMBER_INT -> {
                        var type = p.getNumberType();
                        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
                            return null;
                        }
                        d = p.getLongValue();
                    }
                    default -> {
                        return null;
                    }
                }
                if (!Double.isFinite(d) || (plan.isFloat[j] && Math.abs(d) > Float.MAX_VALUE) || d < plan.min[j] || d > plan.max[j]) {
                    return null;
                }
                columns[j][rows] = d;
            }
            if (token != JsonToken.END_OBJECT || seen != all) {
                return null;
            }
            rows++;
        }
        if (token != JsonToken.END_ARRAY || rows == 0 || p.nextToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
            return null;
        }
        var list = new ArrayList<Object>(width);
        for (int j = 0; j < width; j++) {
            if (columns[j].length != rows) {
                columns[j] = Arrays.copyOf(columns[j], rows);
            }
            list.add(columns[j]);
        }
        return new InstanceParser.ParsedInstances(new FeatureBatch(rows, plan.features, list), new ColumnRows(plan.features, columns, rows));
    }
}
