package io.mlserve.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.InputSpec;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.Task;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Compares a manifest with the ONNX graph's own inputs and outputs. Every problem names the ONNX
 * input or output concerned, so a user can fix the manifest or the export.
 */
final class SignatureCheck {
    private SignatureCheck() {}

    static List<String> problems(ModelManifest m, Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        var problems = new ArrayList<String>();
        if (m.input().layout() == InputSpec.Layout.TENSOR) {
            checkTensorInput(m, inputs, problems);
        } else {
            checkPerFeatureInputs(m, inputs, problems);
        }
        if (m.task() == Task.CLASSIFICATION) {
            checkClassificationOutputs(m, outputs, problems);
        } else {
            checkRegressionOutput(m, outputs, problems);
        }
        return problems;
    }

    private static void checkTensorInput(ModelManifest m, Map<String, NodeInfo> inputs, List<String> problems) {
        var name = m.input().name();
        for (var onnxInput : inputs.keySet()) {
            if (!onnxInput.equals(name)) {
                problems.add("ONNX input '" + onnxInput + "' is not fed by the manifest (input.name is '" + name + "')");
            }
        }
        var info = tensorInfo(inputs.get(name), "ONNX input '" + name + "'", problems);
        if (info == null) {
            return;
        }
        var expected = onnxType(m.input().tensorType());
        if (info.type != expected) {
            problems.add("ONNX input '" + name + "' is " + info.type + " but input.type says " + m.input().tensorType().manifestName());
        }
        long[] shape = info.getShape();
        if (shape.length != 2) {
            problems.add("ONNX input '" + name + "' has rank " + shape.length + "; the tensor layout needs [batch, features]");
            return;
        }
        int width = m.features().size();
        if (shape[1] > 0 && shape[1] != width) {
            problems.add("ONNX input '" + name + "' has " + shape[1] + " columns but the manifest lists " + width + " features");
        }
        checkBatchDimension(m, name, shape, problems);
    }

    private static void checkPerFeatureInputs(ModelManifest m, Map<String, NodeInfo> inputs, List<String> problems) {
        var fed = new HashSet<String>();
        for (Feature f : m.features()) {
            var name = f.onnxInputName();
            fed.add(name);
            var info = tensorInfo(inputs.get(name), "ONNX input '" + name + "' (feature '" + f.name() + "')", problems);
            if (info == null) {
                continue;
            }
            if (info.type != onnxType(f.type())) {
                problems.add("ONNX input '" + name + "' is " + info.type + " but feature '" + f.name() + "' is " + f.type().manifestName());
            }
            long[] shape = info.getShape();
            if (shape.length == 0 || shape.length > 2 || (shape.length == 2 && shape[1] > 1)) {
                problems.add("ONNX input '" + name + "' has shape " + java.util.Arrays.toString(shape) + "; a per-feature input must be [batch] or [batch, 1]");
                continue;
            }
            checkBatchDimension(m, name, shape, problems);
        }
        for (var onnxInput : inputs.keySet()) {
            if (!fed.contains(onnxInput)) {
                problems.add("ONNX input '" + onnxInput + "' is not fed by any manifest feature");
            }
        }
    }

    private static void checkBatchDimension(ModelManifest m, String name, long[] shape, List<String> problems) {
        Integer batch = m.input().batch();
        if (shape[0] > 0 && (batch == null || shape[0] != batch)) {
            problems.add("ONNX input '" + name + "' has a fixed batch size of " + shape[0]
                    + (batch == null ? "; export it with a dynamic batch axis or declare input.batch" : " but input.batch says " + batch));
        }
    }

