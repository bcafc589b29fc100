package io.mlserve.tribuo;

import org.tribuo.Dataset;
import org.tribuo.Trainer;
import org.tribuo.common.tree.AbstractCARTTrainer;
import org.tribuo.common.tree.AbstractTrainingNode;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;
import org.tribuo.regression.Regressor;

/**
 * A mean-squared-error CART regression trainer for one output, built on Tribuo's
 * {@link AbstractCARTTrainer} with a training node that sorts each feature once per tree
 * ({@link PresortedRegressionNode}). Tribuo's {@code CARTRegressionTrainer} is final and rescans every
 * candidate split from scratch (quadratic in a node's distinct values), hence this class rather than a
 * subclass. The model is a {@link org.tribuo.common.tree.TreeModel} whose leaves hold the output's
 * {@link Regressor.DimensionTuple}, like Tribuo's per-dimension trees.
 *
 * <p>N.B. random split points (extra trees) and multi-output regression are not supported.
 */
public final class PresortedCARTRegressionTrainer extends AbstractCARTTrainer<Regressor> {

    /** For OLCUT configuration only. */
    private PresortedCARTRegressionTrainer() {
        super(Integer.MAX_VALUE, MIN_EXAMPLES, 0.0f, 1.0f, false, Trainer.DEFAULT_SEED);
    }

    /**
     * Creates the trainer.
     *
     * @param maxDepth deepest split level
     * @param minChildWeight a node lighter than this is not split
     * @param minImpurityDecrease share of the total weight × impurity a split must remove
     * @param fractionFeaturesInSplit share of the features sampled at each node
     * @param seed RNG seed of the feature sampling
     */
    public PresortedCARTRegressionTrainer(int maxDepth, float minChildWeight, float minImpurityDecrease,
                                          float fractionFeaturesInSplit, long seed) {
        super(maxDepth, minChildWeight, minImpurityDecrease, fractionFeaturesInSplit, false, seed);
        postConfig();
    }

    @Override
    protected AbstractTrainingNode<Regressor> mkTrainingNode(Dataset<Regressor> examples,
                                                             AbstractTrainingNode.LeafDeterminer leafDeterminer) {
        return new PresortedRegressionNode(examples, leafDeterminer);
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    @Override
    public String toString() {
        return "PresortedCARTRegressionTrainer(maxDepth=" + maxDepth + ",minChildWeight=" + minChildWeight
                + ",minImpurityDecrease=" + minImpurityDecrease + ",fractionFeaturesInSplit="
                + fractionFeaturesInSplit + ",impurity=MeanSquaredError,seed=" + seed + ")";
    }
}
