package io.mlserve.tribuo;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.model.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** Turns held-out output rows (probabilities in label order, or one value) into the core's predictions. */
public final class TrainedPredictions {
    private TrainedPredictions() {}

    /**
     * @param task the task
     * @param labels classification: the label of each probability column; regression: ignored
     * @param outputs per row: probabilities in {@code labels} order, or the single value
     * @return one prediction per row; the label is the most probable class (the first in label order on ties)
     */
    public static List<Prediction> of(Task task, List<Object> labels, double[][] outputs) {
        var out = new ArrayList<Prediction>(outputs.length);
        for (double[] row : outputs) {
            if (task == Task.REGRESSION) {
                out.add(new Prediction.Regression(row[0]));
                continue;
            }
            var probabilities = new LinkedHashMap<String, Double>();
            int best = 0;
            for (int k = 0; k < row.length; k++) {
                probabilities.put(String.valueOf(labels.get(k)), row[k]);
                if (row[k] > row[best]) {
                    best = k;
                }
            }
            out.add(new Prediction.Classification(labels.get(best), probabilities));
        }
        return out;
    }
}
