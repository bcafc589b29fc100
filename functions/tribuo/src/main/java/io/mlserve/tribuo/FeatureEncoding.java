package io.mlserve.tribuo;

import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.training.TrainingTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * How raw feature cells become the model columns Tribuo trains on, learnt from the train rows only. The same
 * arithmetic is written into the ONNX graph by {@link GraphComposer}, so a caller's raw values give the same columns.
 *
 * <ul>
 *   <li>numeric feature → one column named as the feature: the value as a 32-bit float (what the graph's Cast gives),
 *       standardised in float arithmetic {@code (x - mean) / std} when {@code standardise} (mean and population standard
 *       deviation of the train rows; a constant feature keeps std 1);</li>
 *   <li>string feature → one column per category seen in the train rows, named {@code feature=category} (sorted), 1 for
 *       the row's category; a category not seen in training sets none of them (all zeros, as the graph's
 *       OneHotEncoder with {@code zeros=1}).</li>
 * </ul>
 *
 * @param features the spec's features, in spec order
 * @param standardise whether numeric features are standardised
 * @param mean per feature (numeric; 0 for string features)
 * @param std per feature (numeric; 1 for string features)
 * @param categories per string feature name, its sorted categories
 */
record FeatureEncoding(List<Feature> features, boolean standardise, float[] mean, float[] std, Map<String, List<String>> categories) {

    /**
     * @param features the spec's features
     * @param table the data
     * @param trainRows rows the encoding is learnt from
     * @param standardise whether numeric features are standardised
     * @return the encoding
     */
    static FeatureEncoding learn(List<Feature> features, TrainingTable table, int[] trainRows, boolean standardise) {
        int f = features.size();
        double[] sum = new double[f];
        double[] sumSq = new double[f];
        var seen = new ArrayList<TreeSet<String>>();
        features.forEach(x -> seen.add(new TreeSet<>()));
        for (int row : trainRows) {
            String[] cells = table.cells(row, features);
            for (int i = 0; i < f; i++) {
                if (features.get(i).type() == FeatureType.STRING) {
                    seen.get(i).add(cells[i]);
                } else {
                    double x = asFloat(features.get(i).type(), cells[i]);
                    sum[i] += x;
                    sumSq[i] += x * x;
                }
            }
        }
        float[] mean = new float[f];
        float[] std = new float[f];
        var categories = new LinkedHashMap<String, List<String>>();
        for (int i = 0; i < f; i++) {
            std[i] = 1f;
            if (features.get(i).type() == FeatureType.STRING) {
                categories.put(features.get(i).name(), List.copyOf(seen.get(i)));
            } else if (standardise) {
                double m = sum[i] / trainRows.length;
                double variance = Math.max(0, sumSq[i] / trainRows.length - m * m);
                mean[i] = (float) m;
                float s = (float) Math.sqrt(variance);
                std[i] = s > 0 && Float.isFinite(s) ? s : 1f;
            }
        }
        return new FeatureEncoding(List.copyOf(features), standardise, mean, std, categories);
    }

    /**
     * @param type a numeric feature type
     * @param cell its text, usable for that type
     * @return the float the graph's Cast produces from the value the caller sends
     */
    static float asFloat(FeatureType type, String cell) {
        return switch (type) {
            case FLOAT -> Float.parseFloat(cell);
            case DOUBLE -> (float) Double.parseDouble(cell);
            case INT64 -> (float) Long.parseLong(cell.trim());
            case STRING -> throw new IllegalArgumentException("a string feature has no numeric value");
        };
    }

    /** @return every model column name, in encoding (concatenation) order */
    List<String> columns() {
        var names = new ArrayList<String>();
        for (var feature : features) {
            if (feature.type() == FeatureType.STRING) {
                categories.get(feature.name()).forEach(c -> names.add(oneHotName(feature.name(), c)));
            } else {
                names.add(feature.name());
            }
        }
        return names;
    }

    /**
     * One row as Tribuo feature names and values, every column present (one-hot zeros included).
     *
     * @param cells the row's cells in {@link #features()} order
     * @param names receives the column names
     * @param values receives the values
     */
    void encode(String[] cells, List<String> names, List<Double> values) {
        for (int i = 0; i < features.size(); i++) {
            var feature = features.get(i);
            if (feature.type() == FeatureType.STRING) {
                // dense on purpose: Tribuo's sparse models centre only the features an example has (SLM), while the
                // graph's dense input always holds the zeros
                for (String category : categories.get(feature.name())) {
                    names.add(oneHotName(feature.name(), category));
                    values.add(category.equals(cells[i]) ? 1.0 : 0.0);
                }
            } else {
                float x = asFloat(feature.type(), cells[i]);
                // float arithmetic on purpose: exactly what the graph's Sub and Div compute
                float v = standardise ? (x - mean[i]) / std[i] : x;
                names.add(feature.name());
                values.add((double) v);
            }
        }
    }

    static String oneHotName(String feature, String category) {
        return feature + "=" + category;
    }
}
