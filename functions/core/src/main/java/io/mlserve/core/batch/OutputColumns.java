package io.mlserve.core.batch;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The prediction columns a CSV output adds after the input's own columns, and their values.
 * <ul>
 *   <li>classification: {@code prediction} (the label), then {@code probability_<label>} per class in
 *       the manifest's label order when the model gives probabilities;</li>
 *   <li>regression with one value: {@code prediction};</li>
 *   <li>regression with several targets: {@code prediction_<target>} per target, in manifest order (no
 *       plain {@code prediction}).</li>
 * </ul>
 * Numbers are written as {@link Double#toString(double)} does (shortest text that reads back to the
 * same double), the form the online API's JSON uses too.
 */
public final class OutputColumns {
    private final List<String> names;
    private final List<String> probabilityKeys; // classification: probabilities map keys, in column order
    private final List<String> targets; // multi-target regression: map keys, in column order
    private final boolean classification;

    private OutputColumns(List<String> names, List<String> probabilityKeys, List<String> targets, boolean classification) {
        this.names = names;
        this.probabilityKeys = probabilityKeys;
        this.targets = targets;
        this.classification = classification;
    }

    /**
     * @param manifest the model
     * @return its output columns
     */
    public static OutputColumns of(ModelManifest manifest) {
        var out = manifest.output();
        var names = new ArrayList<String>();
        if (manifest.task() == Task.CLASSIFICATION) {
            names.add("prediction");
            var keys = new ArrayList<String>();
            if (out.probabilities() != null && out.labels() != null) {
                for (var label : out.labels()) {
                    keys.add(String.valueOf(label));
                    names.add("probability_" + label);
                }
            }
            return new OutputColumns(List.copyOf(names), List.copyOf(keys), List.of(), true);
        }
        if (out.targetCount() > 1) {
            for (var target : out.targets()) {
                names.add("prediction_" + target);
            }
            return new OutputColumns(List.copyOf(names), List.of(), List.copyOf(out.targets()), false);
        }
        return new OutputColumns(List.of("prediction"), List.of(), List.of(), false);
    }

    /** @return the column names, in order */
    public List<String> names() {
        return names;
    }

    /** @return how many columns */
    public int size() {
        return names.size();
    }

    /**
     * Writes one prediction's cells.
     *
     * @param prediction what the model answered for the row
     * @param cells where to write
     * @param from index of the first prediction cell in {@code cells}
     */
    public void write(Prediction prediction, String[] cells, int from) {
        if (classification) {
            var c = (Prediction.Classification) prediction;
            cells[from] = String.valueOf(c.label());
            var probabilities = c.probabilities();
            for (int k = 0; k < probabilityKeys.size(); k++) {
                cells[from + 1 + k] = number(probabilities == null ? null : probabilities.get(probabilityKeys.get(k)));
            }
            return;
        }
        var value = ((Prediction.Regression) prediction).value();
        if (targets.isEmpty()) {
            cells[from] = number(value instanceof Map<?, ?> m ? m.values().iterator().next() : value);
            return;
        }
        var byTarget = (Map<?, ?>) value;
        for (int t = 0; t < targets.size(); t++) {
            cells[from + t] = number(byTarget.get(targets.get(t)));
        }
    }

    private static String number(Object value) {
        if (value == null) {
            return "";
        }
        return value instanceof Double d ? Double.toString(d) : value.toString();
    }
}
