package io.mlserve.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.mlserve.core.inference.FeatureBatch;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.Predictor;
import io.mlserve.core.inference.Decimals;
import io.mlserve.core.inference.ScoreRow;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.InputSpec;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one ONNX Runtime session for one manifest. The session is shared by all threads (ORT
 * sessions are thread-safe); every tensor and result is closed per call so native memory does not
 * grow with traffic.
 */
final class OnnxPredictor implements Predictor {
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final ModelManifest manifest;
    private final Set<String> requestedOutputs;
    /** ONNX input name → rank (1 or 2) for the per-feature layout. */
    private final Map<String, Integer> inputRanks = new HashMap<>();
    private final Map<Object, Integer> labelColumns = new HashMap<>();
    private final ThreadLocal<ByteBuffer> scratch = new ThreadLocal<>();
    /** {@code output.labels} as strings, when the model's probabilities are a float tensor read as {@link ScoreRow}s. */
    private final List<String> labelNames;

    OnnxPredictor(OrtEnvironment environment, OrtSession session, ModelManifest manifest) throws OrtException {
        this.environment = environment;
        this.session = session;
        this.manifest = manifest;
        var out = manifest.output();
        var outputs = new LinkedHashSet<String>();
        for (var name : new String[] {out.probabilities(), out.label(), out.value()}) {
            if (name != null) {
                outputs.add(name);
            }
        }
        this.requestedOutputs = Set.copyOf(outputs);
        for (var entry : session.getInputInfo().entrySet()) {
            inputRanks.put(entry.getKey(), ((TensorInfo) entry.getValue().getInfo()).getShape().length);
        }
        if (out.labels() != null) {
            var names = new ArrayList<String>();
            for (int k = 0; k < out.labels().size(); k++) {
                labelColumns.put(out.labels().get(k), k);
                names.add(String.valueOf(out.labels().get(k)));
            }
            this.labelNames = List.copyOf(names);
        } else {
            this.labelNames = null;
        }
    }

    @Override
    public List<Prediction> predict(FeatureBatch batch) {
        if (manifest.input().batch() == null) {
            return run(batch);
        }
        // The graph was exported with a fixed batch of 1: feed it row by row.
        var all = new ArrayList<Prediction>(batch.rows());
        for (int i = 0; i < batch.rows(); i++) {
            all.addAll(run(batch.slice(i, i + 1)));
        }
        return all;
    }

    private List<Prediction> run(FeatureBatch batch) {
        var inputs = new HashMap<String, OnnxTensor>();
        try {
            feed(batch, inputs);
            try (var result = session.run(inputs, requestedOutputs)) {
                return manifest.task() == Task.CLASSIFICATION
                        ? classify(result, batch.rows())
                        : regress(result, batch.rows());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on " + manifest.ref() + ": " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private void feed(FeatureBatch batch, Map<String, OnnxTensor> inputs) throws OrtException {
        int n = batch.rows();
        var features = manifest.features();
        if (manifest.input().layout() == InputSpec.Layout.TENSOR) {
            int width = features.size();
            long[] shape = {n, width};
            var bytes = scratch(n * width * (manifest.input().tensorType() == FeatureType.DOUBLE ? 8 : 4));
            if (manifest.input().tensorType() == FeatureType.DOUBLE) {
                var buffer = bytes.asDoubleBuffer();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < width; j++) {
                        buffer.put(numeric(batch, j, i));
                    }
                }
                inputs.put(manifest.input().name(), OnnxTensor.createTensor(environment, buffer.flip(), shape));
            } else {
                var buffer = bytes.asFloatBuffer();
                var columns = batch.columns();
                for (int j = 0; j < width; j++) { // column by column: one type check per column, not per cell
                    if (columns.get(j) instanceof double[] column) {
                        for (int i = 0; i < n; i++) {
                            buffer.put(i * width + j, (float) column[i]);
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            buffer.put(i * width + j, (float) numeric(batch, j, i));
                        }
                    }
                }
                buffer.position(n * width);
                inputs.put(manifest.input().name(), OnnxTensor.createTensor(environment, buffer.flip(), shape));
            }
            return;
        }
        for (int j = 0; j < features.size(); j++) {
            var feature = features.get(j);
            var name = feature.onnxInputName();
            long[] shape = inputRanks.get(name) == 1 ? new long[] {n} : new long[] {n, 1};
            inputs.put(name, switch (feature.type()) {
                case FLOAT -> {
                    var buffer = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                    for (double v : batch.doubles(j)) {
                        buffer.put((float) v);
                    }
                    yield OnnxTensor.createTensor(environment, buffer.flip(), shape);
                }
                case DOUBLE -> {
                    var buffer = ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
                    yield OnnxTensor.createTensor(environment, buffer.put(batch.doubles(j)).flip(), shape);
                }
                case INT64 -> {
                    var buffer = ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
                    yield OnnxTensor.createTensor(environment, buffer.put(batch.longs(j)).flip(), shape);
                }
                case STRING -> OnnxTensor.createTensor(environment, batch.strings(j), shape);
            });
        }
    }

    /**
     * A direct buffer for one call's input tensor, reused by the calling thread: allocating one per call
     * (zeroed native memory plus a cleaner) costs more than a small inference. ORT reads it during
     * {@code run} only, and the tensor is closed before the thread's next call.
     */
    private ByteBuffer scratch(int bytes) {
        var buffer = scratch.get();
        if (buffer == null || buffer.capacity() < bytes) {
            buffer = ByteBuffer.allocateDirect(Math.max(bytes, 4096)).order(ByteOrder.nativeOrder());
            scratch.set(buffer);
        }
        return buffer.clear().limit(bytes).slice().order(ByteOrder.nativeOrder());
    }

