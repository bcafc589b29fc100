package io.mlserve.tribuo;

import ai.onnx.proto.OnnxMl;
import io.mlserve.core.training.CandidateFailedException;
import java.util.List;
import libsvm.svm_model;
import libsvm.svm_node;
import libsvm.svm_parameter;
import org.tribuo.classification.libsvm.LibSVMClassificationModel;

/**
 * The inner graph of a two-class LIBSVM model with LIBSVM's own probabilities.
 *
 * <p>ONNX Runtime's {@code SVMClassifier} computes two-class probabilities with its own formula (up to 5e-4 away from
 * LIBSVM's). LIBSVM 3.25's {@code svm_predict_probability} for two classes is Platt's sigmoid of the decision value:
 * {@code p[label[0]] = clip(1 / (1 + exp(A·f + B)), 1e-7, 1 − 1e-7)} and {@code p[label[1]] = 1 − p[label[0]]}, with
 * {@code f = Σ sv_coef[0][i]·K(x, SV[i]) − rho[0]}. This graph computes both with standard operators in doubles, as
 * LIBSVM does (ONNX Runtime's {@code SVMRegressor} sums the kernel in floats: 6e-6 off already on 400 rows).
 *
 * <p>Contract: input {@code input} float[N, F] in Tribuo feature id order (LIBSVM node index = feature id), output
 * {@code output} float[N, 2] in Tribuo output id order.
 */
final class BinarySvmExporter {
    /** LIBSVM's min_prob in svm_predict_probability. */
    private static final float MIN_PROB = 1e-7f;

    private BinarySvmExporter() {
    }

