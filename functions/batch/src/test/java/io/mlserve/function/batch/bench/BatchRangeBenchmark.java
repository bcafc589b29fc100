package io.mlserve.function.batch.bench;

import io.mlserve.core.batch.ByteRange;
import io.mlserve.core.jobs.JobIds;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.EventPublisher;
import io.mlserve.core.serving.ModelCache;
import io.mlserve.core.serving.ServingEvents;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.InMemoryPredictionLog;
import io.mlserve.function.batch.BatchConfig;
import io.mlserve.function.batch.BatchJobs;
import io.mlserve.onnx.OnnxModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch path on one core, without S3 or Step Functions: claim → plan → every range in turn →
 * finalize over a CSV on disk, through the same {@link BatchJobs} the Lambda runs. Prints one JSON line
 * with rows/s end to end and per range, and the process's peak RSS. Run by {@code bench/batch/run.sh}
 * with the JVM flags the stack gives the batch function.
 *
 * <p>Arguments: the CSV, the model folder (model.onnx + manifest.json), the range size in bytes.
 */
public final class BatchRangeBenchmark {
    private BatchRangeBenchmark() {}

    public static void main(String[] args) throws Exception {
        var csv = Path.of(args[0]).toAbsolutePath();
        var modelDir = Path.of(args[1]);
        long rangeBytes = Long.parseLong(args[2]);
        var manifestJson = Files.readAllBytes(modelDir.resolve("manifest.json"));
        var onnx = Files.readAllBytes(modelDir.resolve("model.onnx"));
        var name = Json.MAPPER.readTree(manifestJson).path("name").asText();
        var version = Json.MAPPER.readTree(manifestJson).path("version").asText();

        // GIVEN the file under batch/input/<model>/ of a "data" bucket on disk, the model registered
        var root = Files.createTempDirectory("mlserve-batch-bench");
        var key = "batch/input/" + name + "/" + csv.getFileName();
        Files.createDirectories(root.resolve("data").resolve(key).getParent());
        Files.createSymbolicLink(root.resolve("data").resolve(key), csv);
        var blobs = new FileBlobStore(root);
        var jobsStore = new InMemoryJobStore();
        var registry = new InMemoryModelRegistry().serving(name, version, ManifestChecks.sha256Hex(onnx));
        var models = new ModelCache(new InMemoryModelStore().put(new ModelRef(name, version), manifestJson, onnx), registry,
                new OnnxModelLoader(1), ServingEvents.NONE, Clock.systemUTC(), Duration.ofMinutes(5));
        var log = new InMemoryPredictionLog();
        EventPublisher events = (type, detail) -> "bench";
        var config = new BatchConfig("data", "jobs", "default", rangeBytes, 0.01, 1024, 1 << 20);
        var batch = new BatchJobs(blobs, jobsStore, models, log, events, Clock.systemUTC(), config);

        // WHEN the job runs range by range
        long started = System.nanoTime();
        var etag = blobs.head("data", key).orElseThrow().etag();
        var jobId = (String) batch.claim("data", key, etag).get("jobId");
        if (!jobId.equals(JobIds.batch("data", key, etag, null))) {
            throw new IllegalStateException("unexpected job id " + jobId);
        }
        var plan = batch.plan(jobId);
        var manifest = Json.MAPPER.readTree(blobs.read("data", (String) plan.get("manifestKey")));
        var perRange = new java.util.ArrayList<Map<String, Object>>();
        for (var item : manifest) {
            var range = new ByteRange(jobId, item.path("index").asInt(), item.path("start").asLong(), item.path("end").asLong());
            long t = System.nanoTime();
            var counts = batch.range(range);
            double seconds = (System.nanoTime() - t) / 1e9;
            long rows = ((Number) counts.get("rowsRead")).longValue();
            perRange.add(Map.of("index", range.index(), "rows", rows, "seconds", round(seconds), "rowsPerSecond", Math.round(rows / seconds)));
        }
        var finished = batch.finish(jobId);
        double total = (System.nanoTime() - started) / 1e9;

        // THEN one JSON line of figures
        var job = jobsStore.find(jobId).orElseThrow();
        var result = new LinkedHashMap<String, Object>();
        result.put("rows", job.rowsRead());
        result.put("rowsPredicted", job.rowsPredicted());
        result.put("rowsRejected", job.rowsRejected());
        result.put("status", finished.get("status"));
        result.put("ranges", perRange.size());
        result.put("seconds", round(total));
        result.put("rowsPerSecond", Math.round(job.rowsRead() / total));
        result.put("perRange", perRange);
        result.put("sampledLogRows", log.records.size());
        result.put("peakRssMiB", peakRssMiB());
        result.put("jvm", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.println(Json.write(result));
        List.of(root).forEach(r -> r.toFile().deleteOnExit());
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** VmHWM from /proc: the most resident memory the process ever held. */
    private static long peakRssMiB() throws java.io.IOException {
        for (var line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}