    private static double numeric(FeatureBatch batch, int feature, int row) {
        var column = batch.columns().get(feature);
        return column instanceof long[] longs ? longs[row] : ((double[]) column)[row];
    }

    private List<Prediction> classify(OrtSession.Result result, int n) throws OrtException {
        OutputSpec out = manifest.output();
        if (out.probabilities() != null && out.label() == null
                && result.get(out.probabilities()).orElseThrow() instanceof OnnxTensor tensor && tensor.getInfo().type == OnnxJavaType.FLOAT) {
            // the common shape (a [N, classes] float tensor): rows are views over the scores, no map or
            // float-to-decimal conversion per value unless someone reads them
            int classes = labelNames.size();
            float[] scores = new float[n * classes];
            tensor.getFloatBuffer().get(scores);
            var predictions = new ArrayList<Prediction>(n);
            for (int i = 0; i < n; i++) {
                int best = 0; // arg-max of the floats is that of their shortest decimals: the conversion keeps order
                for (int k = 1; k < classes; k++) {
                    if (scores[i * classes + k] > scores[i * classes + best]) {
                        best = k;
                    }
                }
                predictions.add(new Prediction.Classification(out.labels().get(best), new ScoreRow(labelNames, scores, i * classes)));
            }
            return predictions;
        }
        double[][] probabilities = out.probabilities() == null ? null : probabilities(result.get(out.probabilities()).orElseThrow(), n);
        Object[] labels = out.label() == null ? null : labels(result.get(out.label()).orElseThrow(), n);
        var predictions = new ArrayList<Prediction>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Double> byLabel = null;
            if (probabilities != null) {
                byLabel = new LinkedHashMap<>();
                for (int k = 0; k < out.labels().size(); k++) {
                    byLabel.put(String.valueOf(out.labels().get(k)), probabilities[i][k]);
                }
            }
            Object label = labels != null ? labels[i] : out.labels().get(argMax(probabilities[i]));
            predictions.add(new Prediction.Classification(label, byLabel));
        }
        return predictions;
    }

    /** @return probabilities per row, columns in {@code output.labels} order */
    private double[][] probabilities(OnnxValue value, int n) throws OrtException {
        int classes = manifest.output().labels().size();
        var rows = new double[n][classes];
        if (value instanceof OnnxTensor tensor) {
            boolean isDouble = tensor.getInfo().type == OnnxJavaType.DOUBLE;
            var floats = isDouble ? null : tensor.getFloatBuffer();
            var doubles = isDouble ? tensor.getDoubleBuffer() : null;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < classes; k++) {
                    rows[i][k] = isDouble ? doubles.get(i * classes + k) : clean(floats.get(i * classes + k));
                }
            }
            return rows;
        }
        // ZipMap: a sequence with one map label → probability per row.
        var maps = ((OnnxSequence) value).getValue();
        for (int i = 0; i < n; i++) {
            for (var entry : ((OnnxMap) maps.get(i)).getValue().entrySet()) {
                Integer column = labelColumns.get(OutputSpec.normalizeLabel(entry.getKey()));
                if (column == null) {
                    throw new IllegalStateException("model " + manifest.ref() + " produced label " + entry.getKey()
                            + " that output.labels does not list");
                }
                rows[i][column] = entry.getValue() instanceof Float f ? clean(f) : ((Number) entry.getValue()).doubleValue();
            }
        }
        return rows;
    }

    private static Object[] labels(OnnxValue value, int n) throws OrtException {
        var tensor = (OnnxTensor) value;
        var labels = new Object[n];
        if (tensor.getInfo().type == OnnxJavaType.INT64) {
            var buffer = tensor.getLongBuffer();
            for (int i = 0; i < n; i++) {
                labels[i] = buffer.get(i);
            }
            return labels;
        }
        Object raw = tensor.getValue();
        if (raw instanceof String[][] matrix) { // [N, 1]
            for (int i = 0; i < n; i++) {
                labels[i] = matrix[i][0];
            }
        } else {
            System.arraycopy((String[]) raw, 0, labels, 0, n);
        }
        return labels;
    }

    private List<Prediction> regress(OrtSession.Result result, int n) {
        var tensor = (OnnxTensor) result.get(manifest.output().value()).orElseThrow();
        var targets = manifest.output().targets();
        int width = manifest.output().targetCount();
        boolean isDouble = tensor.getInfo().type == OnnxJavaType.DOUBLE;
        var floats = isDouble ? null : tensor.getFloatBuffer();
        var doubles = isDouble ? tensor.getDoubleBuffer() : null;
        var predictions = new ArrayList<Prediction>(n);
        for (int i = 0; i < n; i++) {
            if (width == 1 && (targets == null || targets.isEmpty())) {
                predictions.add(new Prediction.Regression(isDouble ? doubles.get(i) : clean(floats.get(i))));
                continue;
            }
            var values = new LinkedHashMap<String, Double>();
            for (int t = 0; t < width; t++) {
                values.put(targets.get(t), isDouble ? doubles.get(i * width + t) : clean(floats.get(i * width + t)));
            }
            predictions.add(new Prediction.Regression(width == 1 ? values.values().iterator().next() : values));
        }
        return predictions;
    }

    private static int argMax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }

    /** The shortest decimal that reads back as the same float: 0.97f becomes 0.97, not 0.9700000286. */
    private static double clean(float value) {
        return Decimals.shortest(value);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not close the ONNX session of " + manifest.ref(), e);
        }
    }
}
