package io.mlserve.core.inference;

import java.util.List;

/** A loaded model that turns validated instances into predictions. Safe to call from many threads. */
public interface Predictor extends AutoCloseable {

    /**
     * @param batch validated instances
     * @return one prediction per row, in row order
     */
    List<Prediction> predict(FeatureBatch batch);

    /** Releases native resources; the predictor must not be used afterwards. */
    @Override
    void close();
}
