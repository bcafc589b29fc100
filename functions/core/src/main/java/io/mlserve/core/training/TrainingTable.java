package io.mlserve.core.training;

import io.mlserve.core.model.Feature;
import java.io.InputStream;
import java.util.List;

/**
 * The rows of a training dataset, read from one or more CSV files with a header (the spec's features
 * and target by name; other columns ignored). Kept as text cells so every consumer (trainer, ONNX
 * check, serving-version evaluation, baseline) sees the values exactly as a caller would send them.
 * OWNER: helper A — the bodies are to be written.
 */
public final class TrainingTable {

    /**
     * One CSV object.
     *
     * @param key object key (for problems and the fingerprint)
     * @param content its bytes (the caller closes it)
     */
    public record CsvFile(String key, InputStream content) {}

    /**
     * Reads and checks the data for a spec.
     *
     * @param spec features, target and task
     * @param files the CSV objects, in key order
     * @return the table
     * @throws TrainingDataException naming every problem: no rows, a missing column, a feature or target column with
     *     no usable value (all blank/NaN), a target with one class (classification), a non-numeric target (regression)
     */
    public static TrainingTable read(TrainingSpec spec, List<CsvFile> files) {
        throw new UnsupportedOperationException("helper A");
    }

    /** @return usable rows */
    public int rows() {
        throw new UnsupportedOperationException("helper A");
    }

    /** @return rows skipped as unusable (blank/NaN feature or target cell, wrong cell count), counted not fatal */
    public long rejectedRows() {
        throw new UnsupportedOperationException("helper A");
    }

    /**
     * @param row a row index
     * @param features the features wanted, by name (e.g. another version's manifest features)
     * @return the row's text cells in that order
     * @throws IllegalArgumentException when a feature is not a column of this table
     */
    public String[] cells(int row, List<Feature> features) {
        throw new UnsupportedOperationException("helper A");
    }

    /**
     * @param name a column name
     * @return true when the table holds that feature column
     */
    public boolean hasFeature(String name) {
        throw new UnsupportedOperationException("helper A");
    }

    /**
     * @param row a row index
     * @return the target: the label text (classification) or a Double (regression)
     */
    public Object actual(int row) {
        throw new UnsupportedOperationException("helper A");
    }

    /** @return classification: the distinct labels, sorted; regression: empty */
    public List<String> classes() {
        throw new UnsupportedOperationException("helper A");
    }
}
