package io.mlserve.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.InputSpec;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.Task;
import io.mlserve.core.training.Algorithm;
import io.mlserve.core.training.CandidateFailedException;
import io.mlserve.core.training.DataSplit;
import io.mlserve.core.training.TrainedModel;
import io.mlserve.core.training.TrainingSpec;
import io.mlserve.core.training.TrainingSpecs;
import io.mlserve.core.training.TrainingTable;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every algorithm × task on generated data with a float, a double, an int64 and a string feature: the composed ONNX
 * graph, fed raw per-feature values through ONNX Runtime, gives Tribuo's own held-out outputs.
 */
class TribuoModelTrainerTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    private static final String BUCKET = "data";
    private static final List<String> COLORS = List.of("red", "green", "blue");

    /** Rows of a + b·2 + n − 3 + color effect; classification labels the sign (with 5% flipped), regression adds 500. */
    static String csv(Task task, int rows, long seed) {
        var random = new Random(seed);
        var text = new StringBuilder("a,b,n,color,ignored,y\n");
        for (int i = 0; i < rows; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian() * 10;
            long n = random.nextInt(7);
            String color = COLORS.get(random.nextInt(3));
            double score = a + b * 0.2 + (n - 3) * 0.5 + (color.equals("red") ? 1.5 : color.equals("blue") ? -1.5 : 0);
            String y;
            if (task == Task.CLASSIFICATION) {
                boolean positive = score + random.nextGaussian() * 0.3 > 0;
                y = positive ? "yes" : "no";
            } else {
                y = String.format(Locale.ROOT, "%.4f", 500 + 20 * score + random.nextGaussian());
            }
            text.append(String.format(Locale.ROOT, "%.5f,%.6f,%d,%s,zz,%s%n", a, b, n, color, y));
        }
        return text.toString();
    }

    static TrainingSpec spec(Task task, String algorithm, String params) {
        String json = """
                {"data": "s3://data/t/", "target": "y", "task": "%s", "metric": "%s",
                 "features": [{"name": "a", "type": "float"}, {"name": "b", "type": "double"},
                              {"name": "n", "type": "int64"}, {"name": "color", "type": "string"}],
                 "candidates": [{"algorithm": "%s", "params": %s}]}
                """.formatted(task.manifestName(), task == Task.CLASSIFICATION ? "accuracy" : "rmse", algorithm, params);
        return TrainingSpecs.parse(Json.parseRequest(json), BUCKET);
    }

    static TrainingTable table(TrainingSpec spec, String csv) {
        return TrainingTable.read(spec, List.of(new TrainingTable.CsvFile("t/a.csv",
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)))));
    }

    static Stream<Arguments> everyAlgorithmAndTask() {
        return Stream.of(Algorithm.values())
                .flatMap(a -> a.tasks().stream().sorted().map(t -> Arguments.of(a.specName(), t)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyAlgorithmAndTask")
    void train_shouldExportGraphEqualToTribuo_forEveryAlgorithm(String algorithm, Task task) throws OrtException {
        // GIVEN 400 generated rows and a small-enough candidate
        var spec = spec(task, algorithm, algorithm.equals("random-forest") ? "{\"trees\": 10}" : "{}");
        var table = table(spec, csv(task, 400, 42));
        var split = DataSplit.of(table, spec.split(), task);

        // WHEN
        TrainedModel trained = new TribuoModelTrainer(CLOCK).train(spec, spec.candidates().get(0), table, split, "gen");

        // THEN the ONNX graph on raw per-feature values equals Tribuo's own outputs
        assertOnnxEqualsTribuo(trained, spec, table, split);
        // AND the manifest is the core's contract, with sensible held-out metrics
        ModelManifest m = trained.manifest();
        assertThat(ManifestChecks.problems(new ModelRef("gen", TrainedModel.UNASSIGNED_VERSION), m)).isEmpty();
        assertThat(m.sha256()).isEqualTo(ManifestChecks.sha256Hex(trained.onnx()));
        assertThat(m.input().layout()).isEqualTo(InputSpec.Layout.PER_FEATURE);
        assertThat(m.createdAt()).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(m.producedBy().get("algorithm").asText()).isEqualTo(algorithm);
        assertThat(m.producedBy().get("tribuo").asText()).isEqualTo("4.3.2");
        assertThat(m.producedBy().get("seed").asLong()).isEqualTo(12345L);
        if (task == Task.CLASSIFICATION) {
            assertThat(m.output().labels()).containsAll(List.of("yes", "no")).hasSize(table.classes().size());
            assertThat(m.output().probabilities()).isEqualTo("output");
            assertThat(m.metrics().get("accuracy")).as("accuracy").isGreaterThan(0.8);
            assertThat(m.metrics()).containsKeys("macro-f1", "log-loss");
        } else {
            assertThat(m.output().value()).isEqualTo("output");
            assertThat(m.metrics().get("r2")).as("r2").isGreaterThan(0.8);
            assertThat(m.metrics()).containsKeys("rmse", "mae");
        }
    }

    static Stream<Arguments> libsvmKernelsAndClassCounts() {
        return Stream.of("rbf", "linear", "poly", "sigmoid")
                .flatMap(k -> Stream.of(Arguments.of(k, 2), Arguments.of(k, 3)));
    }

    @ParameterizedTest(name = "{0} kernel, {1} classes")
    @MethodSource("libsvmKernelsAndClassCounts")
    void train_shouldExportLibsvmProbabilitiesEqualToTribuo_forEveryKernel(String kernel, int classes) throws OrtException {
        // GIVEN generated rows with two classes (LIBSVM's Platt sigmoid) or three (pairwise coupling)
        var spec = spec(Task.CLASSIFICATION, "libsvm", "{\"kernel\": \"%s\", \"coef0\": %s}"
                .formatted(kernel, kernel.equals("poly") ? "1" : "0"));
        String data = csv(Task.CLASSIFICATION, 400, 7);
        if (classes == 3) {
            data = data.replace(",red,zz,no", ",red,zz,maybe");
        }
        var table = table(spec, data);
        var split = DataSplit.of(table, spec.split(), Task.CLASSIFICATION);

        // WHEN
        TrainedModel trained = new TribuoModelTrainer(CLOCK).train(spec, spec.candidates().get(0), table, split, "gen");

        // THEN
        assertThat(trained.manifest().output().labels()).hasSize(classes);
        assertOnnxEqualsTribuo(trained, spec, table, split);
    }

    private static void assertOnnxEqualsTribuo(TrainedModel trained, TrainingSpec spec, TrainingTable table, DataSplit split)
            throws OrtException {
        float[][] onnx = score(trained.onnx(), spec, table, split.test(), null);
        assertThat(onnx.length).isEqualTo(trained.heldOutOutputs().length);
        for (int i = 0; i < onnx.length; i++) {
            assertThat(onnx[i]).hasSize(trained.heldOutOutputs()[i].length);
            for (int k = 0; k < onnx[i].length; k++) {
                double expected = trained.heldOutOutputs()[i][k];
                assertThat(Math.abs(onnx[i][k] - expected)).as("row %d column %d", i, k)
                        .isLessThanOrEqualTo(1e-5 * Math.max(1, Math.abs(expected)));
            }
        }
    }

    @Test
    void train_shouldBeReproducible_whenSameSeed() {
        var spec = spec(Task.CLASSIFICATION, "logistic-regression", "{\"epochs\": 3}");
        var table = table(spec, csv(Task.CLASSIFICATION, 200, 1));
        var split = DataSplit.of(table, spec.split(), Task.CLASSIFICATION);
        var trainer = new TribuoModelTrainer(CLOCK);

        var first = trainer.train(spec, spec.candidates().get(0), table, split, "gen");
        var second = trainer.train(spec, spec.candidates().get(0), table, split, "gen");

        assertThat(second.heldOutOutputs()).isDeepEqualTo(first.heldOutOutputs());
        assertThat(second.manifest().metrics()).isEqualTo(first.manifest().metrics());
    }

    @Test
    void graph_shouldEncodeUnseenCategoryAsAllZeros() throws OrtException {
        // GIVEN a model trained without 'purple'
        var spec = spec(Task.REGRESSION, "linear-regression", "{}");
        var table = table(spec, csv(Task.REGRESSION, 200, 3));
        var split = DataSplit.of(table, spec.split(), Task.REGRESSION);
        var trained = new TribuoModelTrainer(CLOCK).train(spec, spec.candidates().get(0), table, split, "gen");

        // WHEN a row comes with an unseen category
        float[][] out = score(trained.onnx(), spec, table, new int[] {split.test()[0]}, "purple");

        // THEN the graph answers (all one-hot columns zero), a finite value
        assertThat(out[0][0]).isFinite();
        assertThat(trained.manifest().producedBy().get("encoding").get("categories").get("color"))
                .hasSize(3);
    }

    @Test
    void train_shouldFailCandidate_whenSgdDiverges() {
        var spec = spec(Task.REGRESSION, "linear-regression", "{\"learningRate\": 100, \"epochs\": 50, \"loss\": \"squared\"}");
        // a target spread over 1e300 overflows the standardised fit
        var text = new StringBuilder("a,b,n,color,ignored,y\n");
        var random = new Random(5);
        for (int i = 0; i < 100; i++) {
            text.append(random.nextGaussian() * 1e30).append(",1,1,red,z,").append(random.nextGaussian() * 1e300).append('\n');
        }
        var table = table(spec, text.toString());
        var split = DataSplit.of(table, spec.split(), Task.REGRESSION);

        assertThatThrownBy(() -> new TribuoModelTrainer(CLOCK).train(spec, spec.candidates().get(0), table, split, "gen"))
                .isInstanceOf(CandidateFailedException.class);
    }

    /** ONNX Runtime on per-feature [N, 1] inputs of each feature's declared type, values from the table's text cells. */
    static float[][] score(byte[] onnx, TrainingSpec spec, TrainingTable table, int[] rows, String colorOverride)
            throws OrtException {
        try (var options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (var session = ENV.createSession(onnx, options)) {
                var inputs = new HashMap<String, OnnxTensor>();
                try {
                    for (int f = 0; f < spec.features().size(); f++) {
                        var feature = spec.features().get(f);
                        long[] shape = {rows.length, 1};
                        String[] cells = new String[rows.length];
                        for (int i = 0; i < rows.length; i++) {
                            cells[i] = table.cells(rows[i], spec.features())[f];
                        }
                        OnnxTensor tensor;
                        if (feature.type() == FeatureType.FLOAT) {
                            float[] v = new float[rows.length];
                            for (int i = 0; i < v.length; i++) {
                                v[i] = Float.parseFloat(cells[i]);
                            }
                            tensor = OnnxTensor.createTensor(ENV, java.nio.FloatBuffer.wrap(v), shape);
                        } else if (feature.type() == FeatureType.DOUBLE) {
                            double[] v = new double[rows.length];
                            for (int i = 0; i < v.length; i++) {
                                v[i] = Double.parseDouble(cells[i]);
                            }
                            tensor = OnnxTensor.createTensor(ENV, java.nio.DoubleBuffer.wrap(v), shape);
                        } else if (feature.type() == FeatureType.INT64) {
                            long[] v = new long[rows.length];
                            for (int i = 0; i < v.length; i++) {
                                v[i] = Long.parseLong(cells[i]);
                            }
                            tensor = OnnxTensor.createTensor(ENV, java.nio.LongBuffer.wrap(v), shape);
                        } else {
                            if (colorOverride != null) {
                                java.util.Arrays.fill(cells, colorOverride);
                            }
                            tensor = OnnxTensor.createTensor(ENV, cells, shape);
                        }
                        inputs.put(feature.name(), tensor);
                    }
                    try (var result = session.run(inputs)) {
                        return (float[][]) result.get("output").orElseThrow().getValue();
                    }
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
        }
    }
}
