package io.mlserve.tribuo;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.core.model.InputSpec;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import io.mlserve.core.training.Algorithm;
import io.mlserve.core.training.AlgorithmParams;
import io.mlserve.core.training.CandidateFailedException;
import io.mlserve.core.training.DataSplit;
import io.mlserve.core.training.Metrics;
import io.mlserve.core.training.TrainedModel;
import io.mlserve.core.training.Trainer;
import io.mlserve.core.training.TrainingSpec;
import io.mlserve.core.training.TrainingTable;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.liblinear.LibLinearClassificationTrainer;
import org.tribuo.classification.liblinear.LinearClassificationType;
import org.tribuo.classification.libsvm.LibSVMClassificationModel;
import org.tribuo.classification.libsvm.LibSVMClassificationTrainer;
import org.tribuo.classification.libsvm.SVMClassificationType;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.common.libsvm.KernelType;
import org.tribuo.common.libsvm.SVMParameters;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.liblinear.LibLinearRegressionTrainer;
import org.tribuo.regression.liblinear.LinearRegressionType;
import org.tribuo.regression.libsvm.LibSVMRegressionTrainer;
import org.tribuo.regression.libsvm.SVMRegressionType;
import org.tribuo.regression.sgd.RegressionObjective;
import org.tribuo.regression.sgd.fm.FMRegressionTrainer;
import org.tribuo.regression.sgd.objectives.AbsoluteLoss;
import org.tribuo.regression.sgd.objectives.Huber;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.regression.slm.ElasticNetCDTrainer;
import org.tribuo.regression.slm.LARSLassoTrainer;

/**
 * The core's {@link Trainer} port on Tribuo 4.3.2: fits one candidate on the split's train rows and writes it as the
 * per-feature ONNX graph of the training contract ({@link GraphComposer}) with the core's {@link ModelManifest}.
 *
 * <p>Recipe: learn the {@link FeatureEncoding} on the train rows (numeric features standardised for every algorithm but
 * the trees; string features one-hot); for regression with a non-tree algorithm also standardise the target (undone in
 * the graph); build a Tribuo dataset; train with a freshly built Tribuo trainer at {@code invocationCount 0} and the
 * candidate's seed, so the same data, parameters and seed give the same model; export the inner graph (Tribuo's own
 * {@link ONNXExportable#exportONNXModel}, {@link TreeEnsembleExporter} for cart/random-forest, or
 * {@link BinarySvmExporter} for two-class libsvm) and compose it.
 * {@link TrainedModel#heldOutOutputs()} are Tribuo's own outputs on the test rows and the manifest metrics are
 * {@link Metrics#compute} on them.
 *
 * <p>N.B. the graph computes in 32-bit floats: compare ONNX with {@code heldOutOutputs} with a tolerance relative to
 * the value ({@code |a − b| ≤ 1e-5 · max(1, |b|)}) — a regression value of 300,000 has a float spacing of 0.03.
 */
public final class TribuoModelTrainer implements Trainer {
    /** {@code producedBy.trainer} of every manifest this trainer writes. */
    public static final String TRAINER_NAME = "mlserve-tribuo";
    /** ONNX {@code domain} of trained graphs. */
    public static final String ONNX_DOMAIN = "io.mlserve";
    /** ONNX metadata key: the model's input columns in inner (Tribuo feature id) order, as a JSON array. */
    public static final String METADATA_COLUMNS = "mlserve.columns";
    /** ONNX metadata key: the labels in output column order, as a JSON array (classification). */
    public static final String METADATA_LABELS = "mlserve.labels";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** AdaGrad's epsilon, Tribuo's default. */
    private static final double ADAGRAD_EPSILON = 0.1;
    /** SGD loss logging off. */
    private static final int NO_LOGGING = -1;

    private final Clock clock;

    /** Uses the system clock for {@code createdAt}. */
    public TribuoModelTrainer() {
        this(Clock.systemUTC());
    }

    /** @param clock source of {@code createdAt} */
    public TribuoModelTrainer(Clock clock) {
        this.clock = clock;
    }