    private static void checkClassificationOutputs(ModelManifest m, Map<String, NodeInfo> outputs, List<String> problems) {
        var out = m.output();
        var labelType = labelJavaType(out.labels());
        if (out.probabilities() != null) {
            var node = outputs.get(out.probabilities());
            if (node == null) {
                problems.add("output.probabilities names '" + out.probabilities() + "' but the graph has no such output " + outputs.keySet());
            } else if (node.getInfo() instanceof TensorInfo t) {
                if (t.type != OnnxJavaType.FLOAT && t.type != OnnxJavaType.DOUBLE) {
                    problems.add("ONNX output '" + out.probabilities() + "' is " + t.type + "; probabilities must be float or double");
                }
                long[] shape = t.getShape();
                if (shape.length != 2) {
                    problems.add("ONNX output '" + out.probabilities() + "' has rank " + shape.length + "; probabilities must be [batch, classes]");
                } else if (shape[1] > 0 && shape[1] != out.labels().size()) {
                    problems.add("ONNX output '" + out.probabilities() + "' has " + shape[1] + " columns but output.labels lists " + out.labels().size());
                }
            } else if (node.getInfo() instanceof SequenceInfo s && s.sequenceOfMaps) {
                if (s.mapInfo.keyType != labelType) {
                    problems.add("ONNX output '" + out.probabilities() + "' maps " + s.mapInfo.keyType + " labels but output.labels are " + labelType);
                }
                if (s.mapInfo.valueType != OnnxJavaType.FLOAT && s.mapInfo.valueType != OnnxJavaType.DOUBLE) {
                    problems.add("ONNX output '" + out.probabilities() + "' maps labels to " + s.mapInfo.valueType + "; expected float probabilities");
                }
            } else {
                problems.add("ONNX output '" + out.probabilities() + "' is neither a tensor nor a sequence of maps (ZipMap)");
            }
        }
        if (out.label() != null) {
            var info = tensorInfo(outputs.get(out.label()), "ONNX output '" + out.label() + "' (output.label)", problems);
            if (info != null) {
                if (info.type != labelType) {
                    problems.add("ONNX output '" + out.label() + "' is " + info.type + " but output.labels are " + labelType);
                }
                long[] shape = info.getShape();
                if (shape.length > 2 || (shape.length == 2 && shape[1] > 1)) {
                    problems.add("ONNX output '" + out.label() + "' must be [batch] or [batch, 1]");
                }
            }
        }
    }

    private static void checkRegressionOutput(ModelManifest m, Map<String, NodeInfo> outputs, List<String> problems) {
        var name = m.output().value();
        var info = tensorInfo(outputs.get(name), "ONNX output '" + name + "' (output.value)", problems);
        if (info == null) {
            return;
        }
        if (info.type != OnnxJavaType.FLOAT && info.type != OnnxJavaType.DOUBLE) {
            problems.add("ONNX output '" + name + "' is " + info.type + "; regression values must be float or double");
        }
        long[] shape = info.getShape();
        int targets = m.output().targetCount();
        if (shape.length == 1 && targets != 1) {
            problems.add("ONNX output '" + name + "' is one value per row but output.targets lists " + targets);
        } else if (shape.length == 2 && shape[1] > 0 && shape[1] != targets) {
            problems.add("ONNX output '" + name + "' has " + shape[1] + " values per row but output.targets lists " + targets);
        } else if (shape.length == 0 || shape.length > 2) {
            problems.add("ONNX output '" + name + "' has rank " + shape.length + "; expected [batch] or [batch, targets]");
        }
    }

    private static TensorInfo tensorInfo(NodeInfo node, String what, List<String> problems) {
        if (node == null) {
            problems.add(what + " does not exist in the graph");
            return null;
        }
        if (!(node.getInfo() instanceof TensorInfo info)) {
            problems.add(what + " is not a tensor");
            return null;
        }
        return info;
    }

    static OnnxJavaType onnxType(FeatureType type) {
        return switch (type) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT64 -> OnnxJavaType.INT64;
            case STRING -> OnnxJavaType.STRING;
        };
    }

    private static OnnxJavaType labelJavaType(List<Object> labels) {
        return labels != null && !labels.isEmpty() && labels.get(0) instanceof Long ? OnnxJavaType.INT64 : OnnxJavaType.STRING;
    }
}
