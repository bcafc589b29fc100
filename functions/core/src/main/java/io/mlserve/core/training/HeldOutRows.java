package io.mlserve.core.training;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.Predictor;
import io.mlserve.core.inference.RowBatch;
import io.mlserve.core.model.ModelManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model's answers on the held-out rows, fed exactly as a caller's CSV cells would be (through
 * {@link RowBatch}, the checks bulk prediction applies): the same code scores candidates and the
 * serving version, so their metrics are comparable.
 *
 * @param rows the held-out row indices, in split order
 * @param cells each row's text cells, in the manifest's feature order
 * @param instances each row as the model read it (feature name to typed value), for manifest samples
 * @param predictions the model's prediction per row
 * @param refused problems of rows the manifest's checks refused (empty when every row was scored)
 */
public record HeldOutRows(int[] rows, List<String[]> cells, List<Map<String, Object>> instances, List<Prediction> predictions,
        List<String> refused) {

    /**
     * Scores the rows; refused rows are named in {@link #refused()} and nothing is predicted then.
     *
     * @param table the data
     * @param rows held-out row indices
     * @param manifest the model's manifest (its features must be columns of the table)
     * @param predictor the loaded model
     * @return the rows and their predictions
     */
    public static HeldOutRows score(TrainingTable table, int[] rows, ModelManifest manifest, Predictor predictor) {
        var batch = new RowBatch(manifest, Math.max(1, rows.length));
        var cells = new ArrayList<String[]>(rows.length);
        var refused = new ArrayList<String>();
        for (int row : rows) {
            var text = table.cells(row, manifest.features());
            cells.add(text);
            var problems = batch.addText(text);
            if (!problems.isEmpty() && refused.size() < 5) {
                var p = problems.get(0);
                refused.add("row " + row + ": " + (p.feature() == null ? "" : p.feature() + ": ") + p.message());
            } else if (!problems.isEmpty()) {
                refused.add("row " + row);
            }
        }
        if (!refused.isEmpty()) {
            return new HeldOutRows(rows, cells, List.of(), List.of(), refused);
        }
        var instances = new ArrayList<Map<String, Object>>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            instances.add(batch.row(i));
        }
        return new HeldOutRows(rows, cells, instances, predictor.predict(batch.toBatch()), List.of());
    }

    /**
     * @param table the data
     * @return each row's actual target, as {@link Metrics#compute} takes it
     */
    public List<Object> actual(TrainingTable table) {
        var out = new ArrayList<Object>(rows.length);
        for (int row : rows) {
            out.add(table.actual(row));
        }
        return out;
    }
}
