package io.mlserve.tribuo;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wraps an inner model graph (input {@code input} float[N, F] in Tribuo's feature-id order, output {@code output}) in
 * the per-feature front end of the training contract: one {@code [N, 1]} input per feature, of its declared type;
 * numeric → Cast float (→ Sub mean → Div std when standardised); string → ai.onnx.ml OneHotEncoder (categories seen in
 * training, {@code zeros=1}: an unseen category encodes as all zeros) → Flatten [N, K]; Concat → Gather into the inner
 * model's column order. Regression values trained on a standardised target are mapped back ({@code × std + mean}).
 *
 * <p>Every tensor and node name of the inner graph gets the prefix {@value #INNER}, so feature names can never clash
 * with Tribuo's or the tree exporter's internal names; only {@value #OUTPUT} is kept as the graph output.
 */
final class GraphComposer {
    /** The one output of every trained graph. */
    static final String OUTPUT = "output";
    static final String INNER = "inner/";
    private static final String OWN = "mlserve/";
    private static final String ML_DOMAIN = "ai.onnx.ml";
    private static final long MIN_OPSET = 13;
    private static final long MIN_IR = 7;

    private GraphComposer() {}

    /**
     * A target scaling undone in the graph: {@code value = inner × std + mean} (float arithmetic).
     *
     * @param mean target mean of the train rows
     * @param std target standard deviation of the train rows
     */
    record TargetScale(float mean, float std) {}

    /**
     * @param encoding the feature encoding the inner model was trained on
     * @param innerColumns the inner model's input columns in its order (Tribuo feature id order)
     * @param inner the inner graph
     * @param targetScale regression target scaling to undo, or null
     * @param metadata extra {@code metadata_props}
     * @return the composed model
     */
    static OnnxMl.ModelProto compose(FeatureEncoding encoding, List<String> innerColumns, OnnxMl.ModelProto inner,
            TargetScale targetScale, Map<String, String> metadata) {
        var graph = OnnxMl.GraphProto.newBuilder().setName("mlserve-trained");
        var blocks = new ArrayList<String>();
        var features = encoding.features();
        for (int i = 0; i < features.size(); i++) {
            Feature feature = features.get(i);
            graph.addInput(valueInfo(feature.onnxInputName(), elemType(feature.type()), 1));
            String in = feature.onnxInputName();
            String base = OWN + feature.name();
            if (feature.type() == FeatureType.STRING) {
                var cats = encoding.categories().get(feature.name());
                var encoder = node("OneHotEncoder", base + "/onehot", List.of(in), base + "/onehot").setDomain(ML_DOMAIN)
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("cats_strings")
                                .setType(OnnxMl.AttributeProto.AttributeType.STRINGS)
                                .addAllStrings(cats.stream().map(ByteString::copyFromUtf8).toList()))
                        .addAttribute(intAttribute("zeros", 1));
                graph.addNode(encoder);
                graph.addNode(node("Flatten", base + "/flatten", List.of(base + "/onehot"), base + "/columns")
                        .addAttribute(intAttribute("axis", 1)));
                blocks.add(base + "/columns");
            } else {
                String value = base + "/float";
                graph.addNode(node("Cast", base + "/cast", List.of(in), value)
                        .addAttribute(intAttribute("to", OnnxMl.TensorProto.DataType.FLOAT.getNumber())));
                if (encoding.standardise()) {
                    graph.addInitializer(scalar(base + "/mean", encoding.mean()[i]));
                    graph.addInitializer(scalar(base + "/std", encoding.std()[i]));
                    graph.addNode(node("Sub", base + "/center", List.of(value, base + "/mean"), base + "/centered"));
                    graph.addNode(node("Div", base + "/scale", List.of(base + "/centered", base + "/std"), base + "/scaled"));
                    value = base + "/scaled";
                }
                blocks.add(value);
            }
        }
        graph.addNode(node("Concat", OWN + "concat", blocks, OWN + "encoded").addAttribute(intAttribute("axis", 1)));

        var position = new HashMap<String, Integer>();
        var columns = encoding.columns();
        for (int c = 0; c < columns.size(); c++) {
            position.put(columns.get(c), c);
        }
        var order = OnnxMl.TensorProto.newBuilder().setName(OWN + "column_order")
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addDims(innerColumns.size());
        for (String column : innerColumns) {
            Integer at = position.get(column);
            if (at == null) {
                throw new IllegalStateException("the model has a column '" + column + "' the encoding does not produce");
            }
            order.addInt64Data(at);
        }
        graph.addInitializer(order);
        graph.addNode(node("Gather", OWN + "gather", List.of(OWN + "encoded", OWN + "column_order"), INNER + "input")
                .addAttribute(intAttribute("axis", 1)));

        var innerGraph = inner.getGraph();
        if (innerGraph.getOutputCount() != 1 || innerGraph.getInputCount() != 1) {
            throw new IllegalStateException("the inner model must have one input and one output, it has "
                    + innerGraph.getInputCount() + " and " + innerGraph.getOutputCount());
        }
        String innerIn = innerGraph.getInput(0).getName();
        String innerOut = innerGraph.getOutput(0).getName();
        var rename = new HashMap<String, String>();
        rename.put(innerIn, INNER + "input");
        for (var n : innerGraph.getNodeList()) {
            var b = n.toBuilder().clearInput().clearOutput().setName(INNER + n.getName());
            n.getInputList().forEach(t -> b.addInput(renamed(t, rename)));
            n.getOutputList().forEach(t -> b.addOutput(renamed(t, rename)));
            graph.addNode(b);
        }
        innerGraph.getInitializerList().forEach(t -> graph.addInitializer(t.toBuilder().setName(renamed(t.getName(), rename))));
        innerGraph.getValueInfoList().forEach(v -> graph.addValueInfo(v.toBuilder().setName(renamed(v.getName(), rename))));
        String last = renamed(innerOut, rename);
        var outType = innerGraph.getOutput(0).getType();
        if (targetScale != null) {
            graph.addInitializer(scalar(OWN + "target_std", targetScale.std()));
            graph.addInitializer(scalar(OWN + "target_mean", targetScale.mean()));
            graph.addNode(node("Mul", OWN + "target_scale", List.of(last, OWN + "target_std"), OWN + "target_scaled"));
            graph.addNode(node("Add", OWN + "target_shift", List.of(OWN + "target_scaled", OWN + "target_mean"), OUTPUT));
        } else {
            graph.addNode(node("Identity", OWN + "output", List.of(last), OUTPUT));
        }
        graph.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(OUTPUT).setType(outType));

        var model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(Math.max(MIN_IR, inner.getIrVersion()))
                .setProducerName("mlserve-tribuo")
                .setProducerVersion(org.tribuo.Tribuo.VERSION)
                .setDomain(inner.getDomain())
                .setModelVersion(inner.getModelVersion())
                .setGraph(graph);
        boolean hasMl = false;
        boolean hasDefault = false;
        for (var opset : inner.getOpsetImportList()) {
            if (opset.getDomain().isEmpty() || opset.getDomain().equals("ai.onnx")) {
                hasDefault = true;
                model.addOpsetImport(opset.toBuilder().setVersion(Math.max(MIN_OPSET, opset.getVersion())));
            } else {
                hasMl |= opset.getDomain().equals(ML_DOMAIN);
                model.addOpsetImport(opset);
            }
        }
        if (!hasDefault) {
            model.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(MIN_OPSET));
        }
        if (!hasMl) {
            model.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(ML_DOMAIN).setVersion(1));
        }
        model.addAllMetadataProps(inner.getMetadataPropsList());
        metadata.forEach((k, v) -> model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    private static String renamed(String tensor, Map<String, String> rename) {
        if (tensor.isEmpty()) {
            return tensor; // an omitted optional input stays omitted
        }
        return rename.computeIfAbsent(tensor, t -> INNER + t);
    }

    private static OnnxMl.NodeProto.Builder node(String op, String name, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output);
    }

    private static OnnxMl.AttributeProto intAttribute(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static OnnxMl.TensorProto scalar(String name, float value) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .addDims(1).addFloatData(value).build();
    }

    private static int elemType(FeatureType type) {
        return switch (type) {
            case FLOAT -> OnnxMl.TensorProto.DataType.FLOAT.getNumber();
            case DOUBLE -> OnnxMl.TensorProto.DataType.DOUBLE.getNumber();
            case INT64 -> OnnxMl.TensorProto.DataType.INT64.getNumber();
            case STRING -> OnnxMl.TensorProto.DataType.STRING.getNumber();
        };
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, int elemType, long columns) {
        var shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(columns));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
                .build();
    }
}
