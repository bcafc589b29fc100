package io.mlserve.core.store;

import io.mlserve.core.model.ModelRef;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * Not a test: a JMH-free microbenchmark of building one prediction id as the predict path does
 * ({@code PredictionId.of(record, shards).encode()}). Run it under the deployed flags, e.g.
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp functions/core/target/classes:functions/core/target/test-classes
 * io.mlserve.core.store.PredictionIdBench}. Prints the median ns per id over the timed rounds.
 */
public final class PredictionIdBench {
    private PredictionIdBench() {}

    public static void main(String[] args) {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        var requestIds = new String[64];
        for (int i = 0; i < requestIds.length; i++) {
            requestIds[i] = UUID.randomUUID().toString(); // Lambda's request ids are UUIDs
        }
        var model = new ModelRef("clf4", "3");
        var at = Instant.parse("2026-12-04T17:00:00.123Z");
        var records = new PredictionRecord[requestIds.length];
        for (int i = 0; i < records.length; i++) {
            records[i] = new PredictionRecord(model, requestIds[i], i % 3, at, Map.of(), Map.of(), 1, "api", null);
        }
        // one row per request (each id a new request id), and 100 rows of one request, on 4 shards
        var batch = new PredictionRecord[100];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new PredictionRecord(model, requestIds[0], i, at, Map.of(), Map.of(), 1, "api", null);
        }
        run("1 row per request   ", records, perRound, rounds);
        run("100 rows of a request", batch, perRound, rounds);
        answer(model, at, requestIds, perRound, rounds);
    }

    /** What the predict answer pays: a request's ids written into its buffer ({@link PredictionIds#encodeInto}). */
    private static void answer(ModelRef model, Instant at, String[] requestIds, int perRound, int rounds) {
        var out = new byte[256];
        long sink = 0;
        var ns = new double[rounds];
        for (int r = -2; r < rounds; r++) { // two warm-up rounds
            long t0 = System.nanoTime();
            for (int i = 0; i < perRound; i += 100) {
                var ids = new PredictionIds(model, 4, at, requestIds[(i / 100) % requestIds.length], 100);
                for (int row = 0; row < 100; row++) {
                    sink += ids.encodeInto(row, out, 0);
                }
            }
            if (r >= 0) {
                ns[r] = (System.nanoTime() - t0) / (double) perRound;
            }
        }
        Arrays.sort(ns);
        System.out.printf("100 rows of a request PredictionIds.encodeInto (the answer's path): median %.0f ns/id (min %.0f, max %.0f) over %d rounds of %d; sink %d%n",
                ns[rounds / 2], ns[0], ns[rounds - 1], rounds, perRound, sink);
    }

    private static void run(String label, PredictionRecord[] records, int perRound, int rounds) {
        long sink = 0;
        for (int i = 0; i < 2 * perRound; i++) { // warm-up: C1 compiles everything on the path
            sink += PredictionId.of(records[i % records.length], 4).encode().length();
        }
        var ns = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < perRound; i++) {
                sink += PredictionId.of(records[i % records.length], 4).encode().length();
            }
            ns[r] = (System.nanoTime() - t0) / (double) perRound;
        }
        Arrays.sort(ns);
        System.out.printf("%s PredictionId.of(...).encode(): median %.0f ns/id (min %.0f, max %.0f) over %d rounds of %d; sink %d%n",
                label, ns[rounds / 2], ns[0], ns[rounds - 1], rounds, perRound, sink);
    }
}
