package io.mlserve.tribuo;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Output;
import org.tribuo.Tribuo;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.common.tree.SplitNode;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.ensemble.WeightedEnsembleModel;
import org.tribuo.protos.core.WeightedEnsembleModelProto;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;
import org.tribuo.regression.rtree.IndependentRegressionTreeModel;

/**
 * Writes Tribuo decision trees, and averaging ensembles of them, as one {@code ai.onnx.ml}
 * TreeEnsembleClassifier / TreeEnsembleRegressor graph. Tribuo 4.3.2 cannot export trees itself.
 *
 * <p>The graph has the inner contract of Tribuo's own exports: input {@value #INPUT_NAME}
 * {@code float[N, F]}, column j = the feature with id j in {@code model.getFeatureIDMap()}; output
 * {@value #OUTPUT_NAME}: classification {@code float[N, C]} probabilities, column k =
 * {@code model.getOutputIDInfo().getOutput(k)}; regression {@code float[N, 1]}. Both orders are also in
 * the ONNX {@code metadata_props} ({@link OnnxModelExporter#METADATA_FEATURES},
 * {@link OnnxModelExporter#METADATA_LABELS}), beside Tribuo's {@code TRIBUO_PROVENANCE}.
 *
 * <p>How Tribuo's semantics are kept:
 * <ul>
 *   <li>a Tribuo split sends {@code value > threshold} to the greater-than child and everything else
 *       (including NaN) to the less-or-equal child: {@code BRANCH_LEQ}, true = less-or-equal, missing
 *       values track true;</li>
 *   <li>the float input is cast to double and the trees hold Tribuo's double thresholds and leaf
 *       values ({@code *_as_tensor} attributes): ONNX Runtime then compares exactly as Tribuo does and
 *       sums in double, rounding once, to the float output;</li>
 *   <li>an absent feature of a sparse Tribuo example is 0, which is what a dense row holds for it;</li>
 *   <li>a leaf's class distribution (classification) or value (regression) is scaled by the tree's
 *       share of the ensemble weight and the trees are summed: the average that Tribuo's
 *       {@link FullyWeightedVotingCombiner} / {@link AveragingCombiner} compute. Ensembles with any
 *       other combiner (e.g. majority votes) are refused.</li>
 * </ul>
 *
 * <p>N.B. every class gets a weight (possibly 0) at every leaf: ONNX Runtime treats a two-class
 * ensemble whose weights name only one class as a "binary case" and rewrites the scores.
 */
public final class TreeEnsembleExporter {

    /** Name of the ONNX input. */
    public static final String INPUT_NAME = OnnxModelExporter.INPUT_NAME;
    /** Name of the ONNX output (probabilities or value). */
    public static final String OUTPUT_NAME = OnnxModelExporter.OUTPUT_NAME;
    /** ONNX IR version of the written model (ONNX Runtime 1.23 reads up to 11). */
    public static final long IR_VERSION = 8;
    /** Version of the default ONNX operator set imported (the one Tribuo's exports use). */
    public static final long ONNX_OPSET = 13;
    /** Version of the {@code ai.onnx.ml} operator set imported. */
    public static final long ONNX_ML_OPSET = 3;
    /** Domain of the tree ensemble operators. */
    public static final String ML_DOMAIN = "ai.onnx.ml";

    // the classifier's arg-max label output: required by the operator, not part of the contract
    private static final String LABEL_INDEX = "label_index";
    // the trees run on doubles: exact Tribuo thresholds, and sums without float rounding
    private static final String INPUT_AS_DOUBLE = "input_as_double";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TreeEnsembleExporter() {}

    /**
     * Exports a tree model or an averaging ensemble of tree models.
     *
     * @param model a {@link TreeModel} (CART, classification or one-dimensional regression), or a
     *     {@link WeightedEnsembleModel} of them (nested ensembles allowed) combined by
     *     {@link FullyWeightedVotingCombiner} or {@link AveragingCombiner}
     * @param domain ONNX model domain, e.g. {@link OnnxModelExporter#ONNX_DOMAIN}
     * @param version ONNX model version
     * @return the ONNX model
     * @throws IllegalArgumentException for another model type, a voting ensemble, or multi-dimensional regression
     */
    public static OnnxMl.ModelProto export(Model<?> model, String domain, long version) {
        boolean classification = model.validate(Label.class);
        if (!classification && !model.validate(Regressor.class)) {
            throw new IllegalArgumentException("only Label and Regressor tree models can be exported, got "
                    + model.getOutputIDInfo().getDomain());
        }
        if (!classification && model.getOutputIDInfo().size() != 1) {
            throw new IllegalArgumentException("only one-dimensional regression can be exported, got "
                    + model.getOutputIDInfo().size() + " dimensions");
        }
        var trees = new ArrayList<WeightedTree>();
        collectTrees(model, 1.0, trees);

        var graph = new TreeEnsembleGraph(model.getFeatureIDMap(), model.getOutputIDInfo(), classification);
        for (WeightedTree tree : trees) {
            graph.addTree(tree);
        }
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(opset("", ONNX_OPSET))
                .addOpsetImport(opset(ML_DOMAIN, ONNX_ML_OPSET))
                .setProducerName("mlserve TreeEnsembleExporter")
                .setProducerVersion("tribuo " + Tribuo.VERSION)
                .setDomain(domain)
                .setModelVersion(version)
                .setDocString(model.getName() + ": " + trees.size() + " tree(s), "
                        + (classification ? "class probabilities" : "regression value"))
                .setGraph(graph.build())
                .addAllMetadataProps(metadata(model, classification))
                .build();
    }

