package io.mlserve.bench.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Task;
import io.mlserve.core.training.DataSplit;
import io.mlserve.core.training.Metrics;
import io.mlserve.core.training.TrainedModel;
import io.mlserve.core.training.TrainingSpecs;
import io.mlserve.core.training.TrainingTable;
import io.mlserve.tribuo.TribuoModelTrainer;
import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One training candidate, as one candidate step of a training job does it, in its own JVM (run.sh measures the JVM's
 * peak RSS with {@code /usr/bin/time -v}):
 *
 * <pre>TrainBenchmark &lt;spec.json&gt; &lt;data.csv&gt; &lt;candidate index&gt;</pre>
 *
 * Reads the CSV into the core's {@link TrainingTable}, holds out the LAST {@code split.testFraction} of the rows (the
 * peer, {@code peer.py}, holds out the same rows), trains with the Tribuo trainer and prints one JSON line: load and
 * train wall times, the trainer's own fit time, the ONNX size and the held-out metrics from the trainer's outputs.
 */
public final class TrainBenchmark {
    private static final String BUCKET = "bench-data";

    private TrainBenchmark() {}

    public static void main(String[] args) throws Exception {
        var specJson = (ObjectNode) Json.MAPPER.readTree(Files.readString(Path.of(args[0])));
        specJson.put("data", "s3://" + BUCKET + "/training/bench/");
        var spec = TrainingSpecs.parse(specJson, BUCKET);
        var candidate = spec.candidates().get(Integer.parseInt(args[2]));

        long loadStarted = System.nanoTime();
        TrainingTable table;
        try (var csv = new FileInputStream(args[1])) {
            table = TrainingTable.read(spec, List.of(new TrainingTable.CsvFile("data.csv", csv)));
        }
        long loadMs = (System.nanoTime() - loadStarted) / 1_000_000;
        int rows = table.rows();
        int testRows = (int) Math.round(rows * spec.split().testFraction());
        var split = new DataSplit(IntStream.range(0, rows - testRows).toArray(), IntStream.range(rows - testRows, rows).toArray());

        long trainStarted = System.nanoTime();
        TrainedModel model = new TribuoModelTrainer().train(spec, candidate, table, split, "bench");
        long trainMs = (System.nanoTime() - trainStarted) / 1_000_000;

        var actual = new ArrayList<Object>(testRows);
        var predicted = new ArrayList<Prediction>(testRows);
        var labels = model.manifest().output().labels();
        for (int i = 0; i < testRows; i++) {
            actual.add(table.actual(split.test()[i]));
            predicted.add(prediction(spec.task(), labels, model.heldOutOutputs()[i]));
        }
        var result = new LinkedHashMap<String, Object>();
        result.put("task", spec.task().manifestName());
        result.put("algorithm", candidate.algorithm().specName());
        result.put("params", candidate.params());
        result.put("rows", rows);
        result.put("rejectedRows", table.rejectedRows());
        result.put("trainRows", split.train().length);
        result.put("testRows", testRows);
        result.put("loadMs", loadMs);
        result.put("trainMs", trainMs); // Trainer.train: fit + ONNX export + held-out outputs
        result.put("fitMs", model.trainingMs()); // the fit alone, as the trainer reports it
        result.put("onnxBytes", model.onnx().length);
        result.put("metrics", Metrics.compute(spec.task(), actual, predicted));
        result.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        result.put("java", System.getProperty("java.vm.version"));
        System.out.println(Json.MAPPER.writeValueAsString(result));
    }

    private static Prediction prediction(Task task, List<Object> labels, double[] outputs) {
        if (task == Task.REGRESSION) {
            return new Prediction.Regression(outputs[0]);
        }
        int best = 0;
        var probabilities = new LinkedHashMap<String, Double>();
        for (int k = 0; k < outputs.length; k++) {
            probabilities.put(String.valueOf(labels.get(k)), outputs[k]);
            if (outputs[k] > outputs[best]) {
                best = k;
            }
        }
        return new Prediction.Classification(labels.get(best), probabilities);
    }
}
