package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.core.jobs.JobIds;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Bulk prediction on the emulator (issue 7), through S3 uploads, the jobs API and the CLI: every file
 * is uploaded (or its job started) at once in {@link #submitEverything()}, so the jobs run side by
 * side, and each test then waits for its own job with one shared deadline. For every job that
 * succeeds: {@code rowsRead = rowsPredicted + rowsRejected}, the output holds exactly
 * {@code rowsPredicted} rows equal to the online API's answers for the same rows, and the error files
 * exactly {@code rowsRejected} lines with the input's line numbers. Every bad file ends FAILED with a
 * reason (or rejects its rows), never RUNNING past the deadline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BatchE2ET {
    private static final Path IRIS = Path.of("..", "models", "iris");
    private static final Path CLI_JAR = Path.of("..", "functions", "cli", "target", "mlserve.jar");
    private static final String HEADER = "sepal_length,sepal_width,petal_length,petal_width,species";
    private static final List<String> FEATURES = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
    /** Every job is given this long from its submission to end. */
    private static final long JOB_DEADLINE_MS = 180_000;
    /** Rows of the mixed file (0-based data row index → bad row); the file's line is index + 2 (line 1 is the header). */
    private static final Map<Integer, String> BAD_ROWS = Map.of(
            10, "5.1,3.5,abc,0.2,setosa",     // not a number
            100, "99.0,3.0,4.5,1.5,versicolor", // above sepal_length's maximum (12)
            150, "6.3,-1,6.0,2.5,virginica",   // below sepal_width's minimum (0)
            299, "5.9,3.0,,1.8,virginica");    // petal_length empty

    private Emulator emulator;
    private S3Client s3;
    private SqsClient sqs;
    private String bucket;
    private String run;
    private long submittedAt;
    private String queueUrl;
    private String ruleName;
    private final List<String> irisRows = new ArrayList<>();
    /** Case name → the input's key and its job id. */
    private final Map<String, Submitted> jobs = new LinkedHashMap<>();
    private Process cli;
    private Path cliFile;
    private Path cliOut;
    private Path cliErr;

    /**
     * @param key the input's key in the data bucket
     * @param jobId its job
     * @param bytes what was uploaded
     */
    private record Submitted(String key, String jobId, byte[] bytes) {
        String uri(String bucket) {
            return "s3://" + bucket + "/" + key;
        }
    }

    @BeforeAll
    void submitEverything() throws Exception {
        emulator = Emulator.fromOutputs();
        emulator.publish(IRIS);
        s3 = emulator.s3();
        sqs = emulator.sqs();
        bucket = emulator.output("DataBucketName");
        run = "e2e-" + Long.toString(System.currentTimeMillis(), 36); // the emulator may be reused between runs
        Files.readAllLines(IRIS.resolve("iris.csv")).stream().skip(1).filter(l -> !l.isBlank()).forEach(irisRows::add);
        listenForCompletedJobs();

        submittedAt = System.currentTimeMillis();
        // (a) 300 rows, 4 of them bad, through an upload under batch/input/iris/
        upload("mixed", "batch/input/iris/" + run + "-mixed.csv", csv(mixedRows()));
        // (d) JSON lines, one of them bad
        upload("jsonl", "batch/input/iris/" + run + ".jsonl", jsonl().getBytes(StandardCharsets.UTF_8));
        // (b) an API-started job over an object outside batch/input/, split into 1 KiB ranges
        start("ranges", "batch/api/" + run + "-ranges.csv", csv(goodRows(300)));
        // (f) bad files: each must end FAILED with a reason (or reject its rows), never hang
        upload("empty", "batch/input/iris/" + run + "-empty.csv", new byte[0]);
        upload("missingColumn", "batch/input/iris/" + run + "-missing-column.csv",
                ("sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n4.9,3.0,1.4\n").getBytes(StandardCharsets.UTF_8));
        upload("semicolons", "batch/input/iris/" + run + "-semicolons.csv",
                ("sepal_length;sepal_width;petal_length;petal_width\n5.1;3.5;1.4;0.2\n4.9;3.0;1.4;0.2\n").getBytes(StandardCharsets.UTF_8));
        upload("nonUtf8", "batch/input/iris/" + run + "-latin1.csv", nonUtf8());
        start("quotedNewline", "batch/api/" + run + "-quoted-newline.csv", quotedNewline());
        upload("unknownModel", "batch/input/nosuchmodel/" + run + ".csv", csv(goodRows(5)));
        // (g) the CLI uploads and follows its own file
        startCli();
    }

    @AfterAll
    void cleanUp() {
        if (cli != null && cli.isAlive()) {
            cli.destroyForcibly();
        }
        try (var events = emulator.eventBridge()) {
            events.removeTargets(b -> b.rule(ruleName).ids("queue"));
            events.deleteRule(b -> b.name(ruleName));
        } catch (RuntimeException e) {
            // best effort: names are unique per run
        }
        sqs.close();
        s3.close();
    }

    // ---------------------------------------------------------------------------------------------- (a)

    @Test
    @Order(1)
    void upload_shouldPredictEveryGoodRow_andRejectEachBadRowWithItsLine() throws Exception {
        // WHEN the uploaded file's job ends
        var job = awaitEnded("mixed");

        // THEN the exact counts
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("type").asText()).isEqualTo("batch");
        assertThat(job.path("model").asText()).isEqualTo("iris");
        assertThat(job.path("input").asText()).isEqualTo(jobs.get("mixed").uri(bucket));
        assertCounts(job, 300, 296, 4);
        assertThat(job.path("endedAt").asText()).isNotBlank();

        // AND the output rows are the online API's answers for the same rows, in input order
        var good = new ArrayList<String>();
        var rows = mixedRows();
        for (int i = 0; i < rows.size(); i++) {
            if (!BAD_ROWS.containsKey(i)) {
                good.add(rows.get(i));
            }
        }
        var output = readCsvOutput(job);
        assertThat(output).hasSize(296);
        assertEqualsOnline(good, output, job.path("version").asText());
        assertThat(output.get(0)).containsEntry("species", good.get(0).split(",")[4]); // extra columns are kept

        // AND one error line per bad row, with the input file's line numbers
        var errors = readErrorLines(job);
        assertThat(errors).hasSize(4);
        var lines = new TreeSet<Integer>();
        errors.forEach(e -> {
            lines.add(e.path("line").asInt());
            assertThat(e.path("problems").isArray() && e.path("problems").size() > 0).as(e.toString()).isTrue();
            e.path("problems").forEach(p -> assertThat(p.path("message").asText()).as(e.toString()).isNotBlank());
        });
        assertThat(lines).containsExactly(12, 102, 152, 301);
    }

    // ---------------------------------------------------------------------------------------------- (e)

    @Test
    @Order(2)
    void completedJob_shouldReachAnEventBridgeRule() throws Exception {
        var jobId = jobs.get("mixed").jobId();
        awaitEnded("mixed");

        String event = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (event == null && System.currentTimeMillis() < deadline) {
            for (var message : sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(2).maxNumberOfMessages(10)).messages()) {
                if (message.body().contains(jobId)) {
                    event = message.body();
                }
            }
        }

        assertThat(event).as("BatchJobCompleted for %s on the default bus", jobId).isNotNull();
        var json = Emulator.JSON.readTree(event);
        assertThat(json.path("source").asText()).isEqualTo("mlserve.batch");
        assertThat(json.path("detail-type").asText()).isEqualTo("BatchJobCompleted");
        assertThat(json.path("detail").path("jobId").asText()).isEqualTo(jobId);
        assertThat(json.path("detail").path("model").asText()).isEqualTo("iris");
    }

    // ---------------------------------------------------------------------------------------------- (c)

    @Test
    @Order(3)
    void sameBytesAgain_shouldMakeNoSecondJob_andThePostAnswersTheExistingJob() throws Exception {
        // GIVEN the first job has ended, with its outputs written
        var first = awaitEnded("mixed");
        var submitted = jobs.get("mixed");
        var partKey = key(first.path("outputs").get(0).asText());
        var partWritten = s3.headObject(b -> b.bucket(bucket).key(partKey)).lastModified();

        // WHEN the same bytes are uploaded again under the same key (same ETag), and the API is asked for it
        var etag = s3.putObject(b -> b.bucket(bucket).key(submitted.key()), RequestBody.fromBytes(submitted.bytes())).eTag();
        assertThat(JobIds.batch(bucket, submitted.key(), etag, null)).isEqualTo(submitted.jobId());
        Thread.sleep(5_000); // the duplicate's execution runs its claim step meanwhile
        var again = emulator.raw("POST", "models/iris/jobs", Emulator.JSON.createObjectNode().put("input", submitted.uri(bucket))
                .toString().getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"), emulator.predictKey);

        // THEN the POST answers 200 with the same job, unchanged
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("jobId").asText()).isEqualTo(submitted.jobId());
        assertThat(again.json().path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(again.json().path("endedAt").asText()).isEqualTo(first.path("endedAt").asText());
        assertCounts(again.json(), 300, 296, 4);
        // AND the job list holds exactly one job for that input
        var forInput = listJobs("iris").stream().filter(j -> j.path("input").asText().equals(submitted.uri(bucket))).toList();
        assertThat(forInput).hasSize(1);
        assertThat(forInput.get(0).path("jobId").asText()).isEqualTo(submitted.jobId());
        // AND the output was not written again
        assertThat(s3.headObject(b -> b.bucket(bucket).key(partKey)).lastModified()).isEqualTo(partWritten);
    }

    // ---------------------------------------------------------------------------------------------- (b)

    @Test
    @Order(4)
    void apiJob_shouldSplitTheFileIntoRanges_andGiveTheOnlineAnswers() throws Exception {
        var job = awaitEnded("ranges");

        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("chunks").path("total").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(job.path("chunks").path("done").asInt()).isEqualTo(job.path("chunks").path("total").asInt());
        assertThat(job.path("outputs").size()).isEqualTo(job.path("chunks").path("total").asInt());
        assertCounts(job, 300, 300, 0);
        assertThat(job.path("errors").size()).isZero();
        var output = readCsvOutput(job);
        assertThat(output).hasSize(300);
        assertEqualsOnline(goodRows(300), output, job.path("version").asText());
    }

    // ---------------------------------------------------------------------------------------------- (d)

    @Test
    @Order(5)
    void jsonlUpload_shouldAddThePredictionToEachObject() throws Exception {
        var job = awaitEnded("jsonl");

        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertCounts(job, 60, 59, 1);
        var lines = new ArrayList<JsonNode>();
        for (var uri : job.path("outputs")) {
            for (var line : read(uri.asText()).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(Emulator.JSON.readTree(line));
                }
            }
        }
        assertThat(lines).hasSize(59);
        var good = goodRows(60);
        good.remove(4);
        var online = predictOnline(good);
        assertThat(online.path("version").asText()).isEqualTo(job.path("version").asText());
        for (int i = 0; i < lines.size(); i++) {
            var line = lines.get(i);
            var cells = good.get(i).split(",");
            assertThat(line.path("sepal_length").asDouble()).isEqualTo(Double.parseDouble(cells[0]));
            var expected = online.path("predictions").get(i);
            assertThat(line.path("prediction").path("label").asText()).as("row %d", i).isEqualTo(expected.path("label").asText());
            expected.path("probabilities").fields().forEachRemaining(p -> assertThat(
                    line.path("prediction").path("probabilities").path(p.getKey()).asDouble()).isCloseTo(p.getValue().asDouble(), within(1e-5)));
        }
        var errors = readErrorLines(job);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).path("line").asInt()).isEqualTo(5); // JSON lines have no header
    }

    // ---------------------------------------------------------------------------------------------- (f)

    @ParameterizedTest
    @ValueSource(strings = {"empty", "missingColumn", "semicolons", "quotedNewline", "unknownModel"})
    @Order(6)
    void badFile_shouldFailTheJobWithAReasonForAPerson(String name) {
        var job = awaitEnded(name);

        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("FAILED");
        assertThat(job.path("failureReason").asText()).as(job.toString()).isNotBlank().doesNotContain("\tat ").doesNotContain("io.mlserve.");
        assertThat(job.path("endedAt").asText()).isNotBlank();
        if (name.equals("unknownModel")) {
            assertThat(job.path("model").asText()).isEqualTo("nosuchmodel");
        }
        if (name.equals("quotedNewline")) {
            assertThat(job.path("failureReason").asText().toLowerCase()).containsAnyOf("quote", "newline", "line break");
        }
    }

    @Test
    @Order(7)
    void nonUtf8File_shouldFailWithAReason_orRejectTheBadRow() throws Exception {
        var job = awaitEnded("nonUtf8");

        if (job.path("status").asText().equals("FAILED")) {
            assertThat(job.path("failureReason").asText()).as(job.toString()).isNotBlank();
        } else {
            assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.path("rowsRejected").asLong()).as(job.toString()).isGreaterThanOrEqualTo(1);
            assertCounts(job, job.path("rowsRead").asLong(), job.path("rowsRead").asLong() - job.path("rowsRejected").asLong(),
                    job.path("rowsRejected").asLong());
            assertThat(readCsvOutput(job)).hasSize((int) job.path("rowsPredicted").asLong());
            assertThat(readErrorLines(job)).hasSize((int) job.path("rowsRejected").asLong());
        }
    }

    // ---------------------------------------------------------------------------------------------- (g)

    @Test
    @Order(8)
    void cliSubmitWait_shouldShowProgressAndEndWithTheOutputLocation() throws Exception {
        // WHEN the CLI started in submitEverything() ends
        var ended = cli.waitFor(Math.max(1, submittedAt + JOB_DEADLINE_MS + 20_000 - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        assertThat(ended).as("mlserve batch submit --wait ended").isTrue();
        var out = Files.readString(cliOut);
        var err = Files.readString(cliErr);

        // THEN exit 0, the progress line was drawn, and the output location is the job's
        assertThat(cli.exitValue()).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
        var key = "batch/input/iris/" + cliFile.getFileName();
        var etag = s3.headObject(b -> b.bucket(bucket).key(key)).eTag();
        var jobId = JobIds.batch(bucket, key, etag, null);
        assertThat(out).contains("SUCCEEDED job " + jobId).contains("output s3://" + bucket + "/batch/output/iris/" + jobId + "/")
                .contains("rows read 50, predicted 50, rejected 0");
        assertThat(err).contains("\r").contains("chunks");
        var job = emulator.get("jobs/" + jobId).json();
        assertThat(job.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.path("outputs").get(0).asText()).startsWith("s3://" + bucket + "/batch/output/iris/" + jobId + "/");
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private void listenForCompletedJobs() {
        var name = "mlserve-e2e-batch-" + run;
        queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        var queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        ruleName = name;
        try (var events = emulator.eventBridge()) {
            events.putRule(b -> b.name(name).eventPattern("{\"source\": [\"mlserve.batch\"], \"detail-type\": [\"BatchJobCompleted\"]}"));
            events.putTargets(b -> b.rule(name).targets(Target.builder().id("queue").arn(queueArn).build()));
        }
    }

    /** An upload under batch/input/ starts its own job; its id follows from the PutObject's ETag. */
    private void upload(String name, String key, byte[] bytes) {
        var etag = s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes)).eTag();
        jobs.put(name, new Submitted(key, JobIds.batch(bucket, key, etag, null), bytes));
    }

    /** An object outside batch/input/, its job started through the API with 1 KiB ranges. */
    private void start(String name, String key, byte[] bytes) {
        var etag = s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes)).eTag();
        var response = emulator.post("models/iris/jobs", Emulator.JSON.createObjectNode().put("input", "s3://" + bucket + "/" + key)
                .put("rangeBytes", 1024).toString());
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        var expectedId = JobIds.batch(bucket, key, etag, null);
        assertThat(response.json().path("jobId").asText()).isEqualTo(expectedId);
        assertThat(response.json().path("status").asText()).isEqualTo("QUEUED");
        assertThat(response.json().path("version").isNull()).as(response.body()).isTrue();
        assertThat(response.json().path("input").asText()).isEqualTo("s3://" + bucket + "/" + key);
        jobs.put(name, new Submitted(key, expectedId, bytes));
    }

    private void startCli() throws Exception {
        var dir = Files.createTempDirectory("mlserve-batch-cli");
        cliFile = dir.resolve(run + "-cli.csv");
        Files.write(cliFile, csv(goodRows(50)));
        cliOut = dir.resolve("stdout.txt");
        cliErr = dir.resolve("stderr.txt");
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var builder = new ProcessBuilder(java, "-jar", CLI_JAR.toString(), "batch", "submit", cliFile.toString(), "--model", "iris",
                "--bucket", bucket, "--jobs-table", emulator.output("JobsTableName"), "--wait", "--timeout-seconds",
                Long.toString(JOB_DEADLINE_MS / 1000), "--poll-seconds", "1")
                .redirectOutput(cliOut.toFile()).redirectError(cliErr.toFile());
        var env = builder.environment();
        env.put("AWS_ENDPOINT_URL", emulator.endpoint.toString());
        env.put("AWS_REGION", emulator.region.id());
        env.putIfAbsent("AWS_ACCESS_KEY_ID", "test");
        env.putIfAbsent("AWS_SECRET_ACCESS_KEY", "test");
        cli = builder.start();
    }

    /** Polls {@code GET /jobs/{jobId}} until the job has ended; fails when it is still going at the deadline. */
    private JsonNode awaitEnded(String name) {
        var jobId = jobs.get(name).jobId();
        JsonNode last = null;
        while (System.currentTimeMillis() < submittedAt + JOB_DEADLINE_MS) {
            var response = emulator.raw("GET", "jobs/" + jobId, null, Map.of(), emulator.apiKey);
            if (response.status() == 200) {
                last = response.json();
                var status = last.path("status").asText();
                if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
                    return last;
                }
            } else {
                assertThat(response.status()).as("GET /jobs/%s: %s", jobId, response.body()).isEqualTo(404);
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return fail("job %s (%s) has not ended %d s after it was submitted; last seen: %s", jobId, name, JOB_DEADLINE_MS / 1000,
                last == null ? "never claimed" : last.toString());
    }

    private static void assertCounts(JsonNode job, long read, long predicted, long rejected) {
        assertThat(job.path("rowsRead").asLong()).as(job.toString()).isEqualTo(read);
        assertThat(job.path("rowsPredicted").asLong()).as(job.toString()).isEqualTo(predicted);
        assertThat(job.path("rowsRejected").asLong()).as(job.toString()).isEqualTo(rejected);
        assertThat(job.path("rowsRead").asLong()).isEqualTo(job.path("rowsPredicted").asLong() + job.path("rowsRejected").asLong());
    }

    /** Every job of a model, following nextCursor to the last page. */
    private List<JsonNode> listJobs(String model) {
        var all = new ArrayList<JsonNode>();
        String cursor = null;
        do {
            var path = "jobs?model=" + model + "&limit=500" + (cursor == null ? "" : "&cursor="
                    + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            var page = emulator.get(path);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            page.json().path("jobs").forEach(all::add);
            assertThat(page.json().path("count").asInt()).isEqualTo(page.json().path("jobs").size());
            cursor = page.json().has("nextCursor") ? page.json().path("nextCursor").asText() : null;
        } while (cursor != null);
        return all;
    }

    /** The output parts, in order, as rows of column → cell (each part's header line is skipped). */
    private List<Map<String, String>> readCsvOutput(JsonNode job) {
        var rows = new ArrayList<Map<String, String>>();
        String[] header = null;
        for (var uri : job.path("outputs")) {
            for (var line : read(uri.asText()).split("\r?\n")) {
                if (line.isBlank()) {
                    continue;
                }
                var cells = line.split(",", -1);
                if (line.startsWith(FEATURES.get(0) + ",") || (header == null && Set.of(cells).contains("prediction"))) {
                    header = cells;
                    continue;
                }
                assertThat(header).as("the output starts with a header").isNotNull();
                var row = new HashMap<String, String>();
                for (int i = 0; i < cells.length && i < header.length; i++) {
                    row.put(header[i], cells[i]);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private List<JsonNode> readErrorLines(JsonNode job) throws Exception {
        var lines = new ArrayList<JsonNode>();
        for (var uri : job.path("errors")) {
            for (var line : read(uri.asText()).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(Emulator.JSON.readTree(line));
                }
            }
        }
        return lines;
    }

    /** Output rows against {@code POST /models/iris/predict} on the same rows: labels exactly, probabilities to 1e-5. */
    private void assertEqualsOnline(List<String> inputRows, List<Map<String, String>> output, String version) {
        var online = predictOnline(inputRows);
        assertThat(online.path("version").asText()).as("the job's version answered online too").isEqualTo(version);
        for (int i = 0; i < inputRows.size(); i++) {
            var cells = inputRows.get(i).split(",");
            var row = output.get(i);
            for (int f = 0; f < FEATURES.size(); f++) {
                assertThat(Double.parseDouble(row.get(FEATURES.get(f)))).as("row %d %s", i, FEATURES.get(f))
                        .isEqualTo(Double.parseDouble(cells[f]));
            }
            var expected = online.path("predictions").get(i);
            assertThat(row.get("prediction")).as("row %d", i).isEqualTo(expected.path("label").asText());
            final int index = i;
            expected.path("probabilities").fields().forEachRemaining(p -> assertThat(Double.parseDouble(row.get("probability_" + p.getKey())))
                    .as("row %d probability_%s", index, p.getKey()).isCloseTo(p.getValue().asDouble(), within(1e-5)));
        }
    }

    private JsonNode predictOnline(List<String> rows) {
        var body = Emulator.JSON.createObjectNode();
        var instances = body.putArray("instances");
        for (var row : rows) {
            var cells = row.split(",");
            ObjectNode instance = instances.addObject();
            for (int f = 0; f < FEATURES.size(); f++) {
                instance.put(FEATURES.get(f), Double.parseDouble(cells[f]));
            }
        }
        var response = emulator.post("models/iris/predict", body.toString());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("predictions").size()).isEqualTo(rows.size());
        return response.json();
    }

    private String read(String uri) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key(uri))).asUtf8String();
    }

    private String key(String uri) {
        var prefix = "s3://" + bucket + "/";
        assertThat(uri).startsWith(prefix);
        return uri.substring(prefix.length());
    }

    // ---------------------------------------------------------------------------------------------- data

    /** {@code n} valid rows in iris.csv's column order (with the species column as an extra column). */
    private List<String> goodRows(int n) {
        var rows = new ArrayList<String>();
        for (int i = 0; i < n; i++) {
            var cells = irisRows.get(i % irisRows.size()).split(",");
            if (i >= irisRows.size()) { // the second pass differs a little, so no two rows need be the same
                cells[2] = String.format(java.util.Locale.ROOT, "%.1f", Double.parseDouble(cells[2]) + 0.1);
            }
            rows.add(String.join(",", cells));
        }
        return rows;
    }

    private List<String> mixedRows() {
        var rows = goodRows(300);
        BAD_ROWS.forEach(rows::set);
        return rows;
    }

    private static byte[] csv(List<String> rows) {
        return (HEADER + "\n" + String.join("\n", rows) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** 60 objects, the 5th (line 5) with a string where a number belongs. */
    private String jsonl() {
        var text = new StringBuilder();
        var rows = goodRows(60);
        for (int i = 0; i < rows.size(); i++) {
            var cells = rows.get(i).split(",");
            var line = Emulator.JSON.createObjectNode();
            for (int f = 0; f < FEATURES.size(); f++) {
                if (i == 4 && f == 0) {
                    line.put(FEATURES.get(f), "five");
                } else {
                    line.put(FEATURES.get(f), Double.parseDouble(cells[f]));
                }
            }
            line.put("id", "row-" + i);
            text.append(line).append('\n');
        }
        return text.toString();
    }

    /** A valid header and rows, one row with bytes that are not UTF-8 in a feature cell. */
    private byte[] nonUtf8() throws Exception {
        var bytes = new ByteArrayOutputStream();
        bytes.write(csv(goodRows(10)));
        bytes.write("5.1,3.5,1.".getBytes(StandardCharsets.US_ASCII));
        bytes.write(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3, 0x28});
        bytes.write(",0.2,setosa\n".getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }

    /** Several KiB (so several 1 KiB ranges) with one quoted field holding a line break, mid-file. */
    private byte[] quotedNewline() {
        var rows = goodRows(200);
        var text = new StringBuilder("sepal_length,sepal_width,petal_length,petal_width,note\n");
        for (int i = 0; i < rows.size(); i++) {
            var cells = rows.get(i).split(",");
            var note = i == 120 ? "\"first line\nsecond line\"" : "plain";
            text.append(String.join(",", List.of(cells).subList(0, 4))).append(',').append(note).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
