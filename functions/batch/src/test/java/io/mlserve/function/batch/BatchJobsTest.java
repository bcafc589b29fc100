package io.mlserve.function.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.mlserve.core.batch.BatchInputException;
import io.mlserve.core.batch.ByteRange;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.serving.ModelCache;
import io.mlserve.core.serving.PredictionService;
import io.mlserve.core.serving.ServingEvents;
import io.mlserve.core.inference.InstanceParser;
import io.mlserve.core.testing.InMemoryBlobStore;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.InMemoryPredictionLog;
import io.mlserve.onnx.OnnxModelLoader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole job in process: claim → plan → every range → finalize, on in-memory S3 and jobs, with the real iris model. */
class BatchJobsTest {
    private static final Path IRIS = Path.of("..", "..", "models", "iris");
    private static final String DATA = "data";

    private InMemoryBlobStore blobs;
    private InMemoryJobStore store;
    private InMemoryPredictionLog log;
    private final List<Map.Entry<String, Map<String, Object>>> events = new CopyOnWriteArrayList<>();
    private ModelCache cache;
    private BatchJobs jobs;

    @BeforeEach
    void setUp() throws Exception {
        var manifest = Files.readAllBytes(IRIS.resolve("manifest.json"));
        var models = new InMemoryModelStore().put(new ModelRef("iris", "1"), manifest, Files.readAllBytes(IRIS.resolve("model.onnx")));
        var registry = new InMemoryModelRegistry().serving("iris", "1");
        cache = new ModelCache(models, registry, new OnnxModelLoader(1), ServingEvents.NONE, Clock.systemUTC(), Duration.ofSeconds(30));
        blobs = new InMemoryBlobStore();
        store = new InMemoryJobStore();
        log = new InMemoryPredictionLog();
        jobs = jobs(7, 0.5);
    }

    private BatchJobs jobs(int chunkRows, double sampleRate) {
        var config = new BatchConfig(DATA, "jobs", "default", 1024, sampleRate, chunkRows, 1024);
        return new BatchJobs(blobs, store, cache, log, (type, detail) -> {
            events.add(Map.entry(type, detail));
            return "e-" + events.size();
        }, Clock.systemUTC(), config, version -> 4);
    }

    /** A job the API claimed with {@code logAll}, run through plan, ranges and finalize. */
    private Job runLogAll(String key, byte[] file) throws Exception {
        blobs.putObject(DATA, key, file);
        var jobId = io.mlserve.core.jobs.JobIds.batch(DATA, key, "etag-1", null, true);
        var queued = Job.queued(jobId, Job.BATCH, "iris", null, "s3://" + DATA + "/" + key, java.time.Instant.now().toString());
        store.claim(new Job(jobId, Job.BATCH, "iris", null, queued.status(), queued.input(), 0, 0, 0, 0, 0, List.of(), List.of(),
                queued.startedAt(), null, null, Map.of(io.mlserve.core.jobs.JobService.LOG_ALL, true)));
        try {
            var plan = jobs.plan(jobId);
            var ranges = Json.MAPPER.readTree(blobs.read((String) plan.get("manifestBucket"), (String) plan.get("manifestKey")));
            for (var r : ranges) {
                jobs.range(new ByteRange(r.get("jobId").asText(), r.get("index").asInt(), r.get("start").asLong(), r.get("end").asLong()));
            }
            jobs.finish(jobId);
        } catch (RuntimeException e) {
            jobs.fail(jobId, e.getClass().getName(), Json.write(Map.of("errorMessage", String.valueOf(e.getMessage()))));
        }
        return store.find(jobId).orElseThrow();
    }

    @Test
    void logAll_shouldLogEveryRow_andWriteEachRowsPredictionId() throws Exception {
        // GIVEN a sample rate of 50%, overridden by the job's logAll
        var job = runLogAll("in/iris-all.csv", irisCsv().getBytes(StandardCharsets.UTF_8));

        // THEN every predicted row is logged once, and its output row names exactly that log item
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(log.records).hasSize((int) job.rowsPredicted());
        var rows = new ArrayList<CsvRecord>();
        for (var uri : job.outputs()) {
            try (var reader = CsvReader.builder().ofCsvRecord(blobs.text(DATA, uri.substring(("s3://" + DATA + "/").length())))) {
                var it = reader.iterator();
                assertThat(it.next().getFields()).endsWith("prediction", "probability_virginica", "probability_setosa",
                        "probability_versicolor", "prediction_id");
                it.forEachRemaining(rows::add);
            }
        }
        assertThat(rows).hasSize((int) job.rowsPredicted());
        var ids = new java.util.HashSet<io.mlserve.core.store.PredictionId>();
        for (var record : log.records) {
            ids.add(io.mlserve.core.store.PredictionId.of(record, 4));
        }
        var seen = new java.util.HashSet<io.mlserve.core.store.PredictionId>();
        for (var row : rows) {
            var id = io.mlserve.core.store.PredictionId.decode(row.getField(row.getFieldCount() - 1)).orElseThrow();
            assertThat(ids).contains(id);
            seen.add(id);
        }
        assertThat(seen).hasSize(rows.size());
    }

