package io.mlserve.tribuo;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Scores rows with ONNX Runtime the way mlserve does: one {@code [N, F]} float tensor in manifest feature order. */
final class OrtScorer implements AutoCloseable {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private final OrtSession session;
    private final List<String> features;
    private final List<String> labels;

    OrtScorer(byte[] onnx, JsonNode manifest) throws OrtException {
        try (var options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            this.session = ENV.createSession(onnx, options);
        }
        this.features = List.copyOf(manifest.get("features").findValuesAsText("name"));
        this.labels = new ArrayList<>();
        manifest.get("output").get("labels").forEach(l -> labels.add(l.asText()));
    }

    List<String> features() {
        return features;
    }

    List<String> labels() {
        return labels;
    }

    /** @return probability rows, columns in manifest label order */
    float[][] score(float[][] rows) throws OrtException {
        try (var tensor = OnnxTensor.createTensor(ENV, rows);
                var result = session.run(Map.of("input", tensor))) {
            return (float[][]) result.get("output").orElseThrow().getValue();
        }
    }

    /** @return one row per instance, columns in manifest feature order */
    float[][] rows(JsonNode instances) {
        var rows = new float[instances.size()][];
        for (int i = 0; i < rows.length; i++) {
            var row = new float[features.size()];
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) instances.get(i).get(features.get(j)).asDouble();
            }
            rows[i] = row;
        }
        return rows;
    }

    String label(float[] probabilities) {
        int best = 0;
        for (int k = 1; k < probabilities.length; k++) {
            if (probabilities[k] > probabilities[best]) {
                best = k;
            }
        }
        return labels.get(best);
    }

    long[] inputShape() throws OrtException {
        return ((TensorInfo) session.getInputInfo().get("input").getInfo()).getShape();
    }

    long[] outputShape() throws OrtException {
        NodeInfo output = session.getOutputInfo().get("output");
        return ((TensorInfo) output.getInfo()).getShape();
    }

    Set<String> inputNames() {
        return session.getInputNames();
    }

    Map<String, String> customMetadata() throws OrtException {
        return session.getMetadata().getCustomMetadata();
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
