package io.mlserve.core.training;

import io.mlserve.core.model.Task;
import java.util.List;
import java.util.Map;

/**
 * The hyper-parameter table of every {@link Algorithm}: names, types, defaults and ranges. Specs are checked against
 * it ({@link TrainingSpecs#parse}), the README documents it, and trainers read the filled-in values with
 * {@link #intValue}, {@link #longValue}, {@link #doubleValue} and {@link #stringValue}.
 *
 * <p>N.B. numeric features are standardised (train-split mean and standard deviation) inside the graph before the
 * linear, SVM and factorization-machine algorithms see them, so the defaults assume features of unit scale.
 */
public final class AlgorithmParams {
    /** Type of a whole-number parameter. */
    public static final String INTEGER = "integer";
    /** Type of a real-valued parameter. */
    public static final String NUMBER = "number";
    /** Type of a parameter with a fixed set of spellings. */
    public static final String STRING = "string";

    /** Largest seed a spec may give: 2^53, so every seed survives a JSON round trip through a double. */
    static final double MAX_SEED = 9_007_199_254_740_992d;

    /** Solvers of {@code liblinear} that give probabilities (classification). */
    static final List<String> LIBLINEAR_CLASSIFIERS = List.of("l2r-lr", "l2r-lr-dual", "l1r-lr");
    /** Solvers of {@code liblinear} for regression. */
    static final List<String> LIBLINEAR_REGRESSORS = List.of("l2r-l2loss-svr", "l2r-l2loss-svr-dual", "l2r-l1loss-svr-dual");

    private static final ParamSpec SEED = integer("seed", 12345, 0, MAX_SEED, "random seed: the same data, parameters and seed give the same model");
    private static final ParamSpec EPOCHS = integer("epochs", 10, 1, 1000, "passes over the training rows");
    private static final ParamSpec LEARNING_RATE = number("learningRate", 1.0, 1e-6, 100, "AdaGrad initial learning rate");
    private static final ParamSpec MINIBATCH = integer("minibatchSize", 1, 1, 100_000, "rows per gradient step");
    private static final ParamSpec MAX_DEPTH = integer("maxDepth", 10, 1, 64, "deepest a tree may grow");
    private static final ParamSpec MIN_CHILD_WEIGHT = number("minChildWeight", 5.0, 1e-6, 1e9,
            "smallest total example weight (row count, unweighted) a leaf may hold");

    private static final Map<Algorithm, List<ParamSpec>> TABLE = Map.of(
            Algorithm.LOGISTIC_REGRESSION, List.of(EPOCHS, LEARNING_RATE, MINIBATCH, SEED),
            Algorithm.LINEAR_REGRESSION, List.of(EPOCHS, LEARNING_RATE, MINIBATCH,
                    string("loss", "squared", List.of("squared", "absolute", "huber"), "training loss"), SEED),
            Algorithm.LIBLINEAR, List.of(
                    new ParamSpec("type", STRING, null, null, null,
                            concat(LIBLINEAR_CLASSIFIERS, LIBLINEAR_REGRESSORS),
                            "LIBLINEAR solver; default l2r-lr (classification: l2r-lr, l2r-lr-dual, l1r-lr — the ones that give"
                                    + " probabilities) or l2r-l2loss-svr (regression: l2r-l2loss-svr, l2r-l2loss-svr-dual,"
                                    + " l2r-l1loss-svr-dual)"),
                    number("cost", 1.0, 1e-6, 1e6, "inverse regularisation strength C"),
                    number("epsilon", 0.01, 1e-9, 10, "stopping tolerance"),
                    integer("maxIterations", 1000, 1, 1_000_000, "solver iteration limit"),
                    number("svrEpsilon", 0.1, 0, 1e6, "regression only: width of the insensitive tube"),
                    SEED),
            Algorithm.LIBSVM, List.of(
                    string("kernel", "rbf", List.of("linear", "rbf", "poly", "sigmoid"), "kernel function"),
                    number("cost", 1.0, 1e-6, 1e6, "inverse regularisation strength C"),
                    number("gamma", 0.0, 0, 1e6, "rbf/poly/sigmoid kernel coefficient; 0 means 1 / (number of model columns)"),
                    integer("degree", 3, 1, 10, "poly kernel degree"),
                    number("coef0", 0.0, -1e6, 1e6, "poly/sigmoid kernel constant"),
                    number("epsilon", 0.1, 0, 1e6, "regression only: width of the insensitive tube"),
                    SEED),
            Algorithm.FACTORIZATION_MACHINE, List.of(EPOCHS,
                    number("learningRate", 0.1, 1e-6, 100, "AdaGrad initial learning rate"), MINIBATCH,
                    integer("factors", 4, 1, 256, "size of the factorized pairwise interaction"),
                    number("variance", 0.1, 1e-6, 10, "variance of the initial factor weights"),
                    SEED),
            Algorithm.SPARSE_LINEAR, List.of(
                    string("method", "elastic-net", List.of("elastic-net", "lasso"),
                            "elastic-net: coordinate descent with alpha/l1Ratio; lasso: LARS-lasso limited to maxFeatures"),
                    number("alpha", 0.01, 1e-9, 1e6, "elastic-net: regularisation strength"),
                    number("l1Ratio", 0.5, 0, 1, "elastic-net: share of L1 in the penalty (1 = lasso, 0 = ridge)"),
                    number("tolerance", 1e-4, 1e-12, 1, "elastic-net: convergence tolerance"),
                    integer("maxIterations", 500, 1, 100_000, "elastic-net: iteration limit"),
                    integer("maxFeatures", 0, 0, 100_000, "lasso: most model columns kept; 0 means no limit"),
                    SEED),
            Algorithm.CART, List.of(MAX_DEPTH, MIN_CHILD_WEIGHT,
                    number("fractionFeaturesInSplit", 1.0, 1e-6, 1, "share of the model columns considered at each split"),
                    SEED),
            Algorithm.RANDOM_FOREST, List.of(
                    integer("trees", 50, 1, 1000, "number of trees (each on a bootstrap sample); outputs are averaged"),
                    MAX_DEPTH, MIN_CHILD_WEIGHT,
                    number("fractionFeaturesInSplit", 0.5, 1e-6, 1, "share of the model columns considered at each split"),
                    SEED));

