package io.mlserve.bench.quality;

import io.mlserve.core.quality.QualityMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * mlserve's quality metrics over the benchmark's pairs, as the quality service computes them once the rows are read:
 * every metric with its interval (Wilson, and a 1,000-resample bootstrap). Prints one JSON line: values, first-run and
 * median times. Usage: QualityBenchmark <dir> <runs>.
 */
public final class QualityBenchmark {
    private QualityBenchmark() {}

    public static void main(String[] args) throws IOException {
        var dir = Path.of(args[0]);
        int runs = Integer.parseInt(args[1]);
        var actual = new ArrayList<String>();
        var predicted = new ArrayList<String>();
        var probabilities = new ArrayList<Map<String, Double>>();
        String[] classes = {"setosa", "versicolor", "virginica"};
        for (var line : Files.readAllLines(dir.resolve("classification.csv")).subList(1, lines(dir))) {
            var f = line.split(",");
            actual.add(f[0]);
            predicted.add(f[1]);
            probabilities.add(Map.of(classes[0], Double.parseDouble(f[2]), classes[1], Double.parseDouble(f[3]),
                    classes[2], Double.parseDouble(f[4])));
        }
        var regressionLines = Files.readAllLines(dir.resolve("regression.csv"));
        double[] y = new double[regressionLines.size() - 1];
        double[] yhat = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            var f = regressionLines.get(i + 1).split(",");
            y[i] = Double.parseDouble(f[0]);
            yhat[i] = Double.parseDouble(f[1]);
        }

        long[] cls = new long[runs];
        long[] reg = new long[runs];
        QualityMetrics.Classification c = null;
        QualityMetrics.Regression r = null;
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            c = QualityMetrics.classification(actual, predicted, probabilities);
            cls[run] = System.nanoTime() - start;
            start = System.nanoTime();
            r = QualityMetrics.regression(y, yhat);
            reg[run] = System.nanoTime() - start;
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("rows", actual.size());
        out.put("classificationFirstMs", ms(cls[0]));
        out.put("classificationMedianMs", ms(median(cls)));
        out.put("regressionFirstMs", ms(reg[0]));
        out.put("regressionMedianMs", ms(median(reg)));
        var cm = new ArrayList<List<Long>>();
        c.confusionMatrix().values().forEach(row -> cm.add(List.copyOf(row.values())));
        out.put("classification", Map.of("accuracy", c.accuracy().value(), "macroF1", c.macroF1().value(), "logLoss",
                c.logLoss().value(), "precision", c.precision().values().stream().map(e -> e.value()).toList(),
                "recall", c.recall().values().stream().map(e -> e.value()).toList(), "confusionMatrix", cm,
                "intervals", Map.of("accuracy", List.of(c.accuracy().low(), c.accuracy().high()),
                        "macroF1", List.of(c.macroF1().low(), c.macroF1().high()), "logLoss", List.of(c.logLoss().low(), c.logLoss().high()))));
        out.put("regression", Map.of("mae", r.mae().value(), "rmse", r.rmse().value(), "mape", r.mape().value(),
                "mapeExcluded", r.mapeExcluded(), "r2", r.r2().value(),
                "intervals", Map.of("mae", List.of(r.mae().low(), r.mae().high()), "mape", List.of(r.mape().low(), r.mape().high()))));
        System.out.println(io.mlserve.core.json.Json.write(out));
    }

    private static int lines(Path dir) throws IOException {
        try (var lines = Files.lines(dir.resolve("classification.csv"))) {
            return (int) lines.count();
        }
    }

    private static long median(long[] values) {
        var sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }
}
