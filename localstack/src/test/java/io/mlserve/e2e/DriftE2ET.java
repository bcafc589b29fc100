package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Drift detection on the emulator (issue 9), through the API, the prediction log, EventBridge and the train function:
 * a copy of iris gets a baseline from its reference CSV in the data bucket; too few logged rows give
 * {@code insufficient-data}; unshifted traffic through the predict API gives {@code no-drift}; traffic with one
 * feature moved by 2σ flags that feature only, and the HTML report renders in headless Chromium (screenshot kept in
 * {@code target/drift-report.png}); the check's {@code DriftDetected} starts one training job (the model has a spec and
 * retrain on), and a second event within the cooldown starts none. Small data (iris, a few hundred rows): well under
 * three minutes on a warm stack.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DriftE2ET {
    private static final Path IRIS = Path.of("..", "models", "iris");
    static final Path SCREENSHOT = Path.of("target", "drift-report.png");
    private static final Path REPORT_HTML = Path.of("target", "drift-report.html");
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 1600;
    private static final String SHIFTED = "sepal_width";
    private static final int MIN_SAMPLES = 200;
    private static final int WINDOW_ROWS = 300;
    /** The rule's delivery and a cold train function. */
    private static final Duration EVENT_DEADLINE = Duration.ofSeconds(90);

    private Emulator emulator;
    private S3Client s3;
    private String dataBucket;
    private String model;
    /** Reference rows (header dropped): sepal_length, sepal_width, petal_length, petal_width, species. */
    private final List<String[]> reference = new ArrayList<>();
    private double shiftedStd;
    private String driftJob;

    @BeforeAll
    void setUp() throws Exception {
        emulator = Emulator.fromOutputs();
        s3 = emulator.s3();
        dataBucket = emulator.output("DataBucketName");
        model = "drift-e2e-" + Long.toString(System.currentTimeMillis() % 10_000_000, 36);
        var csv = Files.readString(IRIS.resolve("iris.csv"));
        csv.lines().skip(1).filter(l -> !l.isBlank()).forEach(l -> reference.add(l.split(",")));
        var values = reference.stream().mapToDouble(r -> Double.parseDouble(r[1])).toArray();
        double mean = java.util.Arrays.stream(values).average().orElseThrow();
        shiftedStd = Math.sqrt(java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length);

        var registered = emulator.uploadAndRegister(IRIS, model, "1", null);
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        var promoted = emulator.put("models/" + model + "/aliases/production", "{\"version\": \"1\"}");
        assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
        upload("reference/" + model + "/iris.csv", csv);
        upload("training/" + model + "/iris.csv", csv);
    }

    @AfterAll
    void tearDown() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    @Order(1)
    void baseline_shouldBeComputedFromTheReferenceCsv_throughTheApi() {
        // WHEN
        var put = emulator.put("models/" + model + "/versions/1/baseline",
                "{\"data\": \"s3://" + dataBucket + "/reference/" + model + "/iris.csv\"}");

        // THEN
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).contains("sepal_length", "sepal_width", "petal_length", "petal_width");
        var stored = s3.getObjectAsBytes(b -> b.bucket(emulator.output("ModelsBucketName"))
                .key("models/" + model + "/1/baseline.json")).asUtf8String();
        assertThat(stored).contains("\"source\"", "reference", "\"rows\"");
    }

    @Test
    @Order(1)
    void registration_shouldComputeTheBaselineFromItsReference_andRegisterNothingWhenTheReferenceIsMissing() throws Exception {
        var reference = "s3://" + dataBucket + "/reference/" + model + "/iris.csv";

        // WHEN version 2 is registered with a reference
        var registered = emulator.uploadAndRegister(IRIS, model, "2", null, reference);

        // THEN it is registered (not promoted) with its baseline beside it
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        assertThat(registered.json().at("/baseline/rows").asLong()).isEqualTo(reference().size());
        var stored = s3.getObjectAsBytes(b -> b.bucket(emulator.output("ModelsBucketName"))
                .key("models/" + model + "/2/baseline.json")).asUtf8String();
        assertThat(Emulator.JSON.readTree(stored).path("version").asText()).isEqualTo("2");

        // AND a reference that does not exist refuses the registration whole
        var missing = emulator.uploadAndRegister(IRIS, model, "3", null, "s3://" + dataBucket + "/reference/" + model + "/none.csv");
        assertThat(missing.status()).as(missing.body()).isEqualTo(404);
        assertThat(emulator.get("models/" + model + "/versions").body()).doesNotContain("\"3\"");
    }

    private List<String[]> reference() {
        return reference;
    }

    @Test
    @Order(2)
    void check_shouldSayInsufficientData_whenTooFewRowsWereLogged() {
        // GIVEN a config with a small window and retrain on (the model has no training spec yet)
        var config = emulator.put("models/" + model + "/drift/config", Emulator.JSON.createObjectNode()
                .put("minSamples", MIN_SAMPLES).put("retrain", true).put("cooldownMinutes", 60)
                .set("window", Emulator.JSON.createObjectNode().put("hours", 1).put("lastRows", WINDOW_ROWS)).toString());
        assertThat(config.status()).as(config.body()).isEqualTo(200);
        var read = emulator.get("models/" + model + "/drift/config");
        assertThat(read.json().path("minSamples").asInt()).as(read.body()).isEqualTo(MIN_SAMPLES);
        assertThat(read.json().path("retrain").asBoolean()).isTrue();
        predict(rows(50, new Random(1), 0));

        // WHEN
        var report = check(r -> r.path("samples").asLong() >= 50);

        // THEN
        assertThat(report.path("verdict").asText()).as(report.toString()).isEqualTo("insufficient-data");
        assertThat(report.path("samples").asLong()).isEqualTo(50);
        assertThat(report.path("reason").asText()).isNotBlank();
    }

    @Test
    @Order(3)
    void check_shouldRaiseNoAlarm_onUnshiftedTraffic() {
        // GIVEN the reference distribution, resampled
        predict(rows(WINDOW_ROWS, new Random(2), 0));

        // WHEN
        var report = check(r -> r.path("samples").asLong() >= WINDOW_ROWS);

        // THEN
        assertThat(report.path("verdict").asText()).as(report.toString()).isEqualTo("no-drift");
        assertThat(report.path("samples").asLong()).isEqualTo(WINDOW_ROWS);
        assertThat(report.path("features")).hasSize(4).allSatisfy(f -> assertThat(f.path("drifted").asBoolean()).isFalse());
        var history = emulator.get("models/" + model + "/drift/history");
        assertThat(history.status()).as(history.body()).isEqualTo(200);
        assertThat(history.body()).contains("no-drift", "insufficient-data");
    }

    @Test
    @Order(4)
    void check_shouldFlagTheShiftedFeatureOnly_andStartOneTrainingJob() {
        // GIVEN a training spec (so drift may retrain), and traffic with sepal_width moved by 2σ
        var spec = emulator.put("models/" + model + "/training", TrainCalls.irisTrainingSpec(dataBucket, model));
        assertThat(spec.status()).as(spec.body()).isEqualTo(200);
        predict(rows(WINDOW_ROWS, new Random(3), 2 * shiftedStd));

        // WHEN
        var report = check(r -> !r.path("verdict").asText().equals("no-drift"));

        // THEN the shifted feature, and no other feature, drifted
        assertThat(report.path("verdict").asText()).as(report.toString()).isEqualTo("drift");
        var drifted = new ArrayList<String>();
        report.path("features").forEach(f -> {
            if (f.path("drifted").asBoolean()) {
                drifted.add(f.path("name").asText());
            }
        });
        assertThat(drifted).as(report.toString()).containsExactly(SHIFTED);
        var latest = emulator.get("models/" + model + "/drift");
        assertThat(latest.status()).as(latest.body()).isEqualTo(200);
        assertThat(latest.json().path("verdict").asText()).isEqualTo("drift");

        // AND DriftDetected, routed by the rule to the train function, started one job with trigger drift
        var jobs = TrainCalls.awaitJobs(emulator, model, EVENT_DEADLINE, "DriftDetected", list -> !list.isEmpty());
        assertThat(jobs).as(jobs.toString()).hasSize(1);
        driftJob = jobs.get(0).path("jobId").asText();
        var job = emulator.get("jobs/" + driftJob).json();
        assertThat(job.path("type").asText()).isEqualTo("train");
        assertThat(job.path("trigger").asText()).as(job.toString()).isEqualTo("drift");
    }

    @Test
    @Order(5)
    void reportPage_shouldRenderInHeadlessChromium_withTheShiftedFeatureFirst() throws Exception {
        // GIVEN the page as a predict key reads it (saved to a file: the route needs the x-api-key header)
        var page = emulator.raw("GET", "models/" + model + "/drift/report", null, Map.of(), emulator.predictKey);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("<svg", SHIFTED).doesNotContainIgnoringCase("<script");
        Files.createDirectories(REPORT_HTML.toAbsolutePath().getParent());
        Files.writeString(REPORT_HTML, page.body());
        var url = REPORT_HTML.toAbsolutePath().toUri().toString();

        // WHEN
        var chromium = DocsPageE2ET.Chromium.find();
        var dom = chromium.dumpDom(url);
        chromium.screenshot(url, SCREENSHOT, WIDTH, HEIGHT);

        // THEN a drawn page: the verdict, every feature, charts; the shifted feature before the stable ones
        assertThat(dom).contains("<svg", "sepal_length", "petal_length", "petal_width");
        assertThat(dom.toLowerCase(Locale.ROOT)).contains("drift");
        assertThat(dom.indexOf(SHIFTED)).isLessThan(dom.indexOf("petal_width"));
        DocsPageE2ET.assertNonTrivialPng(SCREENSHOT, WIDTH, HEIGHT);
    }

    @Test
    @Order(6)
    void secondDriftDetected_shouldStartNoJob_withinTheCooldown() throws Exception {
        // WHEN the check finds drift again (a second DriftDetected through the rule) ...
        var report = emulator.post("models/" + model + "/drift", "{}");
        assertThat(report.status()).as(report.body()).isEqualTo(200);
        assertThat(report.json().path("verdict").asText()).isEqualTo("drift");
        // ... and the train function is handed the same event directly, to read its answer
        var answer = TrainCalls.invoke(emulator, emulator.output("TrainFunctionName"), Emulator.JSON.createObjectNode()
                .put("source", "mlserve.drift").put("detail-type", "DriftDetected").put("time", Instant.now().toString())
                .set("detail", Emulator.JSON.createObjectNode().put("model", model).put("version", "1")).toString());

        // THEN nothing started: the cooldown (not the running job's lock) refused it
        assertThat(answer.path("started").asBoolean()).as(answer.toString()).isFalse();
        assertThat(answer.path("reason").asText()).contains("cooldown");
        TrainCalls.sleep(15_000); // the rule's delivery of the second event, and its no-op
        var jobs = TrainCalls.jobs(emulator, model);
        assertThat(jobs).as(jobs.toString()).hasSize(1);
        assertThat(jobs.get(0).path("jobId").asText()).isEqualTo(driftJob);
        var job = emulator.get("jobs/" + driftJob).json();
        assertThat(job.path("skippedTriggers").isMissingNode() || job.path("skippedTriggers").asLong() == 0)
                .as("a lock skip would count here: %s", job).isTrue();
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Iris rows drawn from the reference with replacement; {@value #SHIFTED} moved by {@code shift}. */
    private List<Map<String, Double>> rows(int n, Random random, double shift) {
        var out = new ArrayList<Map<String, Double>>();
        for (int i = 0; i < n; i++) {
            var r = reference.get(random.nextInt(reference.size()));
            out.add(Map.of("sepal_length", Double.parseDouble(r[0]), "sepal_width", round(Double.parseDouble(r[1]) + shift),
                    "petal_length", Double.parseDouble(r[2]), "petal_width", Double.parseDouble(r[3])));
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private void predict(List<Map<String, Double>> rows) {
        var body = Emulator.JSON.createObjectNode();
        body.set("instances", Emulator.JSON.valueToTree(rows));
        var response = emulator.post("models/" + model + "/predict", body.toString());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("predictions")).hasSize(rows.size());
    }

    /** Runs a check now until the report satisfies {@code ready} (the log is written as the predictions are answered). */
    private JsonNode check(Predicate<JsonNode> ready) {
        var deadline = Instant.now().plusSeconds(30);
        JsonNode report = null;
        while (Instant.now().isBefore(deadline)) {
            var response = emulator.post("models/" + model + "/drift", "{}");
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            report = response.json();
            if (ready.test(report)) {
                return report;
            }
            TrainCalls.sleep(2000);
        }
        return report;
    }

    private void upload(String key, String text) {
        s3.putObject(b -> b.bucket(dataBucket).key(key), RequestBody.fromString(text, StandardCharsets.UTF_8));
    }
}
