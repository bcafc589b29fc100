package io.mlserve.core.inference;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * One row of a model's float scores as label → probability, read straight from the output tensor's
 * values: no map is built and no float is converted until someone reads it (the response writer writes
 * the floats' shortest text directly; the prediction log reads the values). Values read are
 * {@link Decimals#shortest(float)}, as the API has always answered. Immutable, in label order.
 */
public final class ScoreRow extends AbstractMap<String, Double> {
    private final List<String> labels;
    private final float[] scores;
    private final int offset;

    /**
     * @param labels column names, in column order
     * @param scores all rows' scores, row-major
     * @param offset where this row starts in scores
     */
    public ScoreRow(List<String> labels, float[] scores, int offset) {
        this.labels = labels;
        this.scores = scores;
        this.offset = offset;
    }

    /** @return the column names, the same list for every row of one answer */
    public List<String> labels() {
        return labels;
    }

    /** @return number of columns */
    public int width() {
        return labels.size();
    }

    /**
     * @param k column
     * @return its label
     */
    public String label(int k) {
        return labels.get(k);
    }

    /**
     * @param k column
     * @return its raw float score
     */
    public float score(int k) {
        return scores[offset + k];
    }

    @Override
    public int size() {
        return labels.size();
    }

    @Override
    public Double get(Object key) {
        int k = labels.indexOf(key);
        return k < 0 ? null : Decimals.shortest(scores[offset + k]);
    }

    @Override
    public boolean containsKey(Object key) {
        return labels.contains(key);
    }

    @Override
    public Set<Entry<String, Double>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return labels.size();
            }

            @Override
            public Iterator<Entry<String, Double>> iterator() {
                return new Iterator<>() {
                    private int k;

                    @Override
                    public boolean hasNext() {
                        return k < labels.size();
                    }

                    @Override
                    public Entry<String, Double> next() {
                        if (k >= labels.size()) {
                            throw new NoSuchElementException();
                        }
                        var entry = new SimpleImmutableEntry<>(labels.get(k), Decimals.shortest(scores[offset + k]));
                        k++;
                        return entry;
                    }
                };
            }
        };
    }
}
