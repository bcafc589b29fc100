package io.mlserve.tribuo;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.common.tree.Node;
import org.tribuo.common.tree.SplitNode;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.rtree.IndependentRegressionTreeModel;

/**
 * Generated rows for the tree tests, and ONNX Runtime scoring in the graph contract's column order.
 *
 * <p>Feature names are listed in "CSV order"; Tribuo numbers them sorted as strings, so the graph's
 * column order differs. Values are floats (the graph's input type): integers, quarter steps, eighths,
 * a three-valued feature (many rows sit exactly on its thresholds), arbitrary float bits (thresholds
 * between them are not float-exact) and a mostly-zero feature that is left OUT of the Tribuo example
 * when zero (sparse: absent = 0).
 */
final class TreeData {
    static final String[] FEATURES = {"tenure", "age", "score", "b", "a10", "a2"};
    static final String SPARSE_FEATURE = "a2";
    static final List<String> CLASSES = List.of("low", "mid", "high");
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private TreeData() {}

    /** One generated row: feature values (floats, as doubles) by name, and its latent score. */
    record Row(Map<String, Double> values, double latent) {}

    static List<Row> rows(int count, long seed) {
        var random = new Random(seed);
        var rows = new ArrayList<Row>();
        for (int i = 0; i < count; i++) {
            var v = new LinkedHashMap<String, Double>();
            v.put("tenure", (double) random.nextInt(21));
            v.put("age", random.nextInt(41) / 4.0);
            v.put("score", Math.rint(random.nextGaussian() * 16) / 8.0);
            v.put("b", (double) random.nextInt(3));
            v.put("a10", (double) random.nextFloat());
            v.put("a2", random.nextDouble() < 0.7 ? 0.0 : 1 + random.nextInt(17) / 4.0);
            double latent = v.get("tenure") / 10 + v.get("b") - v.get("age") / 5 + 2 * v.get("a10")
                    + v.get("score") / 2 + (v.get("a2") > 0 ? 0.5 : 0) + random.nextGaussian() * 0.4;
            rows.add(new Row(v, latent));
        }
        return rows;
    }

    static String classOf(Row row, int classes) {
        if (classes == 2) {
            return row.latent() > 1.2 ? "yes" : "no";
        }
        return row.latent() < 0.6 ? CLASSES.get(0) : row.latent() < 1.8 ? CLASSES.get(1) : CLASSES.get(2);
    }

    static MutableDataset<Label> classificationData(List<Row> rows, int classes) {
        var factory = new LabelFactory();
        var data = new MutableDataset<>(new SimpleDataSourceProvenance("generated", factory), factory);
        rows.forEach(r -> data.add(example(new Label(classOf(r, classes)), r.values())));
        return data;
    }

    static MutableDataset<Regressor> regressionData(List<Row> rows) {
        var factory = new RegressionFactory();
        var data = new MutableDataset<>(new SimpleDataSourceProvenance("generated", factory), factory);
        rows.forEach(r -> data.add(example(new Regressor("target", 10 * r.latent()), r.values())));
        return data;
    }

    static <T extends Output<T>> Example<T> example(T output, Map<String, Double> values) {
        var example = new ArrayExample<>(output);
        values.forEach((name, value) -> {
            if (!(name.equals(SPARSE_FEATURE) && value == 0.0)) {
                example.add(name, value);
            }
        });
        return example;
    }

    static <T extends Output<T>> List<Example<T>> examples(List<Row> rows, OutputFactory<T> factory) {
        return rows.stream().map(r -> example(factory.getUnknownOutput(), r.values())).toList();
    }

    /**
     * Rows that sit exactly on (or, for a threshold that is not a float, at the nearest float to), just
     * below and just above every split threshold of the model, each built from a base row with that one
     * feature changed.
     */
    static List<Row> thresholdRows(Model<?> model, List<Row> bases) {
        var rows = new ArrayList<Row>();
        var splits = new ArrayList<Map.Entry<String, Double>>();
        collectSplits(model, splits);
        for (int i = 0; i < splits.size(); i++) {
            var split = splits.get(i);
            float nearest = (float) split.getValue().doubleValue();
            for (float value : new float[] {nearest, Math.nextUp(nearest), Math.nextDown(nearest)}) {
                var values = new LinkedHashMap<>(bases.get(i % bases.size()).values());
                values.put(split.getKey(), (double) value);
                rows.add(new Row(values, 0));
            }
        }
        return rows;
    }

    private static void collectSplits(Model<?> model, List<Map.Entry<String, Double>> out) {
        if (model instanceof EnsembleModel<?> ensemble) {
            ensemble.getModels().forEach(m -> collectSplits(m, out));
        } else if (model instanceof IndependentRegressionTreeModel independent) {
            independent.getRoots().values().forEach(root -> collectSplits(root, model.getFeatureIDMap(), out));
        } else {
            collectSplits(((TreeModel<?>) model).getRoot(), model.getFeatureIDMap(), out);
        }
    }

    private static void collectSplits(Node<?> node, ImmutableFeatureMap features, List<Map.Entry<String, Double>> out) {
        if (node instanceof SplitNode<?> split) {
            out.add(Map.entry(features.get(split.getFeatureID()).getName(), split.splitValue()));
            collectSplits(split.getLessThanOrEqual(), features, out);
            collectSplits(split.getGreaterThan(), features, out);
        }
    }

    /** @return rows as {@code float[N, F]}, column j = feature id j of the model */
    static float[][] matrix(Model<?> model, List<Row> rows) {
        ImmutableFeatureMap features = model.getFeatureIDMap();
        var matrix = new float[rows.size()][features.size()];
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < features.size(); j++) {
                matrix[i][j] = rows.get(i).values().get(features.get(j).getName()).floatValue();
            }
        }
        return matrix;
    }

    /** Runs the exported graph on the rows with ONNX Runtime. */
    static float[][] ort(OnnxMl.ModelProto proto, Model<?> model, List<Row> rows) throws OrtException {
        try (var options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (var session = ENV.createSession(proto.toByteArray(), options);
                    var tensor = OnnxTensor.createTensor(ENV, matrix(model, rows));
                    var result = session.run(Map.of(TreeEnsembleExporter.INPUT_NAME, tensor))) {
                return (float[][]) result.get(TreeEnsembleExporter.OUTPUT_NAME).orElseThrow().getValue();
            }
        }
    }

    /** @return Tribuo's own outputs for the rows: class probabilities in output-id order, or the value */
    static <T extends Output<T>> double[][] tribuo(Model<T> model, List<Row> rows, OutputFactory<T> factory) {
        var out = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            var prediction = model.predict(example(factory.getUnknownOutput(), rows.get(i).values()));
            if (prediction.getOutput() instanceof Regressor r) {
                out[i] = new double[] {r.getValues()[0]};
            } else {
                var info = model.getOutputIDInfo();
                out[i] = new double[info.size()];
                for (int k = 0; k < info.size(); k++) {
                    String label = ((Label) info.getOutput(k)).getLabel();
                    out[i][k] = ((Label) prediction.getOutputScores().get(label)).getScore();
                }
            }
        }
        return out;
    }
}