    /** A tree, the feature map its split ids refer to, and its share of the final average. */
    private record WeightedTree(Node<?> root, ImmutableFeatureMap features, double share) {}

    private static void collectTrees(Model<?> model, double share, List<WeightedTree> out) {
        if (model instanceof IndependentRegressionTreeModel independent) {
            Map<String, Node<Regressor>> roots = independent.getRoots();
            if (roots.size() != 1) {
                throw new IllegalArgumentException("only one-dimensional regression trees can be exported, got "
                        + roots.size() + " dimensions");
            }
            out.add(new WeightedTree(roots.values().iterator().next(), model.getFeatureIDMap(), share));
        } else if (model instanceof TreeModel<?> tree) {
            out.add(new WeightedTree(tree.getRoot(), model.getFeatureIDMap(), share));
        } else if (model instanceof WeightedEnsembleModel<?> ensemble) {
            float[] weights = averagingWeights(ensemble);
            double total = 0;
            for (float w : weights) {
                total += w;
            }
            for (int i = 0; i < weights.length; i++) {
                collectTrees(ensemble.getModels().get(i), share * weights[i] / total, out);
            }
        } else {
            throw new IllegalArgumentException("not a Tribuo tree model or tree ensemble: " + model.getClass().getName());
        }
    }

    /*
     * Tribuo 4.3.2 has no getters for an ensemble's weights and combiner. Its protobuf serialisation
     * carries both but costs seconds for a forest of deep trees (every leaf's distribution is written
     * through reflection), so the two protected fields are read directly; the proto is the fallback
     * should they ever be out of reach (e.g. Tribuo on the module path).
     */
    private static float[] averagingWeights(WeightedEnsembleModel<?> ensemble) {
        String combiner;
        float[] weights;
        try {
            Field weightsField = WeightedEnsembleModel.class.getDeclaredField("weights");
            Field combinerField = WeightedEnsembleModel.class.getDeclaredField("combiner");
            weightsField.setAccessible(true);
            combinerField.setAccessible(true);
            weights = ((float[]) weightsField.get(ensemble)).clone();
            combiner = combinerField.get(ensemble).getClass().getName();
        } catch (ReflectiveOperationException | RuntimeException unreachable) {
            WeightedEnsembleModelProto proto;
            try {
                proto = ensemble.serialize().getSerializedData().unpack(WeightedEnsembleModelProto.class);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("Tribuo wrote an unreadable ensemble proto", e);
            }
            combiner = proto.getCombiner().getClassName();
            weights = new float[proto.getWeightsCount()];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = proto.getWeights(i);
            }
        }
        if (!combiner.equals(FullyWeightedVotingCombiner.class.getName())
                && !combiner.equals(AveragingCombiner.class.getName())) {
            throw new IllegalArgumentException("ensemble combiner " + combiner
                    + " does not average its members, so a tree ensemble cannot reproduce it");
        }
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0)) {
                throw new IllegalArgumentException("ensemble weight " + i + " is " + weights[i]);
            }
            total += weights[i];
        }
        if (!(total > 0) || weights.length != ensemble.getNumModels()) {
            throw new IllegalArgumentException("ensemble weights " + Arrays.toString(weights)
                    + " do not fit its " + ensemble.getNumModels() + " members");
        }
        return weights;
    }

    /** Accumulates the node and leaf attribute arrays of one TreeEnsemble operator. */
    private static final class TreeEnsembleGraph {
        private final ImmutableFeatureMap features;
        private final ImmutableOutputInfo<?> outputs;
        private final boolean classification;
        private int treeCount;

        private final List<Long> nodeTreeIds = new ArrayList<>();
        private final List<Long> nodeIds = new ArrayList<>();
        private final List<Long> nodeFeatureIds = new ArrayList<>();
        private final List<Double> nodeValues = new ArrayList<>();
        private final List<ByteString> nodeModes = new ArrayList<>();
        private final List<Long> trueNodeIds = new ArrayList<>();
        private final List<Long> falseNodeIds = new ArrayList<>();
        private final List<Long> missingTracksTrue = new ArrayList<>();
        private final List<Long> leafTreeIds = new ArrayList<>();
        private final List<Long> leafNodeIds = new ArrayList<>();
        private final List<Long> leafTargetIds = new ArrayList<>();
        private final List<Double> leafWeights = new ArrayList<>();

        TreeEnsembleGraph(ImmutableFeatureMap features, ImmutableOutputInfo<?> outputs, boolean classification) {
            this.features = features;
            this.outputs = outputs;
            this.classification = classification;
        }

        void addTree(WeightedTree tree) {
            long treeId = treeCount++;
            // ids in visiting order; children get theirs when pushed, so a split can name them
            var pending = new ArrayDeque<Map.Entry<Long, Node<?>>>();
            pending.push(Map.entry(0L, tree.root()));
            long nextId = 1;
            while (!pending.isEmpty()) {
                var entry = pending.pop();
                long id = entry.getKey();
                Node<?> node = entry.getValue();
                nodeTreeIds.add(treeId);
                nodeIds.add(id);
                if (node instanceof SplitNode<?> split) {
                    long leq = nextId++;
                    long greater = nextId++;
                    nodeFeatureIds.add((long) column(tree.features(), split.getFeatureID()));
                    nodeValues.add(split.splitValue());
                    nodeModes.add(ByteString.copyFromUtf8("BRANCH_LEQ"));
                    trueNodeIds.add(leq);
                    falseNodeIds.add(greater);
                    missingTracksTrue.add(1L); // Tribuo: NaN > t is false, so NaN goes less-or-equal
                    pending.push(Map.entry(greater, split.getGreaterThan()));
                    pending.push(Map.entry(leq, split.getLessThanOrEqual()));
                } else if (node instanceof LeafNode<?> leaf) {
                    nodeFeatureIds.add(0L);
                    nodeValues.add(0.0);
                    nodeModes.add(ByteString.copyFromUtf8("LEAF"));
                    trueNodeIds.add(0L);
                    falseNodeIds.add(0L);
                    missingTracksTrue.add(0L);
                    addLeafWeights(treeId, id, leaf, tree.share());
                } else {
                    throw new IllegalArgumentException("unknown tree node " + node.getClass().getName());
                }
            }
        }

        private void addLeafWeights(long treeId, long nodeId, LeafNode<?> leaf, double share) {
            if (classification) {
                Map<String, ? extends Output<?>> distribution = leaf.getDistribution();
                for (int k = 0; k < outputs.size(); k++) {
                    String label = ((Label) outputs.getOutput(k)).getLabel();
                    Output<?> score = distribution.get(label);
                    double p = score == null ? 0.0 : ((Label) score).getScore();
                    addLeafWeight(treeId, nodeId, k, share * p);
                }
            } else {
                addLeafWeight(treeId, nodeId, 0, share * ((Regressor) leaf.getOutput()).getValues()[0]);
            }
        }

        private void addLeafWeight(long treeId, long nodeId, int target, double weight) {
            leafTreeIds.add(treeId);
            leafNodeIds.add(nodeId);
            leafTargetIds.add((long) target);
            leafWeights.add(weight);
        }

        /* A tree's split ids refer to its own feature map; the graph's columns are the model's ids. */
        private int column(ImmutableFeatureMap treeFeatures, int treeFeatureId) {
            VariableInfo info = treeFeatures.get(treeFeatureId);
            int column = info == null ? -1 : features.getID(info.getName());
            if (column < 0) {
                throw new IllegalArgumentException("tree splits on feature id " + treeFeatureId
                        + " that the model's feature map does not hold");
            }
            return column;
        }

        OnnxMl.GraphProto build() {
            var cast = OnnxMl.NodeProto.newBuilder()
                    .setName("input_as_double")
                    .setOpType("Cast")
                    .addInput(INPUT_NAME)
                    .addOutput(INPUT_AS_DOUBLE)
                    .addAttribute(OnnxMl.AttributeProto.newBuilder()
                            .setName("to").setType(OnnxMl.AttributeProto.AttributeType.INT)
                            .setI(OnnxMl.TensorProto.DataType.DOUBLE.getNumber()));
            var node = OnnxMl.NodeProto.newBuilder()
                    .setName("tree_ensemble")
                    .setDomain(ML_DOMAIN)
                    .addInput(INPUT_AS_DOUBLE)
                    .addAttribute(ints("nodes_treeids", nodeTreeIds))
                    .addAttribute(ints("nodes_nodeids", nodeIds))
                    .addAttribute(ints("nodes_featureids", nodeFeatureIds))
                    .addAttribute(doubles("nodes_values_as_tensor", nodeValues))
                    .addAttribute(strings("nodes_modes", nodeModes))
                    .addAttribute(ints("nodes_truenodeids", trueNodeIds))
                    .addAttribute(ints("nodes_falsenodeids", falseNodeIds))
                    .addAttribute(ints("nodes_missing_value_tracks_true", missingTracksTrue))
                    .addAttribute(string("post_transform", "NONE"));
            long width;
            if (classification) {
                width = outputs.size();
                var classIds = new ArrayList<Long>();
                for (long k = 0; k < width; k++) {
                    classIds.add(k);
                }
                node.setOpType("TreeEnsembleClassifier")
                        .addOutput(LABEL_INDEX)
                        .addOutput(OUTPUT_NAME)
                        .addAttribute(ints("classlabels_int64s", classIds))
                        .addAttribute(ints("class_treeids", leafTreeIds))
                        .addAttribute(ints("class_nodeids", leafNodeIds))
                        .addAttribute(ints("class_ids", leafTargetIds))
                        .addAttribute(doubles("class_weights_as_tensor", leafWeights));
            } else {
                width = 1;
                node.setOpType("TreeEnsembleRegressor")
                        .addOutput(OUTPUT_NAME)
                        .addAttribute(OnnxMl.AttributeProto.newBuilder()
                                .setName("n_targets").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1))
                        .addAttribute(string("aggregate_function", "SUM"))
                        .addAttribute(ints("target_treeids", leafTreeIds))
                        .addAttribute(ints("target_nodeids", leafNodeIds))
                        .addAttribute(ints("target_ids", leafTargetIds))
                        .addAttribute(doubles("target_weights_as_tensor", leafWeights));
            }
            return OnnxMl.GraphProto.newBuilder()
                    .setName(classification ? "tree-ensemble-classifier" : "tree-ensemble-regressor")
                    .addNode(cast)
                    .addNode(node)
                    .addInput(floatMatrix(INPUT_NAME, features.size()))
                    .addOutput(floatMatrix(OUTPUT_NAME, width))
                    .build();
        }
    }

    private static List<OnnxMl.StringStringEntryProto> metadata(Model<?> model, boolean classification) {
        var featureNames = new ArrayList<String>();
        for (int j = 0; j < model.getFeatureIDMap().size(); j++) {
            featureNames.add(model.getFeatureIDMap().get(j).getName());
        }
        var entries = new ArrayList<OnnxMl.StringStringEntryProto>();
        try {
            entries.add(entry(OnnxModelExporter.METADATA_FEATURES, JSON.writeValueAsString(featureNames)));
            if (classification) {
                var labels = new ArrayList<String>();
                for (int k = 0; k < model.getOutputIDInfo().size(); k++) {
                    labels.add(((Label) model.getOutputIDInfo().getOutput(k)).getLabel());
                }
                entries.add(entry(OnnxModelExporter.METADATA_LABELS, JSON.writeValueAsString(labels)));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
        entries.add(entry(ONNXExportable.PROVENANCE_METADATA_FIELD,
                ONNXExportable.SERIALIZER.marshalAndSerialize(model.getProvenance())));
        return entries;
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static OnnxMl.OperatorSetIdProto opset(String domain, long version) {
        return OnnxMl.OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version).build();
    }

    private static OnnxMl.ValueInfoProto floatMatrix(String name, long columns) {
        var shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(columns));
        var tensor = OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setShape(shape);
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tensor))
                .build();
    }

    private static OnnxMl.AttributeProto ints(String name, List<Long> values) {
        return OnnxMl.AttributeProto.newBuilder()
                .setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS).addAllInts(values).build();
    }

    private static OnnxMl.AttributeProto doubles(String name, List<Double> values) {
        var tensor = OnnxMl.TensorProto.newBuilder()
                .setDataType(OnnxMl.TensorProto.DataType.DOUBLE.getNumber())
                .addDims(values.size())
                .addAllDoubleData(values);
        return OnnxMl.AttributeProto.newBuilder()
                .setName(name).setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(tensor).build();
    }

    private static OnnxMl.AttributeProto strings(String name, List<ByteString> values) {
        return OnnxMl.AttributeProto.newBuilder()
                .setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRINGS).addAllStrings(values).build();
    }

    private static OnnxMl.AttributeProto string(String name, String value) {
        return OnnxMl.AttributeProto.newBuilder()
                .setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }
}