    @Override
    public TrainedModel train(TrainingSpec spec, TrainingSpec.Candidate candidate, TrainingTable table, DataSplit split, String name) {
        Algorithm algorithm = candidate.algorithm();
        if (!algorithm.tasks().contains(spec.task())) {
            throw new CandidateFailedException(algorithm.specName() + " cannot do " + spec.task().manifestName(), null);
        }
        boolean tree = isTree(algorithm);
        var encoding = FeatureEncoding.learn(spec.features(), table, split.train(), !tree);
        GraphComposer.TargetScale targetScale = spec.task() == Task.REGRESSION && !tree ? targetScale(table, split.train()) : null;
        try {
            return spec.task() == Task.CLASSIFICATION
                    ? fit(spec, candidate, table, split, name, encoding, null, new LabelFactory(), classifier(candidate, encoding))
                    : fit(spec, candidate, table, split, name, encoding, targetScale, new RegressionFactory(),
                            regressor(candidate, encoding));
        } catch (CandidateFailedException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            throw new CandidateFailedException(algorithm.specName() + " failed: " + describe(e), e);
        }
    }

    private <T extends Output<T>> TrainedModel fit(TrainingSpec spec, TrainingSpec.Candidate candidate, TrainingTable table,
            DataSplit split, String name, FeatureEncoding encoding, GraphComposer.TargetScale targetScale,
            OutputFactory<T> factory, org.tribuo.Trainer<T> trainer) {
        List<Example<T>> train = TribuoModelTrainer.<T>examples(spec, table, split.train(), encoding, targetScale);
        var dataset = new MutableDataset<>(new ListDataSource<>(train, factory,
                new SimpleDataSourceProvenance("training table (" + spec.data() + ")", factory)));

        long start = System.nanoTime();
        // invocationCount 0 restarts the trainer's RNG: the same data, parameters and seed give the same model.
        Model<T> model = trainer.train(dataset, Map.of(), 0);
        long trainingMs = (System.nanoTime() - start) / 1_000_000;

        List<Example<T>> test = TribuoModelTrainer.<T>examples(spec, table, split.test(), encoding, targetScale);
        var predictions = model.predict(test);
        List<Object> labels = new ArrayList<>();
        double[][] outputs = new double[test.size()][];
        if (spec.task() == Task.CLASSIFICATION) {
            var info = model.getOutputIDInfo();
            for (int k = 0; k < info.size(); k++) {
                labels.add(((Label) info.getOutput(k)).getLabel());
            }
            // Tribuo's trees say no, yet their leaves hold class distributions (what TreeEnsembleExporter writes)
            if (!model.generatesProbabilities() && !isTree(candidate.algorithm())) {
                throw new CandidateFailedException(candidate.algorithm().specName() + " gives no class probabilities", null);
            }
            for (int i = 0; i < outputs.length; i++) {
                var scores = predictions.get(i).getOutputScores();
                outputs[i] = new double[labels.size()];
                for (int k = 0; k < labels.size(); k++) {
                    Output<?> score = scores.get((String) labels.get(k));
                    outputs[i][k] = score == null ? 0 : ((Label) score).getScore();
                }
            }
        } else {
            for (int i = 0; i < outputs.length; i++) {
                double v = ((Regressor) predictions.get(i).getOutput()).getValues()[0];
                outputs[i] = new double[] {targetScale == null ? v : v * targetScale.std() + targetScale.mean()};
            }
        }
        requireFinite(candidate.algorithm(), outputs);

        List<String> innerColumns = new ArrayList<>();
        var featureMap = model.getFeatureIDMap();
        for (int j = 0; j < featureMap.size(); j++) {
            innerColumns.add(featureMap.get(j).getName());
        }
        OnnxMl.ModelProto inner = candidate.algorithm() == Algorithm.LIBSVM && labels.size() == 2
                && model instanceof LibSVMClassificationModel svm
                // ONNX Runtime's SVMClassifier has its own two-class probabilities; LIBSVM's are Platt's sigmoid
                ? BinarySvmExporter.export(svm, ONNX_DOMAIN)
                : innerGraph(candidate.algorithm(), model);
        if (candidate.algorithm() == Algorithm.LIBLINEAR && labels.size() == 2) {
            inner = halveSoftmaxInput(inner);
        }
        var metadata = new LinkedHashMap<String, String>();
        metadata.put(METADATA_COLUMNS, json(innerColumns));
        if (spec.task() == Task.CLASSIFICATION) {
            metadata.put(METADATA_LABELS, json(labels));
        }
        byte[] onnx = GraphComposer.compose(encoding, innerColumns, inner, targetScale, metadata).toByteArray();

        var actual = new ArrayList<Object>();
        for (int row : split.test()) {
            actual.add(table.actual(row));
        }
        var metrics = Metrics.compute(spec.task(), actual, TrainedPredictions.of(spec.task(), labels, outputs));
        var manifest = new ModelManifest(1, name, TrainedModel.UNASSIGNED_VERSION, spec.task(),
                candidate.algorithm().specName() + " trained by " + TRAINER_NAME + " (Tribuo " + Tribuo.VERSION + ") on "
                        + split.train().length + " rows; metrics on " + split.test().length + " held-out rows",
                spec.features(),
                new InputSpec(InputSpec.Layout.PER_FEATURE, null, null, null),
                spec.task() == Task.CLASSIFICATION
                        ? new OutputSpec(labels, GraphComposer.OUTPUT, null, null, null)
                        : new OutputSpec(null, null, null, GraphComposer.OUTPUT, null),
                metrics,
                OnnxModelExporter.sha256(onnx),
                clock.instant().truncatedTo(ChronoUnit.SECONDS).toString(),
                producedBy(candidate, model, encoding, targetScale, split),
                null);
        return new TrainedModel(onnx, manifest, outputs, trainingMs);
    }

