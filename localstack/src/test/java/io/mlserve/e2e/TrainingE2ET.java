package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Training on the emulator (issue 8), through the API, EventBridge Scheduler and the train function: a spec with a
 * schedule creates the schedule, and its firing (the target it names, invoked with its Input) trains two candidates
 * side by side; version 1 is promoted and answers predictions; a second trigger meanwhile is 409; a challenger that
 * is not better by the margin is registered but not promoted; each broken dataset fails with its reason while the
 * serving version keeps answering. Data is generated (a few hundred rows) so the suite stays fast.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class TrainingE2ET {
    /** A job on the emulator: cold JVMs for prepare, two candidates (Tribuo + ONNX Runtime) and select. */
    private static final Duration JOB_DEADLINE = Duration.ofMinutes(5);
    private static final String HEADER = "customer,tenure,charges,contract,churned";

    private Emulator emulator;
    private S3Client s3;
    private String dataBucket;
    private String modelsBucket;
    private String run;
    private String model;
    private String firstJob;
    /** Broken dataset case → its model and job. */
    private final Map<String, String[]> broken = new LinkedHashMap<>();

    @BeforeAll
    void setUp() throws Exception {
        emulator = Emulator.fromOutputs();
        s3 = emulator.s3();
        dataBucket = emulator.output("DataBucketName");
        modelsBucket = emulator.output("ModelsBucketName");
        run = Long.toString(System.currentTimeMillis() % 10_000_000, 36);
        model = "train-e2e-" + run;
        upload("training/" + model + "/part-1.csv", csv(200, new Random(1), false));
        upload("training/" + model + "/part-2.csv", csv(150, new Random(2), false));
        upload("training/" + model + "/README.txt", "not a .csv: ignored");
    }

    @AfterAll
    void tearDown() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    @Order(1)
    void scheduleFiring_shouldTrainTwoCandidatesInParallel_andPromoteVersion1() throws Exception {
        // GIVEN a spec with a schedule
        var put = emulator.put("models/" + model + "/training", spec(model, "rate(1 day)", 0.0,
                List.of(Map.of("algorithm", "logistic-regression", "params", Map.of("epochs", 5)), Map.of("algorithm", "cart"))).toString());
        assertThat(put.status()).as(put.body()).isEqualTo(200);

        // THEN the Scheduler schedule exists, with the train function as target and the start input
        String target;
        String input;
        try (var scheduler = scheduler()) {
            var schedule = scheduler.getSchedule(b -> b.groupName("mlserve-MlServe").name("train-" + model));
            assertThat(schedule.scheduleExpression()).isEqualTo("rate(1 day)");
            target = schedule.target().arn();
            input = schedule.target().input();
            assertThat(scheduler.listSchedules(b -> b.groupName("mlserve-MlServe").namePrefix("train-" + model)).schedules())
                    .extracting(s -> s.name()).contains("train-" + model);
        }
        var start = Emulator.JSON.readTree(input);
        assertThat(start.path("action").asText()).isEqualTo("start");
        assertThat(start.path("model").asText()).isEqualTo(model);

        // WHEN the schedule fires (its target invoked with its input: the emulator's hourly wait is not the test's)
        var fired = TrainCalls.invoke(emulator, target, input);
        assertThat(fired.path("started").asBoolean()).as(fired.toString()).isTrue();
        firstJob = fired.path("jobId").asText();
        assertThat(firstJob).matches("t-[0-9a-f]{32}");

        // AND a second trigger arrives while it runs
        var second = emulator.post("models/" + model + "/train", "{}");
        assertThat(second.status()).as(second.body()).isEqualTo(409);
        assertThat(second.json().at("/error/code").asText()).isEqualTo("TRAINING_RUNNING");
        assertThat(second.json().at("/error/details/jobId").asText()).isEqualTo(firstJob);

        // THEN the job succeeds with both candidates trained side by side
        var job = await(firstJob);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("type").asText()).isEqualTo("train");
        var candidates = job.path("candidates");
        assertThat(candidates).hasSize(2);
        for (var c : candidates) {
            assertThat(c.path("status").asText()).as(c.toString()).isEqualTo("SUCCEEDED");
            assertThat(c.at("/metrics/accuracy").asDouble()).isGreaterThan(0.7);
            assertThat(c.path("trainingMs").asLong()).isPositive();
        }
        // side by side: the Map handed both candidates to the function before either answered (each step's own
        // window, startedAt/endedAt, need not overlap: one candidate may wait for a cold JVM the other does not)
        assertThat(candidatesScheduledBeforeTheFirstFinished(firstJob)).as("execution history of %s", firstJob).isEqualTo(2);
        assertThat(window(candidates.get(0))[0]).isBefore(window(candidates.get(0))[1]);
        assertThat(job.at("/dataFingerprint/objects")).hasSize(2);
        assertThat(job.at("/dataFingerprint/rows").asLong()).isEqualTo(350);
        assertThat(job.path("version").asText()).isEqualTo("1");
        assertThat(job.path("promoted").asBoolean()).isTrue();
        assertThat(job.path("trigger").asText()).isEqualTo("schedule");

        // AND version 1 serves, with its baseline beside it
        var prediction = emulator.post("models/" + model + "/predict", instances());
        assertThat(prediction.status()).as(prediction.body()).isEqualTo(200);
        assertThat(prediction.json().path("version").asText()).isEqualTo("1");
        assertThat(prediction.json().at("/predictions/0/label").asText()).isIn("yes", "no");
        var baseline = Emulator.JSON.readTree(s3.getObjectAsBytes(r -> r.bucket(modelsBucket).key("models/" + model + "/1/baseline.json"))
                .asByteArray());
        assertThat(baseline.path("source").asText()).isEqualTo("training");
        assertThat(baseline.path("features")).hasSize(3);
        var manifest = Emulator.JSON.readTree(s3.getObjectAsBytes(r -> r.bucket(modelsBucket).key("models/" + model + "/1/manifest.json"))
                .asByteArray());
        assertThat(manifest.path("samples")).hasSize(5);
        assertThat(manifest.at("/producedBy/candidates")).hasSize(2);
    }

    @Test
    @Order(2)
    void apiTrigger_shouldRegisterButNotPromote_aChallengerThatIsNotBetterByTheMargin() {
        // GIVEN a weak candidate (a one-split tree) and a margin no challenger can clear
        var put = emulator.put("models/" + model + "/training",
                spec(model, null, 0.5, List.of(Map.of("algorithm", "cart", "params", Map.of("maxDepth", 1)))).toString());
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        try (var scheduler = scheduler()) { // the spec without a schedule removed it
            assertThat(scheduler.listSchedules(b -> b.groupName("mlserve-MlServe").namePrefix("train-" + model)).schedules()).isEmpty();
        }

        // WHEN
        var started = emulator.post("models/" + model + "/train", "{}");

        // THEN version 2 is registered as a candidate; version 1 keeps serving
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        var job = await(started.json().path("jobId").asText());
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("version").asText()).isEqualTo("2");
        assertThat(job.path("promoted").asBoolean()).isFalse();
        assertThat(job.path("servingVersion").asText()).isEqualTo("1");
        assertThat(job.at("/servingMetrics/accuracy").isNumber()).isTrue();
        assertThat(job.path("promotionReason").asText()).contains("serving version 1", "margin");
        var versions = emulator.get("models/" + model + "/versions");
        assertThat(versions.body()).contains("\"2\"");
        assertThat(emulator.post("models/" + model + "/predict", instances()).json().path("version").asText()).isEqualTo("1");
    }

    @Test
    @Order(3)
    void apiTrigger_shouldPromote_aChallengerBetterByTheMargin_andPredictServesIt() {
        // GIVEN the world changed: the same customers now churn the other way round (labels inverted), so version 1
        // is wrong on new data, and a spec whose margin a retrained model clears easily
        upload("training/" + model + "/part-1.csv", inverted(csv(200, new Random(3), false)));
        upload("training/" + model + "/part-2.csv", inverted(csv(150, new Random(4), false)));
        var put = emulator.put("models/" + model + "/training", spec(model, null, 0.05,
                List.of(Map.of("algorithm", "logistic-regression", "params", Map.of("epochs", 5)), Map.of("algorithm", "cart"))).toString());
        assertThat(put.status()).as(put.body()).isEqualTo(200);

        // WHEN
        var started = emulator.post("models/" + model + "/train", "{}");

        // THEN version 3 beats production (version 1) on the same held-out rows by more than the margin: promoted, served
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        var job = await(started.json().path("jobId").asText());
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("version").asText()).isEqualTo("3");
        assertThat(job.path("servingVersion").asText()).isEqualTo("1");
        double challenger = job.path("candidates").get(job.path("champion").asInt()).at("/metrics/accuracy").asDouble();
        double serving = job.at("/servingMetrics/accuracy").asDouble();
        assertThat(challenger - serving).as(job.toString()).isGreaterThan(0.05);
        assertThat(job.path("promoted").asBoolean()).as(job.toString()).isTrue();
        var answer = emulator.post("models/" + model + "/predict", instances()).json();
        assertThat(answer.path("version").asText()).isEqualTo("3");
        // the retrained model learned the new rule: a short-tenure monthly customer now stays
        assertThat(answer.at("/predictions/0/label").asText()).as(answer.toString()).isEqualTo("no");
        var audit = emulator.get("models/" + model + "/audit").body();
        assertThat(audit).contains("\"training\"");
    }

    @Test
    @Order(4)
    void brokenDatasets_shouldEachFailWithTheirReason_whileTheServingVersionAnswers() {
        // GIVEN one model per broken dataset (each trains under its own lock, so they run side by side)
        var rows = new Random(5);
        var cases = new LinkedHashMap<String, String>();
        cases.put("nodata", null);
        cases.put("notarget", "customer,tenure,charges,contract\n1,3,50.0,monthly\n2,40,70.5,yearly\n");
        cases.put("nan", csv(120, rows, false).lines().map(l -> l.startsWith("customer") ? l : l.replaceFirst(",[^,]*,", ",NaN,"))
                .reduce("", (x, y) -> x + y + "\n"));
        cases.put("oneclass", csv(120, rows, false).replace(",yes\n", ",no\n"));
        cases.put("fewrows", HEADER + "\n1,3,50.0,monthly,yes\n2,40,70.5,yearly,no\n");
        for (var c : cases.entrySet()) {
            var name = "train-e2e-" + run + "-" + c.getKey();
            if (c.getValue() != null) {
                upload("training/" + name + "/data.csv", c.getValue());
            }
            var put = emulator.put("models/" + name + "/training",
                    spec(name, null, 0.0, List.of(Map.of("algorithm", "logistic-regression"))).toString());
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            var started = emulator.post("models/" + name + "/train", "{}");
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            broken.put(c.getKey(), new String[] {name, started.json().path("jobId").asText()});
        }

        // THEN each fails with a reason a person can read
        var expected = Map.of("nodata", "no .csv", "notarget", "churned", "nan", "tenure", "oneclass", "class", "fewrows", "row");
        for (var c : broken.entrySet()) {
            var job = await(c.getValue()[1]);
            assertThat(job.path("status").asText()).as("%s: %s", c.getKey(), job).isEqualTo("FAILED");
            var reason = job.path("failureReason").asText();
            assertThat(reason.toLowerCase(Locale.ROOT)).as(c.getKey()).contains(expected.get(c.getKey()));
            assertThat(reason).as(c.getKey()).doesNotContain("Exception", "\tat ", "stackTrace");
            assertThat(job.path("version").isMissingNode() || job.path("version").isNull()).as(c.getKey()).isTrue();
            var versions = emulator.get("models/" + c.getValue()[0] + "/versions");
            assertThat(versions.status()).as("nothing registered for %s", c.getKey()).isEqualTo(404);
        }
        // AND the serving version of the trained model still answers
        var prediction = emulator.post("models/" + model + "/predict", instances());
        assertThat(prediction.status()).isEqualTo(200);
        assertThat(prediction.json().path("version").asText()).isEqualTo("3"); // promoted by the previous test
    }

    // ---- helpers -----------------------------------------------------------------------------

    private ObjectNode spec(String name, String schedule, double margin, List<Map<String, Object>> candidates) {
        var spec = Emulator.JSON.createObjectNode();
        spec.put("data", "s3://" + dataBucket + "/training/" + name + "/");
        spec.put("target", "churned");
        spec.set("features", Emulator.JSON.valueToTree(List.of(Map.of("name", "tenure", "type", "float"),
                Map.of("name", "charges", "type", "double"), Map.of("name", "contract", "type", "string"))));
        spec.put("task", "classification");
        spec.set("candidates", Emulator.JSON.valueToTree(candidates));
        spec.put("metric", "accuracy");
        spec.set("split", Emulator.JSON.valueToTree(Map.of("testFraction", 0.25, "seed", 7)));
        spec.set("promotion", Emulator.JSON.valueToTree(Map.of("policy", "if-better", "margin", margin)));
        if (schedule != null) {
            spec.put("schedule", schedule);
        }
        return spec;
    }

    /** Churn-like rows: a short tenure on a monthly contract churns (with a little noise); extra column {@code customer}. */
    private static String csv(int rows, Random random, boolean shuffled) {
        var sb = new StringBuilder(HEADER).append('\n');
        String[] contracts = {"monthly", "yearly", "two-year"};
        for (int i = 0; i < rows; i++) {
            int tenure = random.nextInt(72);
            double charges = 20 + random.nextDouble() * 100;
            var contract = contracts[random.nextInt(3)];
            boolean churned = (tenure < 24 && contract.equals("monthly")) ^ random.nextDouble() < 0.03;
            if (shuffled) {
                churned = random.nextBoolean();
            }
            sb.append(i).append(',').append(tenure).append(',').append(String.format(Locale.ROOT, "%.2f", charges)).append(',')
                    .append(contract).append(',').append(churned ? "yes" : "no").append('\n');
        }
        return sb.toString();
    }

    /** The same rows with the opposite label. */
    private static String inverted(String csv) {
        return csv.replace(",yes\n", ",was-yes\n").replace(",no\n", ",yes\n").replace(",was-yes\n", ",no\n");
    }

    private static String instances() {
        return "{\"instances\": [{\"tenure\": 3, \"charges\": 80.5, \"contract\": \"monthly\"}, "
                + "{\"tenure\": 60, \"charges\": 30.0, \"contract\": \"two-year\"}]}";
    }

    private void upload(String key, String text) {
        s3.putObject(b -> b.bucket(dataBucket).key(key), RequestBody.fromString(text, StandardCharsets.UTF_8));
    }

    private JsonNode await(String jobId) {
        var deadline = Instant.now().plus(JOB_DEADLINE);
        JsonNode job = null;
        while (Instant.now().isBefore(deadline)) {
            var response = emulator.get("jobs/" + jobId);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            job = response.json();
            var status = job.path("status").asText();
            if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
                return job;
            }
            TrainCalls.sleep(2000);
        }
        return fail("job " + jobId + " did not end within " + JOB_DEADLINE + ": " + job);
    }

    /** Counts, in the job's execution history, the candidate invocations scheduled before the first one ended. */
    private int candidatesScheduledBeforeTheFirstFinished(String jobId) {
        var executionArn = emulator.output("TrainStateMachineArn").replace(":stateMachine:", ":execution:") + ":" + jobId;
        try (var sfn = SfnClient.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(emulator.endpoint)
                .region(emulator.region).credentialsProvider(emulator.credentials).build()) {
            var events = sfn.getExecutionHistory(b -> b.executionArn(executionArn).maxResults(1000)).events();
            int scheduled = 0;
            boolean inMap = false;
            for (var event : events) {
                var type = event.type();
                if (type == HistoryEventType.MAP_STATE_ENTERED) {
                    inMap = true;
                } else if (inMap && type == HistoryEventType.TASK_SCHEDULED) {
                    scheduled++;
                } else if (inMap && (type == HistoryEventType.TASK_SUCCEEDED || type == HistoryEventType.TASK_FAILED
                        || type == HistoryEventType.MAP_STATE_EXITED)) {
                    break;
                }
            }
            return scheduled;
        }
    }

    private static Instant[] window(JsonNode candidate) {
        return new Instant[] {Instant.parse(candidate.path("startedAt").asText()), Instant.parse(candidate.path("endedAt").asText())};
    }

    private SchedulerClient scheduler() {
        return SchedulerClient.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(emulator.endpoint)
                .region(emulator.region).credentialsProvider(emulator.credentials).build();
    }
}
