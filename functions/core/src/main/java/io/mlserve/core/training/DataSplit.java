package io.mlserve.core.training;

/**
 * Which rows train and which are held out: deterministic for (rows, spec split, task); stratified by
 * class for classification. OWNER: helper A.
 *
 * @param train row indices for fitting, ascending
 * @param test held-out row indices, ascending
 */
public record DataSplit(int[] train, int[] test) {

    /**
     * @param table the data
     * @param split fraction and seed
     * @param task stratify for classification
     * @return the split
     * @throws TrainingDataException when too few rows remain on either side (train needs every class, test ≥ 1 row per class)
     */
    public static DataSplit of(TrainingTable table, TrainingSpec.Split split, io.mlserve.core.model.Task task) {
        throw new UnsupportedOperationException("helper A");
    }
}
