package io.mlserve.core.inference;

import io.mlserve.core.model.Feature;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The rows of numeric columns as feature name → value maps (for the prediction log), read from the
 * columns on demand instead of copied into one map per row. Immutable, in feature order.
 */
final class ColumnRows extends AbstractList<Map<String, Object>> {
    private final List<Feature> features;
    private final double[][] columns;
    private final int rows;

    ColumnRows(List<Feature> features, double[][] columns, int rows) {
        this.features = features;
        this.columns = columns;
        this.rows = rows;
    }

    @Override
    public Map<String, Object> get(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException(row);
        }
        return new Row(row);
    }

    @Override
    public int size() {
        return rows;
    }

    private final class Row extends AbstractMap<String, Object> {
        private final int row;

        Row(int row) {
            this.row = row;
        }

        @Override
        public int size() {
            return features.size();
        }

        @Override
        public Object get(Object key) {
            for (int j = 0; j < features.size(); j++) {
                if (features.get(j).name().equals(key)) {
                    return columns[j][row];
                }
            }
            return null;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return features.size();
                }

                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int j;

                        @Override
                        public boolean hasNext() {
                            return j < features.size();
                        }

                        @Override
                        public Entry<String, Object> next() {
                            if (j >= features.size()) {
                                throw new NoSuchElementException();
                            }
                            var entry = new SimpleImmutableEntry<String, Object>(features.get(j).name(), columns[j][row]);
                            j++;
                            return entry;
                        }
                    };
                }
            };
        }
    }
}