    @Test
    void logAll_shouldFailTheJob_whenTheLogCannotStoreItsRows() throws Exception {
        log.failing = true;

        var job = runLogAll("in/iris-lost.csv", irisCsv().getBytes(StandardCharsets.UTF_8));

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failureReason()).contains("logAll");
    }

    /** Runs the machine's happy path: claim, plan, each range (twice when asked), finalize. */
    private Job run(String key, byte[] file, boolean retryEveryRange) {
        blobs.putObject(DATA, key, file);
        var claimed = jobs.claim(DATA, key, "etag-1");
        var jobId = (String) claimed.get("jobId");
        if ((Boolean) claimed.get("duplicate")) {
            return store.find(jobId).orElseThrow();
        }
        try {
            var plan = jobs.plan(jobId);
            var ranges = Json.MAPPER.readTree(blobs.read((String) plan.get("manifestBucket"), (String) plan.get("manifestKey")));
            for (var r : ranges) {
                var range = new ByteRange(r.get("jobId").asText(), r.get("index").asInt(), r.get("start").asLong(), r.get("end").asLong());
                assertThat(jobs.range(range).get("counted")).isEqualTo(true);
                if (retryEveryRange) {
                    assertThat(jobs.range(range).get("counted")).isEqualTo(false);
                }
            }
            jobs.finish(jobId);
        } catch (RuntimeException e) {
            // what the state machine's Catch does
            var error = e.getClass().getName();
            var cause = Json.write(Map.of("errorMessage", String.valueOf(e.getMessage()), "errorType", error));
            jobs.fail(jobId, error, cause);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return store.find(jobId).orElseThrow();
    }

    private static String irisCsv() throws Exception {
        return Files.readString(IRIS.resolve("iris.csv"));
    }

    private List<CsvRecord> outputRows(Job job) {
        var rows = new ArrayList<CsvRecord>();
        for (var uri : job.outputs()) {
            var text = blobs.text(DATA, uri.substring(("s3://" + DATA + "/").length()));
            try (var reader = CsvReader.builder().ofCsvRecord(text)) {
                var it = reader.iterator();
                var header = it.next();
                assertThat(header.getFields()).containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width", "species",
                        "prediction", "probability_virginica", "probability_setosa", "probability_versicolor");
                it.forEachRemaining(rows::add);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return rows;
    }

    private List<JsonNode> errorLines(Job job) throws Exception {
        var lines = new ArrayList<JsonNode>();
        for (var uri : job.errors()) {
            for (var line : blobs.text(DATA, uri.substring(("s3://" + DATA + "/").length())).split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(Json.MAPPER.readTree(line));
                }
            }
        }
        return lines;
    }

    /** The online API's predictions for rows (feature name → number). */
    private JsonNode online(List<Map<String, Object>> instances) {
        var service = new PredictionService(cache, new InstanceParser(10_000), new InMemoryPredictionLog(), ServingEvents.NONE, Clock.systemUTC());
        var response = service.predict("iris", null, null, Json.MAPPER.valueToTree(Map.of("instances", instances)), "r", "api");
        return Json.MAPPER.valueToTree(response.predictions());
    }

    private static Map<String, Object> instance(CsvRecord row) {
        var instance = new LinkedHashMap<String, Object>();
        instance.put("sepal_length", Double.parseDouble(row.getField(0)));
        instance.put("sepal_width", Double.parseDouble(row.getField(1)));
        instance.put("petal_length", Double.parseDouble(row.getField(2)));
        instance.put("petal_width", Double.parseDouble(row.getField(3)));
        return instance;
    }

    @Test
    void csv_shouldEqualTheOnlinePredictions_whenSplitIntoSeveralRanges() throws Exception {
        // GIVEN the 150 iris rows (about 4 KB: at least 3 ranges of 1 KiB)
        var file = irisCsv();

        // WHEN the whole job runs
        var job = run("batch/input/iris/flowers.csv", file.getBytes(StandardCharsets.UTF_8), false);

        // THEN it succeeded, every row predicted in order, and each equals the online answer
        assertThat(job.status()).as(job.failureReason()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.chunksTotal()).isGreaterThanOrEqualTo(3);
        assertThat(job.rowsRead()).isEqualTo(150);
        assertThat(job.rowsPredicted()).isEqualTo(150);
        assertThat(job.rowsRejected()).isZero();
        assertThat(job.outputs()).hasSize(job.chunksTotal()).allMatch(o -> o.startsWith("s3://data/batch/output/iris/" + job.jobId() + "/part-"));
        assertThat(job.errors()).isEmpty();
        var rows = outputRows(job);
        var input = file.lines().skip(1).toList();
        assertThat(rows).hasSize(150);
        var expected = online(rows.stream().map(BatchJobsTest::instance).toList());
        for (int i = 0; i < rows.size(); i++) {
            var row = rows.get(i);
            assertThat(String.join(",", row.getFields().subList(0, 5))).isEqualTo(input.get(i));
            assertThat(row.getField(5)).isEqualTo(expected.get(i).get("label").asText());
            assertThat(Double.parseDouble(row.getField(6))).isCloseTo(expected.get(i).at("/probabilities/virginica").asDouble(), within(1e-12));
            assertThat(Double.parseDouble(row.getField(7))).isCloseTo(expected.get(i).at("/probabilities/setosa").asDouble(), within(1e-12));
            assertThat(Double.parseDouble(row.getField(8))).isCloseTo(expected.get(i).at("/probabilities/versicolor").asDouble(), within(1e-12));
        }
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo("BatchJobCompleted");
            assertThat(e.getValue()).containsEntry("rowsPredicted", 150L).containsEntry("model", "iris").containsEntry("version", "1");
        });
        // about half the rows sampled to the prediction log, as batch, under the job id
        assertThat(log.records).hasSizeBetween(40, 110).allSatisfy(r -> {
            assertThat(r.source()).isEqualTo("batch");
            assertThat(r.requestId()).isEqualTo(job.jobId());
        });
    }

    @Test
    void csv_shouldCountEachRangeOnce_andLogTheSameSample_whenEveryRangeRunsTwice() throws Exception {
        var job = run("batch/input/iris/twice.csv", irisCsv().getBytes(StandardCharsets.UTF_8), true);

        assertThat(job.status()).as(job.failureReason()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.rowsRead()).isEqualTo(150);
        assertThat(job.chunksDone()).isEqualTo(job.chunksTotal());
        assertThat(outputRows(job)).hasSize(150);
        // the retry logs the same rows with the same keys (DynamoDB overwrites; the fake keeps both)
        var keys = log.records.stream().map(r -> r.timestamp() + "#" + r.row()).toList();
        assertThat(keys.stream().distinct().count() * 2).isEqualTo(keys.size());
    }

    @Test
    void csv_shouldRejectBadRowsOneByOne_withTheirFileLineNumbers() throws Exception {
        // GIVEN good rows with bad ones between them, CRLF line ends and blank lines, across several ranges
        var out = new ByteArrayOutputStream();
        var lines = new ArrayList<String>(irisCsv().lines().toList()); // header + 150
        var bad = new HashMap<Integer, String>(); // file line → reason
        lines.add(20, "5.1,abc,1.4,0.2,setosa");
        bad.put(21, "WRONG_TYPE");
        lines.add(40, "5.1,3.5,1.4");
        bad.put(41, "FIELD_COUNT");
        lines.add(60, "");
        lines.add(70, "5.1,3.5,-1.4,0.2,setosa");
        bad.put(71, "OUT_OF_RANGE");
        lines.add(90, "5.1,3.5,1.4,0.2," + "x".repeat(3000));
        bad.put(91, "TOO_LONG");
        lines.add(110, "BADUTF8");
        bad.put(111, "BAD_ENCODING");
        lines.add(130, "5.1,,1.4,0.2,setosa");
        bad.put(131, "MISSING_FEATURE");
        for (var line : lines) {
            if (line.equals("BADUTF8")) {
                out.write(new byte[] {'5', '.', '1', ',', '3', ',', '1', ',', '1', ',', (byte) 0xC3, (byte) 0x28}); // invalid 2-byte sequence
            } else {
                out.write(line.getBytes(StandardCharsets.UTF_8));
            }
            out.write('\r');
            out.write('\n');
        }

        // WHEN the job runs
        var job = run("batch/input/iris/bad-rows.csv", out.toByteArray(), false);

        // THEN every row is counted once, the bad ones with their file line and reason
        assertThat(job.status()).as(job.failureReason()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.chunksTotal()).isGreaterThanOrEqualTo(3);
        assertThat(job.rowsRead()).isEqualTo(156);
        assertThat(job.rowsPredicted()).isEqualTo(150);
        assertThat(job.rowsRejected()).isEqualTo(6);
        assertThat(outputRows(job)).hasSize(150);
        var errors = errorLines(job);
        assertThat(errors).hasSize(6);
        var found = new HashMap<Integer, String>();
        errors.forEach(e -> found.put(e.get("line").asInt(), e.at("/problems/0/reason").asText()));
        assertThat(found).isEqualTo(bad);
        assertThat(job.errors()).allMatch(e -> e.startsWith("s3://data/batch/output/iris/" + job.jobId() + "/errors-"));
    }

    @Test
    void jsonl_shouldAddTheOnlineShapedPrediction_toEachObject() throws Exception {
        var rows = irisCsv().lines().skip(1).map(l -> l.split(",")).toList();
        var text = new StringBuilder();
        var instances = new ArrayList<Map<String, Object>>();
        for (var r : rows) {
            var instance = new LinkedHashMap<String, Object>();
            instance.put("sepal_length", Double.parseDouble(r[0]));
            instance.put("sepal_width", Double.parseDouble(r[1]));
            instance.put("petal_length", Double.parseDouble(r[2]));
            instance.put("petal_width", Double.parseDouble(r[3]));
            instances.add(instance);
            var withId = new LinkedHashMap<String, Object>(instance);
            withId.put("id", "row-" + instances.size()); // not a feature: kept, ignored for prediction
            text.append(Json.write(withId)).append('\n');
        }
        text.append("{not json\n").append("[1,2]\n").append("{\"sepal_length\": 1}\n");

        var job = run("batch/input/iris/flowers.jsonl", text.toString().getBytes(StandardCharsets.UTF_8), false);

        assertThat(job.status()).as(job.failureReason()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.chunksTotal()).isGreaterThanOrEqualTo(3);
        assertThat(job.rowsRead()).isEqualTo(153);
        assertThat(job.rowsPredicted()).isEqualTo(150);
        assertThat(job.rowsRejected()).isEqualTo(3);
        var expected = online(instances);
        var outputs = new ArrayList<JsonNode>();
        for (var uri : job.outputs()) {
            assertThat(uri).endsWith(".jsonl");
            for (var line : blobs.text(DATA, uri.substring(("s3://" + DATA + "/").length())).split("\n")) {
                if (!line.isEmpty()) {
                    outputs.add(Json.MAPPER.readTree(line));
                }
            }
        }
        assertThat(outputs).hasSize(150);
        for (int i = 0; i < 150; i++) {
            assertThat(outputs.get(i).get("sepal_length").asDouble()).isEqualTo((Double) instances.get(i).get("sepal_length"));
            assertThat(outputs.get(i).get("prediction")).isEqualTo(expected.get(i));
            assertThat(outputs.get(i).get("id").asText()).isEqualTo("row-" + (i + 1));
        }
        var errors = errorLines(job);
        assertThat(errors).extracting(e -> e.get("line").asInt()).containsExactly(151, 152, 153);
        assertThat(errors).extracting(e -> e.at("/problems/0/reason").asText()).containsExactly("MALFORMED_JSON", "NOT_AN_OBJECT",
                "UNKNOWN_FEATURE".equals(errors.get(2).at("/problems/0/reason").asText()) ? "UNKNOWN_FEATURE" : "MISSING_FEATURE");
    }

    @Test
    void csv_shouldKeepQuotedLineBreaks_whenTheFileIsOneRange() throws Exception {
        var file = "sepal_length,sepal_width,petal_length,petal_width,note\n5.1,3.5,1.4,0.2,\"two\nlines, \"\"quoted\"\"\"\n6.3,3.3,6.0,2.5,plain\n5.1,x,1.4,0.2,bad\n";
        var job = run("batch/input/iris/notes.csv", file.getBytes(StandardCharsets.UTF_8), false);

        assertThat(job.status()).as(job.failureReason()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.rowsPredicted()).isEqualTo(2);
        assertThat(job.rowsRejected()).isEqualTo(1);
        var out = blobs.text(DATA, job.outputs().get(0).substring(("s3://" + DATA + "/").length()));
        assertThat(out).contains("\"two\nlines, \"\"quoted\"\"\"");
        assertThat(errorLines(job)).singleElement().satisfies(e -> assertThat(e.get("line").asInt()).isEqualTo(5));
    }

    @Test
    void csv_shouldFailTheJob_whenAQuotedLineBreakIsInAMultiRangeFile() throws Exception {
        var file = new StringBuilder(irisCsv());
        file.append("5.1,3.5,1.4,0.2,\"two\nlines\"\n");
        var job = run("batch/input/iris/multi.csv", file.toString().getBytes(StandardCharsets.UTF_8), false);
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failureReason()).contains("line break inside a quoted field").doesNotContain("Exception");
        assertThat(events).singleElement().satisfies(e -> assertThat(e.getKey()).isEqualTo("BatchJobFailed"));
    }

    @Test
    void badFiles_shouldFailTheJobWithAClearReason() throws Exception {
        assertThat(run("batch/input/iris/empty.csv", new byte[0], false).failureReason()).isEqualTo("the file is empty");
        assertThat(run("batch/input/iris/header-only.csv", "sepal_length,sepal_width,petal_length,petal_width\n".getBytes(), false)
                .failureReason()).contains("no rows");
        assertThat(run("batch/input/iris/semicolons.csv", "sepal_length;sepal_width;petal_length;petal_width\n1;2;3;4\n".getBytes(), false)
                .failureReason()).contains("comma-separated");
        assertThat(run("batch/input/iris/missing.csv", "sepal_length,sepal_width,petal_length\n1,2,3\n".getBytes(), false)
                .failureReason()).contains("missing column(s) for feature(s) petal_width");
        assertThat(run("batch/input/iris/noheader.csv", "1,2,3,4\n1,2,3,4\n".getBytes(), false).failureReason())
                .contains("matches no feature");
        assertThat(run("batch/input/iris/flowers.txt", "x".getBytes(), false).failureReason()).contains(".csv or .jsonl");
        assertThat(run("batch/input/nosuchmodel/flowers.csv", irisCsv().getBytes(), false).failureReason())
                .contains("model 'nosuchmodel' has no production version");
        var outside = run("elsewhere/flowers.csv", irisCsv().getBytes(), false);
        assertThat(outside.status()).isEqualTo(JobStatus.FAILED);
        assertThat(outside.failureReason()).contains("outside batch/input/");
        assertThat(store.list(null, null, 100, null).jobs()).allMatch(j -> j.status() == JobStatus.FAILED);
        assertThat(events).allMatch(e -> e.getKey().equals("BatchJobFailed")).hasSize(8);
    }

    @Test
    void claim_shouldReportADuplicate_whenTheSameObjectArrivesTwice() {
        blobs.putText(DATA, "batch/input/iris/a.csv", "x");
        var first = jobs.claim(DATA, "batch/input/iris/a.csv", "\"abc\"");
        var second = jobs.claim(DATA, "batch/input/iris/a.csv", "abc");
        assertThat(first.get("duplicate")).isEqualTo(false);
        assertThat(second.get("duplicate")).isEqualTo(true);
        assertThat(second.get("jobId")).isEqualTo(first.get("jobId"));
        assertThat(jobs.claim(DATA, "batch/input/iris/a.csv", "other").get("jobId")).isNotEqualTo(first.get("jobId"));
    }

    @Test
    void reason_shouldBeTheMessage_forInputErrors_andNameTheFailureOtherwise() {
        assertThat(BatchJobs.reason(BatchInputException.class.getName(),
                "{\"errorMessage\":\"the file is empty\",\"errorType\":\"" + BatchInputException.class.getName() + "\",\"stackTrace\":[]}"))
                .isEqualTo("the file is empty");
        assertThat(BatchJobs.reason("States.Timeout", null)).isEqualTo("the batch function did not finish (States.Timeout)");
        assertThat(BatchJobs.reason("java.lang.IllegalStateException", "{\"errorMessage\":\"boom\",\"errorType\":\"java.lang.IllegalStateException\"}"))
                .isEqualTo("internal error (IllegalStateException): boom");
        assertThatThrownBy(() -> BatchJobs.Format.of("a.parquet")).isInstanceOf(BatchInputException.class);
    }
}
