package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * Model quality on ground truth on the emulator (issue 12), through the predict, feedback and quality APIs, the canary
 * guard, EventBridge and the train function: predictions of a copy of iris get actuals for a known subset (some of
 * them deliberately not what the model said), and {@code GET .../quality} equals what the same pairs give by counting
 * (count, labelled, coverage, confusion matrix, accuracy, macro F1, log loss); a canary whose predictions the actuals
 * contradict is rolled back by the guard's {@code maxAccuracyDrop}; production below its {@code minAccuracy} floor
 * raises {@code ModelQualityDegraded}, which starts one training job, and a second event within the cooldown starts
 * none; the quality page renders in headless Chromium (screenshot in {@code target/quality-report.png}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class QualityE2ET {
    private static final Path IRIS = Path.of("..", "models", "iris");
    static final Path SCREENSHOT = Path.of("target", "quality-report.png");
    private static final Path REPORT_HTML = Path.of("target", "quality-report.html");
    private static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");
    private static final Duration EVENT_DEADLINE = Duration.ofSeconds(120);

    private Emulator emulator;
    private S3Client s3;
    private String dataBucket;
    private String model;
    private final List<Map<String, Double>> reference = new ArrayList<>();

    /** One answered row: its id, version, predicted label and probabilities; the actual sent, or null. */
    record Answered(String predictionId, String version, String label, Map<String, Double> probabilities, String actual) {}

    private final List<Answered> step1 = new ArrayList<>();

    @BeforeAll
    void setUp() throws Exception {
        emulator = Emulator.fromOutputs();
        s3 = emulator.s3();
        dataBucket = emulator.output("DataBucketName");
        model = "quality-e2e-" + Long.toString(System.currentTimeMillis() % 10_000_000, 36);
        var csv = Files.readString(IRIS.resolve("iris.csv"));
        csv.lines().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",")).forEach(r -> reference.add(Map.of(
                "sepal_length", Double.parseDouble(r[0]), "sepal_width", Double.parseDouble(r[1]),
                "petal_length", Double.parseDouble(r[2]), "petal_width", Double.parseDouble(r[3]))));
        var registered = emulator.uploadAndRegister(IRIS, model, "1", null);
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        var promoted = emulator.put("models/" + model + "/aliases/production", "{\"version\": \"1\"}");
        assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
        s3.putObject(b -> b.bucket(dataBucket).key("training/" + model + "/iris.csv"), RequestBody.fromString(csv, StandardCharsets.UTF_8));
    }

    @AfterAll
    void tearDown() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    @Order(1)
    void quality_shouldEqualTheCountsOfTheSamePairs_whenASubsetIsLabelled() {
        // GIVEN 60 predictions; 40 of them labelled: every 5th labelled one with a species other than the predicted one
        var answered = predict("1", 60, 0, "caller-1");
        var items = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < answered.size(); i++) {
            var a = answered.get(i);
            String actual = i >= 40 ? null : i % 5 == 0 ? other(a.label(), i) : a.label();
            step1.add(new Answered(a.predictionId(), a.version(), a.label(), a.probabilities(), actual));
            if (actual != null) {
                items.add(Map.of("predictionId", a.predictionId(), "actual", actual));
            }
        }
        feedback(items);

        // WHEN
        var quality = awaitQuality("version=1", q -> q.path("labelled").asLong() >= 40);

        // THEN exactly what the pairs give
        var labelled = step1.stream().filter(a -> a.actual() != null).toList();
        assertThat(quality.path("count").asLong()).as(quality.toString()).isEqualTo(60);
        assertThat(quality.path("labelled").asLong()).isEqualTo(40);
        assertThat(quality.path("coverage").asDouble()).isEqualTo(40.0 / 60);
        var metrics = quality.path("metrics");
        assertThat(Emulator.JSON.convertValue(metrics.path("confusionMatrix"), Map.class)).isEqualTo(confusion(labelled));
        assertThat(metrics.at("/accuracy/value").asDouble()).isEqualTo(labelled.stream().filter(a -> a.actual().equals(a.label())).count() / 40.0);
        assertThat(metrics.at("/macroF1/value").asDouble()).isCloseTo(macroF1(labelled), within(1e-12));
        assertThat(metrics.at("/logLoss/value").asDouble()).isCloseTo(logLoss(labelled), within(1e-9));
        assertThat(metrics.at("/accuracy/low").asDouble()).isLessThan(metrics.at("/accuracy/value").asDouble());
        assertThat(metrics.at("/accuracy/high").asDouble()).isGreaterThan(metrics.at("/accuracy/value").asDouble());

        // AND without version: per version; a bad window is a 400
        var all = emulator.get("models/" + model + "/quality");
        assertThat(all.json().at("/versions/1/labelled").asLong()).as(all.body()).isEqualTo(40);
        var bad = emulator.get("models/" + model + "/quality?from=2026-12-04T11:00:00Z&to=2026-12-04T10:00:00Z");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().at("/error/code").asText()).isEqualTo("INVALID_TIME_RANGE");
    }

    @Test
    @Order(2)
    void canary_shouldBeRolledBack_whenItsAccuracyIntervalLiesBelowProductionMinusTheDrop() throws Exception {
        // GIVEN version 2 as a 50% canary with a ground-truth limit (and no chance of a latency or error rollback)
        var registered = emulator.uploadAndRegister(IRIS, model, "2", null);
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        var canary = emulator.put("models/" + model + "/aliases/canary", "{\"version\": \"2\", \"weight\": 50, \"guard\": {"
                + "\"maxErrorRate\": 1, \"maxP95LatencyMs\": 600000, \"minRequests\": 1, \"windowMinutes\": 30,"
                + " \"maxAccuracyDrop\": 0.05, \"minLabelled\": 20}}");
        assertThat(canary.status()).as(canary.body()).isEqualTo(200);
        assertThat(canary.json().at("/guard/maxAccuracyDrop").asDouble()).as(canary.body()).isEqualTo(0.05);

        // AND traffic on both (pinned with ?version=, as the split would send it), labelled: production right, canary mostly wrong
        var items = new ArrayList<Map<String, Object>>();
        var v1 = predict("1", 40, 60, "caller-a");
        var v2 = predict("2", 40, 100, "caller-b");
        v1.forEach(a -> items.add(Map.of("predictionId", a.predictionId(), "actual", a.label())));
        for (int i = 0; i < v2.size(); i++) {
            var a = v2.get(i);
            items.add(Map.of("predictionId", a.predictionId(), "actual", i % 4 == 0 ? a.label() : other(a.label(), i)));
        }
        feedback(items);

        // WHEN the guard runs (EventBridge, every minute)
        JsonNode described = null;
        var deadline = Instant.now().plusSeconds(150);
        while (Instant.now().isBefore(deadline)) {
            described = emulator.get("models/" + model).json();
            if (described.path("canaryWeight").asInt() == 0) {
                break;
            }
            Thread.sleep(3000);
        }

        // THEN rolled back, for its accuracy
        assertThat(described.path("canaryWeight").asInt()).as(described.toString()).isZero();
        assertThat(described.path("production").asText()).isEqualTo("1");
        var entries = emulator.get("models/" + model + "/audit").json().path("entries");
        var last = entries.get(entries.size() - 1);
        assertThat(last.path("action").asText()).isEqualTo("CANARY_ROLLED_BACK");
        assertThat(last.path("reason").asText()).as(last.toString()).startsWith("accuracy 0.2500").contains("< production's");
    }

    @Test
    @Order(3)
    void degradedProduction_shouldRaiseModelQualityDegradedOnce_withinTheCooldown() throws Exception {
        // GIVEN a training spec, and a quality config whose floor production breaks (72 of its 80 labelled rows right: 0.9 < 0.99)
        var spec = emulator.put("models/" + model + "/training", TrainCalls.irisTrainingSpec(dataBucket, model));
        assertThat(spec.status()).as(spec.body()).isEqualTo(200);
        var config = emulator.put("models/" + model + "/quality/config",
                "{\"schedule\": \"rate(1 day)\", \"window\": {\"hours\": 1}, \"minLabelled\": 20, \"floors\": {\"minAccuracy\": 0.99},"
                        + " \"retrain\": true, \"cooldownMinutes\": 60}");
        assertThat(config.status()).as(config.body()).isEqualTo(200);
        assertThat(emulator.get("models/" + model + "/quality/config").json().at("/floors/minAccuracy").asDouble()).isEqualTo(0.99);
        var refused = emulator.put("models/" + model + "/quality/config", "{\"floors\": {\"maxMape\": 0.1}, \"minLabelled\": 0}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("INVALID_QUALITY_CONFIG");
        assertThat(refused.json().at("/error/details/problems")).hasSize(2);

        // WHEN a check runs
        var check = emulator.post("models/" + model + "/quality", "{}");

        // THEN degraded, published, and the rule's delivery to the train function started one job with trigger quality
        assertThat(check.status()).as(check.body()).isEqualTo(200);
        assertThat(check.json().path("verdict").asText()).as(check.body()).isEqualTo("degraded");
        assertThat(check.json().path("eventId").asText()).isNotBlank();
        var jobs = TrainCalls.awaitJobs(emulator, model, EVENT_DEADLINE, "ModelQualityDegraded", list -> !list.isEmpty());
        assertThat(jobs).as(jobs.toString()).hasSize(1);
        var jobId = jobs.get(0).path("jobId").asText();
        assertThat(emulator.get("jobs/" + jobId).json().path("trigger").asText()).isEqualTo("quality");

        // AND a second degraded check within the cooldown starts nothing (the train function's answer says why)
        assertThat(emulator.post("models/" + model + "/quality", "{}").json().path("verdict").asText()).isEqualTo("degraded");
        var answer = TrainCalls.invoke(emulator, emulator.output("TrainFunctionName"), Emulator.JSON.createObjectNode()
                .put("source", "mlserve.quality").put("detail-type", "ModelQualityDegraded").put("time", Instant.now().toString())
                .set("detail", Emulator.JSON.createObjectNode().put("model", model).put("version", "1")).toString());
        assertThat(answer.path("started").asBoolean()).as(answer.toString()).isFalse();
        assertThat(answer.path("reason").asText()).contains("cooldown: quality started training");
        Thread.sleep(15_000); // the rule's delivery of the second event, and its no-op
        assertThat(TrainCalls.jobs(emulator, model)).as("jobs after the second event").hasSize(1);
    }

    @Test
    @Order(4)
    void reportPage_shouldRenderInHeadlessChromium_withALinePerVersion() throws Exception {
        // GIVEN the page as a predict key reads it
        var page = emulator.raw("GET", "models/" + model + "/quality/report", null, Map.of(), emulator.predictKey);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("<svg").doesNotContainIgnoringCase("<script");
        Files.createDirectories(REPORT_HTML.toAbsolutePath().getParent());
        Files.writeString(REPORT_HTML, page.body());
        var url = REPORT_HTML.toAbsolutePath().toUri().toString();

        // WHEN
        var chromium = DocsPageE2ET.Chromium.find();
        var dom = chromium.dumpDom(url);
        chromium.screenshot(url, SCREENSHOT, 1100, 1400);

        // THEN one line and band per version that has labelled rows
        assertThat(dom).contains("quality-chart", "version 1 (production)", "version 2");
        assertThat(count(dom, "<polyline")).isEqualTo(2);
        assertThat(count(dom, "<polygon")).isEqualTo(2);
        DocsPageE2ET.assertNonTrivialPng(SCREENSHOT, 1100, 1400);
    }

    // ---- the reference: the same pairs, counted here ---------------------------------------------------------------

    private static Map<String, Map<String, Integer>> confusion(List<Answered> labelled) {
        var labels = new TreeSet<String>();
        labelled.forEach(a -> {
            labels.add(a.actual());
            labels.add(a.label());
        });
        var matrix = new TreeMap<String, Map<String, Integer>>();
        for (var actual : labels) {
            var row = new TreeMap<String, Integer>();
            labels.forEach(p -> row.put(p, 0));
            matrix.put(actual, row);
        }
        labelled.forEach(a -> matrix.get(a.actual()).merge(a.label(), 1, Integer::sum));
        return matrix;
    }

    private static double macroF1(List<Answered> labelled) {
        var labels = new TreeSet<String>();
        labelled.forEach(a -> {
            labels.add(a.actual());
            labels.add(a.label());
        });
        double sum = 0;
        for (var c : labels) {
            long tp = labelled.stream().filter(a -> a.actual().equals(c) && a.label().equals(c)).count();
            long predicted = labelled.stream().filter(a -> a.label().equals(c)).count();
            long actual = labelled.stream().filter(a -> a.actual().equals(c)).count();
            sum += 2.0 * tp / (predicted + actual);
        }
        return sum / labels.size();
    }

    private static double logLoss(List<Answered> labelled) {
        double eps = Math.ulp(1.0);
        return labelled.stream().mapToDouble(a -> -Math.log(Math.min(Math.max(a.probabilities().getOrDefault(a.actual(), 0.0), eps), 1 - eps)))
                .sum() / labelled.size();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static String other(String label, int i) {
        var others = SPECIES.stream().filter(s -> !s.equals(label)).toList();
        return others.get(i % others.size());
    }

    /** n iris rows (from {@code offset} in the CSV), pinned to a version, answered in one request. */
    private List<Answered> predict(String version, int n, int offset, String caller) {
        var rows = new ArrayList<Map<String, Double>>();
        for (int i = 0; i < n; i++) {
            rows.add(reference.get((offset + i * 7) % reference.size()));
        }
        var body = Emulator.JSON.createObjectNode();
        body.set("instances", Emulator.JSON.valueToTree(rows));
        var response = emulator.post("models/" + model + "/predict?version=" + version, body.toString(), caller);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("version").asText()).isEqualTo(version);
        var out = new ArrayList<Answered>();
        for (var p : response.json().path("predictions")) {
            var probabilities = new TreeMap<String, Double>();
            p.path("probabilities").properties().forEach(e -> probabilities.put(e.getKey(), e.getValue().asDouble()));
            assertThat(p.path("predictionId").asText()).as(p.toString()).isNotBlank();
            out.add(new Answered(p.path("predictionId").asText(), version, p.path("label").asText(), probabilities, null));
        }
        assertThat(out).hasSize(n);
        return out;
    }

    private void feedback(List<Map<String, Object>> items) {
        var body = Emulator.JSON.createObjectNode();
        body.set("items", Emulator.JSON.valueToTree(items));
        var response = emulator.post("models/" + model + "/feedback", body.toString());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        response.json().path("results").forEach(r -> assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("accepted"));
        assertThat(response.json().path("results")).hasSize(items.size());
    }

    private JsonNode awaitQuality(String query, Predicate<JsonNode> ready) {
        var deadline = Instant.now().plusSeconds(30);
        JsonNode quality = null;
        while (Instant.now().isBefore(deadline)) {
            var response = emulator.get("models/" + model + "/quality?" + query);
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            quality = response.json();
            if (ready.test(quality)) {
                return quality;
            }
            TrainCalls.sleep(2000);
        }
        return quality;
    }

    private static long count(String text, String needle) {
        long n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }
}
