package io.mlserve.core.inference;

import io.mlserve.core.model.Feature;
import java.util.List;

/**
 * Validated instances, one column per manifest feature, in manifest order. Numeric float/double
 * features are held as {@code double[]}, int64 as {@code long[]}, strings as {@code String[]}.
 *
 * @param rows number of instances
 * @param features the manifest features, in order
 * @param columns one array per feature: {@code double[]}, {@code long[]} or {@code String[]}
 */
public record FeatureBatch(int rows, List<Feature> features, List<Object> columns) {

    /**
     * @param index feature position
     * @return that feature's values as doubles
     * @throws ClassCastException when the feature is not float/double
     */
    public double[] doubles(int index) {
        return (double[]) columns.get(index);
    }

    /**
     * @param index feature position
     * @return that feature's int64 values
     */
    public long[] longs(int index) {
        return (long[]) columns.get(index);
    }

    /**
     * @param index feature position
     * @return that feature's string values
     */
    public String[] strings(int index) {
        return (String[]) columns.get(index);
    }

    /**
     * @param from first row, inclusive
     * @param to last row, exclusive
     * @return a batch holding only those rows
     */
    public FeatureBatch slice(int from, int to) {
        var sliced = new java.util.ArrayList<Object>(columns.size());
        for (var column : columns) {
            sliced.add(switch (column) {
                case double[] d -> java.util.Arrays.copyOfRange(d, from, to);
                case long[] l -> java.util.Arrays.copyOfRange(l, from, to);
                case String[] s -> java.util.Arrays.copyOfRange(s, from, to);
                default -> throw new IllegalStateException("unexpected column " + column.getClass());
            });
        }
        return new FeatureBatch(to - from, features, sliced);
    }
}