    static OnnxMl.ModelProto export(LibSVMClassificationModel model, String domain) {
        List<svm_model> inner = model.getInnerModels();
        if (inner.size() != 1) {
            throw new CandidateFailedException("libsvm gave " + inner.size() + " models for two classes", null);
        }
        svm_model m = inner.get(0);
        if (m.nr_class != 2 || m.probA == null || m.probB == null) {
            throw new CandidateFailedException("libsvm's two-class model has no Platt probabilities", null);
        }
        int features = model.getFeatureIDMap().size();
        int l = m.l;
        // support vectors transposed, [F, L], and their squared norms, [1, L]
        double[] svT = new double[features * l];
        double[] svSquares = new double[l];
        for (int i = 0; i < l; i++) {
            for (svm_node n : m.SV[i]) {
                if (n.index >= 0 && n.index < features) {
                    svT[n.index * l + i] = n.value;
                    svSquares[i] += n.value * n.value;
                }
            }
        }
        svm_parameter p = m.param;
        var graph = OnnxMl.GraphProto.newBuilder().setName("libsvm-binary-platt");
        graph.addInput(tensorInfo("input", features));
        graph.addInitializer(doubles("sv_t", new long[] {features, l}, svT));
        graph.addInitializer(doubles("sv_coef", new long[] {l, 1}, m.sv_coef[0]));
        graph.addInitializer(doubleScalar("neg_rho", -m.rho[0]));
        graph.addNode(node("Cast", "to_double", List.of("input"), "x").addAttribute(intAttr("to",
                OnnxMl.TensorProto.DataType.DOUBLE.getNumber())));
        graph.addNode(node("MatMul", "dot", List.of("x", "sv_t"), "dot"));
        String kernel = switch (p.kernel_type) {
            case svm_parameter.LINEAR -> "dot";
            case svm_parameter.RBF -> {
                // exp(−γ·(|x|² − 2x·sv + |sv|²))
                graph.addInitializer(doubleScalar("gamma", p.gamma));
                graph.addInitializer(doubles("sv_squares", new long[] {1, l}, svSquares));
                graph.addInitializer(doubleScalar("two", 2));
                graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName("axis_1").addDims(1)
                        .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addInt64Data(1));
                graph.addNode(node("Mul", "x_sq", List.of("x", "x"), "x_sq"));
                graph.addNode(node("ReduceSum", "x_square", List.of("x_sq", "axis_1"), "x_square")
                        .addAttribute(intAttr("keepdims", 1)));
                graph.addNode(node("Mul", "two_dot", List.of("dot", "two"), "two_dot"));
                graph.addNode(node("Sub", "dist_a", List.of("x_square", "two_dot"), "dist_a"));
                graph.addNode(node("Add", "dist", List.of("dist_a", "sv_squares"), "dist_b"));
                // rounding can leave a tiny negative distance; LIBSVM's sum of squares never is
                graph.addInitializer(doubleScalar("zero", 0));
                graph.addNode(node("Max", "dist_clamp", List.of("dist_b", "zero"), "dist"));
                graph.addNode(node("Mul", "gamma_dist", List.of("dist", "gamma"), "gamma_dist"));
                graph.addNode(node("Neg", "neg_gamma_dist", List.of("gamma_dist"), "neg_gamma_dist"));
                graph.addNode(node("Exp", "rbf", List.of("neg_gamma_dist"), "kernel"));
                yield "kernel";
            }
            case svm_parameter.POLY, svm_parameter.SIGMOID -> {
                graph.addInitializer(doubleScalar("gamma", p.gamma));
                graph.addInitializer(doubleScalar("coef0", p.coef0));
                graph.addNode(node("Mul", "gamma_dot", List.of("dot", "gamma"), "gamma_dot"));
                graph.addNode(node("Add", "affine", List.of("gamma_dot", "coef0"), "affine"));
                if (p.kernel_type == svm_parameter.SIGMOID) {
                    graph.addNode(node("Tanh", "tanh", List.of("affine"), "kernel"));
                    yield "kernel";
                }
                // LIBSVM's powi: an integer power by repeated multiplication
                String power = "affine";
                for (int d = 2; d <= p.degree; d++) {
                    graph.addNode(node("Mul", "pow_" + d, List.of(power, "affine"), "pow_" + d));
                    power = "pow_" + d;
                }
                if (p.degree < 1) {
                    throw new CandidateFailedException("libsvm poly degree " + p.degree + " cannot be written as ONNX", null);
                }
                yield power;
            }
            default -> throw new CandidateFailedException("libsvm kernel " + p.kernel_type + " cannot be written as ONNX", null);
        };
        // f = Σ sv_coef·K − rho
        graph.addNode(node("MatMul", "coef_sum", List.of(kernel, "sv_coef"), "coef_sum"));
        graph.addNode(node("Add", "decision", List.of("coef_sum", "neg_rho"), "decision"));
        // p[label[0]] = clip(sigmoid(−A·f − B), 1e-7, 1 − 1e-7)
        graph.addInitializer(doubleScalar("neg_prob_a", -m.probA[0]));
        graph.addInitializer(doubleScalar("neg_prob_b", -m.probB[0]));
        graph.addInitializer(doubleScalar("min_prob", MIN_PROB));
        graph.addInitializer(doubleScalar("max_prob", 1 - MIN_PROB));
        graph.addInitializer(doubleScalar("one", 1));
        graph.addNode(node("Mul", "platt_scale", List.of("decision", "neg_prob_a"), "platt_scaled"));
        graph.addNode(node("Add", "platt_shift", List.of("platt_scaled", "neg_prob_b"), "platt_logit"));
        graph.addNode(node("Sigmoid", "platt_sigmoid", List.of("platt_logit"), "first_raw"));
        graph.addNode(node("Clip", "platt_clip", List.of("first_raw", "min_prob", "max_prob"), "first"));
        graph.addNode(node("Sub", "platt_second", List.of("one", "first"), "second"));
        // column k is Tribuo output id k; LIBSVM's label[i] holds the Tribuo id of its i-th class
        List<String> order = m.label[0] == 0 ? List.of("first", "second") : List.of("second", "first");
        graph.addNode(node("Concat", "platt_concat", order, "probabilities").addAttribute(intAttr("axis", 1)));
        graph.addNode(node("Cast", "to_float", List.of("probabilities"), "output").addAttribute(intAttr("to",
                OnnxMl.TensorProto.DataType.FLOAT.getNumber())));
        graph.addOutput(tensorInfo("output", 2));

        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("mlserve-tribuo")
                .setDomain(domain)
                .setModelVersion(0)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph)
                .build();
    }

    private static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    private static OnnxMl.TensorProto doubles(String name, long[] dims, double[] values) {
        var t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.DOUBLE.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        for (double v : values) {
            t.addDoubleData(v);
        }
        return t.build();
    }

    private static OnnxMl.TensorProto doubleScalar(String name, double value) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.DOUBLE.getNumber())
                .addDoubleData(value).build();
    }

    private static OnnxMl.NodeProto.Builder node(String op, String name, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output);
    }

    private static OnnxMl.ValueInfoProto tensorInfo(String name, int columns) {
        var shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(columns));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }
}
