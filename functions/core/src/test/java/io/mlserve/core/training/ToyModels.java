package io.mlserve.core.training;

import io.mlserve.core.inference.FeatureBatch;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.Predictor;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.InputSpec;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for Tribuo and ONNX Runtime (the core may use neither): a "model" is a threshold on feature {@code x},
 * its "ONNX bytes" are {@code {"threshold": t}}, and the loader turns those bytes into a predictor. The trainer picks
 * the threshold by algorithm, so tests choose good, bad and broken candidates by name.
 */
final class ToyModels {
    static final List<Feature> FEATURES = List.of(
            new Feature("x", FeatureType.FLOAT, null, null, null, null, null),
            new Feature("color", FeatureType.STRING, null, null, null, null, null));
    static final List<Object> LABELS = List.of("no", "yes");

    private ToyModels() {}

    /** @return {@code rows} rows of {@code x,color,label} (label yes iff x > 0.5) and one unusable row */
    static String csv(int rows) {
        var sb = new StringBuilder("id,x,color,label\n");
        String[] colors = {"red", "green", "blue"};
        for (int i = 0; i < rows; i++) {
            double x = ((i * 37) % rows + 0.5) / rows;
            sb.append(i).append(',').append(x).append(',').append(colors[i % 3]).append(',').append(x > 0.5 ? "yes" : "no").append('\n');
        }
        sb.append(rows).append(",not-a-number,red,yes\n");
        return sb.toString();
    }

    static byte[] bytes(double threshold) {
        return Json.write(Map.of("threshold", threshold)).getBytes(StandardCharsets.UTF_8);
    }

    static double probabilityYes(double x, double threshold) {
        return 1 / (1 + Math.exp(-20 * (x - threshold)));
    }

    /** @return a manifest for the toy graph (version 0 until registration, as a trainer writes it) */
    static ModelManifest manifest(String name, String version, byte[] onnx) {
        return new ModelManifest(1, name, version, Task.CLASSIFICATION, "toy", FEATURES,
                new InputSpec(InputSpec.Layout.PER_FEATURE, null, null, null), new OutputSpec(LABELS, "output", null, null, null),
                Map.of(), ManifestChecks.sha256Hex(onnx), "2026-12-01T00:00:00Z", Json.MAPPER.createObjectNode().put("trainer", "toy"), null);
    }

    /** Loads toy bytes; counts loads. */
    static final class Loader implements ModelLoader {
        int loads;

        @Override
        public Predictor load(ModelManifest manifest, byte[] onnxBytes) {
            loads++;
            double threshold;
            try {
                threshold = Json.MAPPER.readTree(onnxBytes).get("threshold").asDouble();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e);
            }
            int xIndex = manifest.features().stream().map(Feature::name).toList().indexOf("x");
            return new Predictor() {
                @Override
                public List<Prediction> predict(FeatureBatch batch) {
                    var xs = batch.doubles(xIndex);
                    var out = new ArrayList<Prediction>();
                    for (int i = 0; i < batch.rows(); i++) {
                        double p = probabilityYes((float) xs[i], threshold);
                        var probabilities = new LinkedHashMap<String, Double>();
                        probabilities.put("no", 1 - p);
                        probabilities.put("yes", p);
                        out.add(new Prediction.Classification(p >= 0.5 ? "yes" : "no", probabilities));
                    }
                    return out;
                }

                @Override
                public void close() {}
            };
        }
    }

    /**
     * logistic-regression: threshold 0.5 (perfect); cart: 0.8 (worse); random-forest: fails as a candidate;
     * libsvm: its "ONNX" disagrees with its own outputs; liblinear: the library throws.
     */
    static final class ToyTrainer implements Trainer {
        @Override
        public TrainedModel train(TrainingSpec spec, TrainingSpec.Candidate candidate, TrainingTable table, DataSplit split, String name) {
            double threshold = switch (candidate.algorithm()) {
                case LOGISTIC_REGRESSION -> 0.5;
                case CART -> 0.8;
                case RANDOM_FOREST -> throw new CandidateFailedException("random-forest diverged (toy)", null);
                case LIBLINEAR -> throw new IllegalStateException("liblinear blew up (toy)");
                default -> 0.3;
            };
            double drift = candidate.algorithm() == Algorithm.LIBSVM ? 0.01 : 0;
            var outputs = new double[split.test().length][];
            for (int i = 0; i < outputs.length; i++) {
                double x = (float) Double.parseDouble(table.cells(split.test()[i], FEATURES)[0]);
                double p = probabilityYes(x, threshold);
                outputs[i] = new double[] {1 - p + drift, p - drift};
            }
            var onnx = bytes(threshold);
            return new TrainedModel(onnx, manifest(name, TrainedModel.UNASSIGNED_VERSION, onnx), outputs, 42);
        }
    }
}