    /**
     * Tribuo 4.3.2 exports a binary LIBLINEAR logistic model as {@code softmax([z, −z])} = sigmoid(2z) while it predicts
     * sigmoid(z) (LIBLINEAR's own probability); halving the Softmax input makes the graph give sigmoid(z).
     */
    static OnnxMl.ModelProto halveSoftmaxInput(OnnxMl.ModelProto inner) {
        var graph = inner.getGraph().toBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            var node = graph.getNode(i);
            if (node.getOpType().equals("Softmax")) {
                String logits = node.getInput(0);
                String halved = logits + "/halved";
                graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName("mlserve_half")
                        .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addDims(1).addFloatData(0.5f));
                graph.setNode(i, node.toBuilder().setInput(0, halved));
                graph.addNode(i, OnnxMl.NodeProto.newBuilder().setOpType("Mul").setName("mlserve_halve")
                        .addInput(logits).addInput("mlserve_half").addOutput(halved));
                return inner.toBuilder().setGraph(graph).build();
            }
        }
        throw new CandidateFailedException("liblinear's exported graph has no Softmax to correct", null);
    }

    private static boolean isTree(Algorithm algorithm) {
        return algorithm == Algorithm.CART || algorithm == Algorithm.RANDOM_FOREST;
    }

    private static OnnxMl.ModelProto innerGraph(Algorithm algorithm, Model<?> model) {
        if (algorithm == Algorithm.CART || algorithm == Algorithm.RANDOM_FOREST) {
            return TreeEnsembleExporter.export(model, ONNX_DOMAIN, 0);
        }
        if (!(model instanceof ONNXExportable exportable)) {
            throw new CandidateFailedException(algorithm.specName() + " produced a model that cannot be written as ONNX", null);
        }
        return exportable.exportONNXModel(ONNX_DOMAIN, 0);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Output<T>> List<Example<T>> examples(TrainingSpec spec, TrainingTable table, int[] rows,
            FeatureEncoding encoding, GraphComposer.TargetScale targetScale) {
        var out = new ArrayList<Example<T>>(rows.length);
        var names = new ArrayList<String>();
        var values = new ArrayList<Double>();
        for (int row : rows) {
            names.clear();
            values.clear();
            encoding.encode(table.cells(row, spec.features()), names, values);
            Output<?> output;
            if (spec.task() == Task.CLASSIFICATION) {
                output = new Label((String) table.actual(row));
            } else {
                double y = (Double) table.actual(row);
                output = new Regressor(spec.target(), targetScale == null ? y : (y - targetScale.mean()) / targetScale.std());
            }
            double[] v = new double[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = values.get(i);
            }
            out.add(new ArrayExample<>((T) output, names.toArray(String[]::new), v));
        }
        return out;
    }

    private static GraphComposer.TargetScale targetScale(TrainingTable table, int[] train) {
        double sum = 0;
        double sumSq = 0;
        for (int row : train) {
            double y = (Double) table.actual(row);
            sum += y;
            sumSq += y * y;
        }
        double mean = sum / train.length;
        double std = Math.sqrt(Math.max(0, sumSq / train.length - mean * mean));
        float s = (float) std;
        return new GraphComposer.TargetScale((float) mean, s > 0 && Float.isFinite(s) ? s : 1f);
    }

    private static org.tribuo.Trainer<Label> classifier(TrainingSpec.Candidate candidate, FeatureEncoding encoding) {
        var p = candidate.params();
        long seed = AlgorithmParams.longValue(p, "seed");
        return switch (candidate.algorithm()) {
            case LOGISTIC_REGRESSION -> new org.tribuo.classification.sgd.linear.LinearSGDTrainer(new LogMulticlass(),
                    adaGrad(p), AlgorithmParams.intValue(p, "epochs"), NO_LOGGING, AlgorithmParams.intValue(p, "minibatchSize"), seed);
            case LIBLINEAR -> new LibLinearClassificationTrainer(
                    new LinearClassificationType(LinearClassificationType.LinearType.valueOf(solver(p))),
                    AlgorithmParams.doubleValue(p, "cost"), AlgorithmParams.intValue(p, "maxIterations"),
                    AlgorithmParams.doubleValue(p, "epsilon"), seed);
            case LIBSVM -> {
                var svm = svmParameters(new SVMParameters<>(new SVMClassificationType(SVMClassificationType.SVMMode.C_SVC),
                        kernel(p)), p, encoding);
                svm.setProbability();
                yield new LibSVMClassificationTrainer(svm, seed);
            }
            case FACTORIZATION_MACHINE -> new FMClassificationTrainer(new LogMulticlass(), adaGrad(p),
                    AlgorithmParams.intValue(p, "epochs"), NO_LOGGING, AlgorithmParams.intValue(p, "minibatchSize"), seed,
                    AlgorithmParams.intValue(p, "factors"), AlgorithmParams.doubleValue(p, "variance"));
            case CART, RANDOM_FOREST -> TreeTrainers.classification(candidate.algorithm(), p);
            default -> throw new CandidateFailedException(candidate.algorithm().specName() + " cannot do classification", null);
        };
    }

    private static org.tribuo.Trainer<Regressor> regressor(TrainingSpec.Candidate candidate, FeatureEncoding encoding) {
        var p = candidate.params();
        long seed = AlgorithmParams.longValue(p, "seed");
        return switch (candidate.algorithm()) {
            case LINEAR_REGRESSION -> new org.tribuo.regression.sgd.linear.LinearSGDTrainer(loss(p), adaGrad(p),
                    AlgorithmParams.intValue(p, "epochs"), NO_LOGGING, AlgorithmParams.intValue(p, "minibatchSize"), seed);
            case LIBLINEAR -> new LibLinearRegressionTrainer(
                    new LinearRegressionType(LinearRegressionType.LinearType.valueOf(solver(p))),
                    AlgorithmParams.doubleValue(p, "cost"), AlgorithmParams.intValue(p, "maxIterations"),
                    AlgorithmParams.doubleValue(p, "epsilon"), AlgorithmParams.doubleValue(p, "svrEpsilon"), seed);
            case LIBSVM -> {
                var svm = svmParameters(new SVMParameters<>(new SVMRegressionType(SVMRegressionType.SVMMode.EPSILON_SVR),
                        kernel(p)), p, encoding);
                svm.setEpsilon(AlgorithmParams.doubleValue(p, "epsilon"));
                yield new LibSVMRegressionTrainer(svm, false, seed);
            }
            case FACTORIZATION_MACHINE -> new FMRegressionTrainer(new SquaredLoss(), adaGrad(p),
                    AlgorithmParams.intValue(p, "epochs"), NO_LOGGING, AlgorithmParams.intValue(p, "minibatchSize"), seed,
                    AlgorithmParams.intValue(p, "factors"), AlgorithmParams.doubleValue(p, "variance"), false);
            case SPARSE_LINEAR -> AlgorithmParams.stringValue(p, "method").equals("lasso")
                    ? new LARSLassoTrainer(AlgorithmParams.intValue(p, "maxFeatures") == 0 ? -1 : AlgorithmParams.intValue(p, "maxFeatures"))
                    : new ElasticNetCDTrainer(AlgorithmParams.doubleValue(p, "alpha"), AlgorithmParams.doubleValue(p, "l1Ratio"),
                            AlgorithmParams.doubleValue(p, "tolerance"), AlgorithmParams.intValue(p, "maxIterations"), false, seed);
            case CART, RANDOM_FOREST -> TreeTrainers.regression(candidate.algorithm(), p);
            default -> throw new CandidateFailedException(candidate.algorithm().specName() + " cannot do regression", null);
        };
    }

    private static AdaGrad adaGrad(Map<String, Object> p) {
        return new AdaGrad(AlgorithmParams.doubleValue(p, "learningRate"), ADAGRAD_EPSILON);
    }

    private static RegressionObjective loss(Map<String, Object> p) {
        return switch (AlgorithmParams.stringValue(p, "loss")) {
            case "absolute" -> new AbsoluteLoss();
            case "huber" -> new Huber();
            default -> new SquaredLoss();
        };
    }

    private static String solver(Map<String, Object> p) {
        return AlgorithmParams.stringValue(p, "type").toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    private static KernelType kernel(Map<String, Object> p) {
        return KernelType.valueOf(AlgorithmParams.stringValue(p, "kernel").toUpperCase(java.util.Locale.ROOT));
    }

    private static <T extends Output<T>> SVMParameters<T> svmParameters(SVMParameters<T> svm, Map<String, Object> p,
            FeatureEncoding encoding) {
        svm.setCost(AlgorithmParams.doubleValue(p, "cost"));
        double gamma = AlgorithmParams.doubleValue(p, "gamma");
        svm.setGamma(gamma > 0 ? gamma : 1.0 / encoding.columns().size());
        svm.setDegree(AlgorithmParams.intValue(p, "degree"));
        svm.setCoeff(AlgorithmParams.doubleValue(p, "coef0"));
        return svm;
    }

    private static void requireFinite(Algorithm algorithm, double[][] outputs) {
        for (double[] row : outputs) {
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    throw new CandidateFailedException(algorithm.specName() + " diverged: its outputs on the held-out rows"
                            + " are NaN or infinite (try a smaller learningRate or fewer epochs)", null);
                }
            }
        }
    }

    private ObjectNode producedBy(TrainingSpec.Candidate candidate, Model<?> model, FeatureEncoding encoding,
            GraphComposer.TargetScale targetScale, DataSplit split) {
        ObjectNode p = MAPPER.createObjectNode();
        p.put("trainer", TRAINER_NAME);
        p.put("tribuo", Tribuo.VERSION);
        p.put("algorithm", candidate.algorithm().specName());
        p.set("params", MAPPER.valueToTree(candidate.params()));
        p.put("seed", AlgorithmParams.longValue(candidate.params(), "seed"));
        p.put("tribuoModel", model.getClass().getSimpleName());
        p.put("trainRows", split.train().length);
        p.put("testRows", split.test().length);
        ObjectNode enc = p.putObject("encoding");
        enc.put("numeric", encoding.standardise() ? "standardised with the train rows' mean and std" : "as given (float)");
        ObjectNode scale = enc.putObject("scale");
        var cats = enc.putObject("categories");
        for (int i = 0; i < encoding.features().size(); i++) {
            var f = encoding.features().get(i);
            if (f.type().isNumeric()) {
                if (encoding.standardise()) {
                    scale.putObject(f.name()).put("mean", encoding.mean()[i]).put("std", encoding.std()[i]);
                }
            } else {
                cats.set(f.name(), MAPPER.valueToTree(encoding.categories().get(f.name())));
            }
        }
        enc.put("unseenCategory", "all one-hot columns 0");
        if (targetScale != null) {
            enc.putObject("target").put("mean", targetScale.mean()).put("std", targetScale.std());
        }
        return p;
    }

    private static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return (message == null || message.isBlank()) ? e.getClass().getSimpleName() : message;
    }
}