    private AlgorithmParams() {}

    /**
     * @param algorithm an algorithm
     * @return its hyper-parameters, in documentation order
     */
    public static List<ParamSpec> of(Algorithm algorithm) {
        return TABLE.get(algorithm);
    }

    /**
     * The default of a parameter for a task; differs from {@link ParamSpec#defaultValue()} only where the table
     * leaves it null (liblinear's {@code type}).
     *
     * @param algorithm the algorithm
     * @param task the spec's task
     * @param param one of {@code of(algorithm)}
     * @return the value a spec gets when it leaves the parameter out
     */
    public static Object defaultFor(Algorithm algorithm, Task task, ParamSpec param) {
        if (algorithm == Algorithm.LIBLINEAR && param.name().equals("type")) {
            return task == Task.CLASSIFICATION ? LIBLINEAR_CLASSIFIERS.get(0) : LIBLINEAR_REGRESSORS.get(0);
        }
        return param.defaultValue();
    }

    /**
     * @param algorithm the algorithm
     * @param task the spec's task
     * @param param a parameter of the algorithm
     * @param value a value within the table's range
     * @return why that value does not fit the task, or null when it does
     */
    static String taskProblem(Algorithm algorithm, Task task, String param, Object value) {
        if (algorithm == Algorithm.LIBLINEAR && param.equals("type")) {
            var allowed = task == Task.CLASSIFICATION ? LIBLINEAR_CLASSIFIERS : LIBLINEAR_REGRESSORS;
            if (!allowed.contains(value)) {
                return "'" + value + "' is not a " + task.manifestName() + " solver; use one of " + allowed;
            }
        }
        return null;
    }

    /**
     * @param params a candidate's filled-in parameters
     * @param name an integer parameter
     * @return its value
     * @throws IllegalArgumentException when absent or not a number
     */
    public static int intValue(Map<String, Object> params, String name) {
        return Math.toIntExact(number(params, name).longValue());
    }

    /**
     * @param params a candidate's filled-in parameters
     * @param name an integer parameter (e.g. {@code seed})
     * @return its value
     * @throws IllegalArgumentException when absent or not a number
     */
    public static long longValue(Map<String, Object> params, String name) {
        return number(params, name).longValue();
    }

    /**
     * @param params a candidate's filled-in parameters
     * @param name a number parameter
     * @return its value
     * @throws IllegalArgumentException when absent or not a number
     */
    public static double doubleValue(Map<String, Object> params, String name) {
        return number(params, name).doubleValue();
    }

    /**
     * @param params a candidate's filled-in parameters
     * @param name a string parameter
     * @return its value
     * @throws IllegalArgumentException when absent or not a string
     */
    public static String stringValue(Map<String, Object> params, String name) {
        if (params.get(name) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("parameter '" + name + "' is missing or not a string: " + params.get(name));
    }

    private static Number number(Map<String, Object> params, String name) {
        if (params.get(name) instanceof Number n) {
            return n;
        }
        throw new IllegalArgumentException("parameter '" + name + "' is missing or not a number: " + params.get(name));
    }

    private static ParamSpec integer(String name, long defaultValue, double min, double max, String description) {
        Object value = name.equals("seed") ? (Object) defaultValue : (Object) Math.toIntExact(defaultValue);
        return new ParamSpec(name, INTEGER, value, min, max, null, description);
    }

    private static ParamSpec number(String name, double defaultValue, double min, double max, String description) {
        return new ParamSpec(name, NUMBER, defaultValue, min, max, null, description);
    }

    private static ParamSpec string(String name, String defaultValue, List<String> values, String description) {
        return new ParamSpec(name, STRING, defaultValue, null, null, values, description);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
