package io.mlserve.bench.drift;

import io.mlserve.core.baseline.BaselineBuilder;
import io.mlserve.core.drift.DriftAnalyzer;
import io.mlserve.core.drift.DriftConfig;
import io.mlserve.core.drift.DriftReport;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One drift report in process, as the drift function computes it once the rows are read: the baseline from the
 * reference rows ({@link BaselineBuilder}), then {@link DriftAnalyzer#analyze} over the logged rows (text cells, as the
 * log holds them). Args: reference.csv logged.csv outDir [runs]. Writes outDir/baseline.json and outDir/report.json
 * (the peer reads both) and prints one JSON line of timings.
 */
public final class DriftBenchmark {
    public static void main(String[] args) throws IOException {
        var reference = read(Path.of(args[0]));
        var logged = read(Path.of(args[1]));
        var out = Path.of(args[2]);
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        var names = reference.header.subList(0, reference.header.size() - 1);
        var features = names.stream().map(n -> new Feature(n, FeatureType.FLOAT, null, null, null, null, null)).toList();
        var ref = new ModelRef("drift-bench", "1");

        long t0 = System.nanoTime();
        var predictions = new ArrayList<Prediction>();
        reference.predictions.forEach(p -> predictions.add(new Prediction.Regression(Double.parseDouble(p))));
        var baseline = BaselineBuilder.build(ref, "reference", "bench/drift", "2026-11-26T00:00:00Z", features, reference.rows,
                Task.REGRESSION, predictions);
        long baselineNs = System.nanoTime() - t0;
        Files.write(out.resolve("baseline.json"), Json.MAPPER.writeValueAsBytes(baseline));

        var config = new DriftConfig(DriftConfig.DEFAULT_SCHEDULE, new DriftConfig.Window(null, logged.rows.size()),
                DriftConfig.DEFAULT_MIN_SAMPLES, DriftConfig.Thresholds.DEFAULT, false, DriftConfig.DEFAULT_COOLDOWN_MINUTES);
        var current = new ArrayList<Object>(logged.predictions.size());
        logged.predictions.forEach(p -> current.add(Double.parseDouble(p)));
        var window = new DriftReport.Window(null, logged.rows.size(), null, null);
        var times = new long[runs];
        DriftReport report = null;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            report = DriftAnalyzer.analyze(ref, baseline, config, logged.rows, current, window, Clock.systemUTC());
            times[i] = System.nanoTime() - start;
        }
        Files.write(out.resolve("report.json"), Json.MAPPER.writeValueAsBytes(report));
        var sorted = times.clone();
        Arrays.sort(sorted);
        var line = new LinkedHashMap<String, Object>();
        line.put("rows", logged.rows.size());
        line.put("referenceRows", reference.rows.size());
        line.put("features", names.size());
        line.put("baselineMs", baselineNs / 1e6);
        line.put("analyzeFirstMs", times[0] / 1e6);
        line.put("analyzeMedianMs", sorted[runs / 2] / 1e6);
        line.put("runs", runs);
        line.put("verdict", report.verdict().spelling());
        line.put("drifted", report.driftedFeatures());
        System.out.println(Json.write(line));
    }

    private record Table(List<String> header, List<String[]> rows, List<String> predictions) {}

    /** A CSV of feature columns then {@code prediction}: rows as text cells, as the log stores them. */
    private static Table read(Path path) throws IOException {
        try (var lines = Files.lines(path)) {
            var it = lines.iterator();
            var header = List.of(it.next().split(","));
            var rows = new ArrayList<String[]>();
            var predictions = new ArrayList<String>();
            while (it.hasNext()) {
                var cells = it.next().split(",");
                rows.add(Arrays.copyOf(cells, cells.length - 1));
                predictions.add(cells[cells.length - 1]);
            }
            return new Table(header, rows, predictions);
        }
    }
}
