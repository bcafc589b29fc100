package io.mlserve.tribuo;

import io.mlserve.core.training.Algorithm;
import java.util.Map;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.dtree.impurity.GiniIndex;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.common.tree.AbstractCARTTrainer;
import org.tribuo.ensemble.EnsembleCombiner;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;

/**
 * Tribuo trainers for the tree algorithms of a training spec: {@link Algorithm#CART} and
 * {@link Algorithm#RANDOM_FOREST}, for classification and regression.
 *
 * <p>Parameters (already validated, defaults filled, by the core's param table):
 * <ul>
 *   <li>{@value #MAX_DEPTH} (integer ≥ 1): deepest split level of each tree;</li>
 *   <li>{@value #MIN_CHILD_WEIGHT} (number &gt; 0): a node holding less example weight than this becomes a leaf;</li>
 *   <li>{@value #FRACTION_FEATURES_IN_SPLIT} (number in (0, 1]): share of the features each split may look at;</li>
 *   <li>{@value #SEED} (integer): the RNG seed of feature sampling and bootstrap bags;</li>
 *   <li>{@value #TREES} (integer ≥ 1, random forest only): number of bagged trees.</li>
 * </ul>
 *
 * <p>A random forest combines its trees by AVERAGING their class distributions
 * ({@link FullyWeightedVotingCombiner}) or values ({@link AveragingCombiner}), never by counting
 * votes: an average is what an ONNX TreeEnsemble computes, so {@link TreeEnsembleExporter} reproduces
 * the forest exactly. With {@value #FRACTION_FEATURES_IN_SPLIT} = 1 the forest is plain bagged trees.
 *
 * <p>The trees are Tribuo's CART with a faster training node ({@link PresortedCARTClassificationTrainer},
 * {@link PresortedCARTRegressionTrainer}): Tribuo's own takes minutes per tree at 80,000 rows. Forests
 * are Tribuo's bagging with a shared presort and members trained in parallel
 * ({@link PresortedBaggingTrainer}). The models are Tribuo's {@code TreeModel} and
 * {@code WeightedEnsembleModel}.
 */
public final class TreeTrainers {

    /** Maximum depth of each tree. */
    public static final String MAX_DEPTH = "maxDepth";
    /** Minimum example weight (count, with unit weights) a node needs to be split. */
    public static final String MIN_CHILD_WEIGHT = "minChildWeight";
    /** Fraction of the features considered at each split. */
    public static final String FRACTION_FEATURES_IN_SPLIT = "fractionFeaturesInSplit";
    /** RNG seed. */
    public static final String SEED = "seed";
    /** Number of trees in a random forest. */
    public static final String TREES = "trees";

    private TreeTrainers() {}

    /**
     * Builds a classification trainer.
     *
     * @param algorithm {@link Algorithm#CART} or {@link Algorithm#RANDOM_FOREST}
     * @param params hyper-parameters by spec name, defaults already filled
     * @return a Gini-impurity CART trainer, or a forest of them whose probabilities are averaged
     * @throws IllegalArgumentException for another algorithm, or a missing or malformed parameter
     */
    public static Trainer<Label> classification(Algorithm algorithm, Map<String, Object> params) {
        return switch (algorithm) {
            case CART -> classificationTree(params);
            case RANDOM_FOREST -> forest(classificationTree(params), new FullyWeightedVotingCombiner(), params);
            default -> throw notATree(algorithm);
        };
    }

    /**
     * Builds a regression trainer (one output dimension).
     *
     * @param algorithm {@link Algorithm#CART} or {@link Algorithm#RANDOM_FOREST}
     * @param params hyper-parameters by spec name, defaults already filled
     * @return a mean-squared-error CART trainer, or a forest of them whose values are averaged
     * @throws IllegalArgumentException for another algorithm, or a missing or malformed parameter
     */
    public static Trainer<Regressor> regression(Algorithm algorithm, Map<String, Object> params) {
        return switch (algorithm) {
            case CART -> regressionTree(params);
            case RANDOM_FOREST -> forest(regressionTree(params), new AveragingCombiner(), params);
            default -> throw notATree(algorithm);
        };
    }

    private static CARTClassificationTrainer classificationTree(Map<String, Object> params) {
        return new PresortedCARTClassificationTrainer(
                intParam(params, MAX_DEPTH), minChildWeight(params), 0.0f, fraction(params),
                new GiniIndex(), longParam(params, SEED));
    }

    private static PresortedCARTRegressionTrainer regressionTree(Map<String, Object> params) {
        return new PresortedCARTRegressionTrainer(
                intParam(params, MAX_DEPTH), minChildWeight(params), 0.0f, fraction(params), longParam(params, SEED));
    }

    private static <T extends org.tribuo.Output<T>> Trainer<T> forest(
            AbstractCARTTrainer<T> tree, EnsembleCombiner<T> averaging, Map<String, Object> params) {
        int trees = intParam(params, TREES);
        if (trees < 1) {
            throw new IllegalArgumentException("param " + TREES + " must be at least 1, got " + trees);
        }
        return new PresortedBaggingTrainer<>(tree, averaging, trees, longParam(params, SEED),
                Runtime.getRuntime().availableProcessors());
    }

    private static float minChildWeight(Map<String, Object> params) {
        double value = number(params, MIN_CHILD_WEIGHT).doubleValue();
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("param " + MIN_CHILD_WEIGHT + " must be a positive number, got " + value);
        }
        return (float) value;
    }

    private static float fraction(Map<String, Object> params) {
        double value = number(params, FRACTION_FEATURES_IN_SPLIT).doubleValue();
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(
                    "param " + FRACTION_FEATURES_IN_SPLIT + " must be in (0, 1], got " + value);
        }
        return (float) value;
    }

    private static int intParam(Map<String, Object> params, String name) {
        long value = longParam(params, name);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("param " + name + " must be a positive integer, got " + value);
        }
        return (int) value;
    }

    private static long longParam(Map<String, Object> params, String name) {
        Number value = number(params, name);
        if (value instanceof Integer || value instanceof Long) {
            return value.longValue();
        }
        double d = value.doubleValue();
        if (d != Math.rint(d) || Math.abs(d) > 0x1p53) {
            throw new IllegalArgumentException("param " + name + " must be an integer, got " + value);
        }
        return value.longValue();
    }

    private static Number number(Map<String, Object> params, String name) {
        Object value = params.get(name);
        if (value == null) {
            throw new IllegalArgumentException("param " + name + " is missing (defaults are filled before training)");
        }
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException("param " + name + " must be a number, got " + value);
        }
        return n;
    }

    private static IllegalArgumentException notATree(Algorithm algorithm) {
        return new IllegalArgumentException(
                algorithm.specName() + " is not a tree algorithm (TreeTrainers builds cart and random-forest)");
    }
}
