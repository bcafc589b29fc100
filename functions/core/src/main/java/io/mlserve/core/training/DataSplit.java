package io.mlserve.core.training;

import io.mlserve.core.model.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

/**
 * Which rows train and which are held out: deterministic for (rows, spec split, task); stratified by
 * class for classification.
 *
 * <p>Recipe: per class in sorted label order (regression: all rows as one group), shuffle that group's row indices with
 * one {@code java.util.Random(seed)} (its sequence is fixed by the JDK specification), hold out
 * {@code round(n × testFraction)} of them, kept within [1, n − 1] so every class is on both sides.
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
    public static DataSplit of(TrainingTable table, TrainingSpec.Split split, Task task) {
        var groups = new LinkedHashMap<String, List<Integer>>();
        if (task == Task.CLASSIFICATION) {
            table.classes().forEach(c -> groups.put(c, new ArrayList<>()));
            for (int row = 0; row < table.rows(); row++) {
                groups.get((String) table.actual(row)).add(row);
            }
        } else {
            var all = new ArrayList<Integer>(table.rows());
            for (int row = 0; row < table.rows(); row++) {
                all.add(row);
            }
            groups.put("", all);
        }
        var problems = new ArrayList<String>();
        groups.forEach((label, rows) -> {
            if (rows.size() < 2) {
                problems.add(task == Task.CLASSIFICATION
                        ? "class '" + label + "' has " + rows.size() + " usable row; every class needs at least 2 (one to train, one to test)"
                        : "only " + rows.size() + " usable row; the split needs at least 2 (one to train, one to test)");
            }
        });
        if (!problems.isEmpty()) {
            throw new TrainingDataException(problems);
        }
        var random = new Random(split.seed());
        var train = new ArrayList<Integer>();
        var test = new ArrayList<Integer>();
        for (var rows : groups.values()) {
            Collections.shuffle(rows, random);
            int held = (int) Math.round(rows.size() * split.testFraction());
            held = Math.max(1, Math.min(rows.size() - 1, held));
            test.addAll(rows.subList(0, held));
            train.addAll(rows.subList(held, rows.size()));
        }
        return new DataSplit(sorted(train), sorted(test));
    }

    private static int[] sorted(List<Integer> rows) {
        int[] out = rows.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(out);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataSplit other && Arrays.equals(train, other.train) && Arrays.equals(test, other.test);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(train) + Arrays.hashCode(test);
    }

    @Override
    public String toString() {
        return "DataSplit[train=" + train.length + " rows, test=" + test.length + " rows]";
    }
}
