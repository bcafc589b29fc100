package io.mlserve.tribuo;

import io.mlserve.core.json.Json;
import io.mlserve.core.training.DataSplit;
import io.mlserve.core.training.TrainingSpecs;
import io.mlserve.core.training.TrainingTable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Trains every candidate of a spec on one local CSV and prints the time of each step, for {@code docs/benchmarks.md}.
 *
 * <p>Usage: {@code TrainBench <training.json> <data.csv>}; the spec's {@code data} must be {@code s3://bench/<prefix>/}
 * (only its shape is checked here). Output: one line per candidate, tab-separated: algorithm, status, trainingMs (the
 * fit alone), totalMs (encode + fit + export + held-out outputs), metrics.
 */
public final class TrainBench {
    private TrainBench() {}

    /**
     * @param args the spec file and the CSV file
     * @throws IOException when a file cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: TrainBench <training.json> <data.csv>");
            System.exit(2);
        }
        var spec = TrainingSpecs.parse(Json.parseRequest(Files.readString(Path.of(args[0]))), "bench");
        long start = System.nanoTime();
        TrainingTable table;
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            table = TrainingTable.read(spec, List.of(new TrainingTable.CsvFile(args[1], in)));
        }
        var split = DataSplit.of(table, spec.split(), spec.task());
        System.out.printf("read %d rows (%d rejected) and split in %d ms%n", table.rows(), table.rejectedRows(),
                (System.nanoTime() - start) / 1_000_000);
        var trainer = new TribuoModelTrainer();
        for (var candidate : spec.candidates()) {
            long t0 = System.nanoTime();
            try {
                var trained = trainer.train(spec, candidate, table, split, "bench");
                System.out.printf("%s\tSUCCEEDED\t%d\t%d\t%s%n", candidate.algorithm().specName(), trained.trainingMs(),
                        (System.nanoTime() - t0) / 1_000_000, trained.manifest().metrics());
            } catch (RuntimeException e) {
                System.out.printf("%s\tFAILED\t-\t%d\t%s%n", candidate.algorithm().specName(), (System.nanoTime() - t0) / 1_000_000,
                        e.getMessage());
            }
        }
    }
}
