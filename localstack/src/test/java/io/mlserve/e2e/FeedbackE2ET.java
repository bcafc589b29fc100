package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.aws.PredictionLogSchema;
import io.mlserve.core.jobs.JobIds;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.PredictionId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Ground truth end to end on the deployed stack: predictions through the API carry ids; feedback through the API
 * (every rejection kind, a duplicate, a conflict) and through a CSV dropped under {@code feedback/<model>/} (a job with
 * its errors file) lands exactly on the logged items; a batch job with {@code logAll} takes feedback by its
 * {@code prediction_id} column.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FeedbackE2ET {
    private static final Path IRIS = Path.of("..", "models", "iris");
    private static final long JOB_DEADLINE_MS = 150_000;

    private Emulator emulator;
    private S3Client s3;
    private DynamoDbClient dynamo;
    private String table;
    private String bucket;
    /** Models of this run only: the emulator may be reused between runs. */
    private String model;
    private String other;
    private final List<String> irisRows = new ArrayList<>();

    @BeforeAll
    void publish() throws Exception {
        emulator = Emulator.fromOutputs();
        s3 = emulator.s3();
        dynamo = emulator.dynamoDb();
        table = emulator.output("PredictionsTableName");
        bucket = emulator.output("DataBucketName");
        var run = Long.toString(System.currentTimeMillis(), 36);
        model = "fb-" + run;
        other = "fb-other-" + run;
        for (var name : List.of(model, other)) {
            var registered = emulator.uploadAndRegister(IRIS, name, "1", null);
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            var promoted = emulator.put("models/" + name + "/aliases/production", "{\"version\": \"1\"}");
            assertThat(promoted.status()).as(promoted.body()).isEqualTo(200);
        }
        Files.readAllLines(IRIS.resolve("iris.csv")).stream().skip(1).filter(l -> !l.isBlank()).forEach(irisRows::add);
    }

    /** Predicts rows {@code from..from+n-1} of iris.csv; @return each row's predictionId, in order. */
    private List<String> predict(String name, int from, int n) {
        var instances = Emulator.JSON.createArrayNode();
        for (int i = from; i < from + n; i++) {
            var cells = irisRows.get(i).split(",");
            instances.addObject().put("sepal_length", Double.parseDouble(cells[0])).put("sepal_width", Double.parseDouble(cells[1]))
                    .put("petal_length", Double.parseDouble(cells[2])).put("petal_width", Double.parseDouble(cells[3]));
        }
        var response = emulator.post("models/" + name + "/predict", "{\"instances\": " + instances + "}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var ids = new ArrayList<String>();
        response.json().path("predictions").forEach(p -> ids.add(p.path("predictionId").asText()));
        assertThat(ids).hasSize(n).doesNotContain("");
        return ids;
    }

    private String species(int row) {
        return irisRows.get(row).split(",")[4];
    }

    private static ObjectNode item(String id, Object actual) {
        var item = Emulator.JSON.createObjectNode().put("predictionId", id);
        item.set("actual", Emulator.JSON.valueToTree(actual));
        return item;
    }

    private Emulator.Response feedback(List<ObjectNode> items) {
        var body = Emulator.JSON.createObjectNode();
        body.putArray("items").addAll(items);
        // the predict key: feedback is a predict-role route
        return emulator.raw("POST", "models/" + model + "/feedback", body.toString().getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"), emulator.predictKey);
    }

    /** @return every logged item of the model's version 1 that carries an actual, by its predictionId */
    private Map<PredictionId, Map<String, AttributeValue>> labelled() {
        var out = new HashMap<PredictionId, Map<String, AttributeValue>>();
        for (var item : LogItems.ofVersion(dynamo, table, model, "1")) {
            if (item.containsKey(PredictionLogSchema.ACTUAL)) {
                out.put(idOf(item), item);
            }
        }
        return out;
    }

    private PredictionId idOf(Map<String, AttributeValue> item) {
        var sk = item.get(PredictionLogSchema.SK).s();
        var ts = Instant.parse(sk.substring(0, sk.indexOf('#')));
        return new PredictionId(new ModelRef(model, "1"), Integer.parseInt(item.get(PredictionLogSchema.SHARD).n()), ts,
                item.get(PredictionLogSchema.REQUEST_ID).s(), Integer.parseInt(item.get(PredictionLogSchema.ROW).n()));
    }

    private static PredictionId decode(String id) {
        return PredictionId.decode(id).orElseThrow();
    }

    @Test
    @Order(1)
    void api_shouldStoreGoodItems_andRejectEachBadOneForItsReason() {
        // GIVEN ten predictions of this model and one of another
        var ids = predict(model, 0, 10);
        var otherId = predict(other, 0, 1).get(0);
        var first = decode(ids.get(0));
        var forged = ids.get(5).substring(0, ids.get(5).length() - 3) + (ids.get(5).endsWith("AAA") ? "BBB" : "AAA");
        var neverLogged = new PredictionId(first.model(), first.shard(), first.timestamp(), "no-such-request", 0).encode();
        var expired = new PredictionId(first.model(), 0, Instant.now().minus(Duration.ofDays(31)), "old", 0).encode();

        // WHEN five good items and one of each rejection go in one call
        var response = feedback(List.of(item(ids.get(0), species(0)), item(ids.get(1), species(1)), item(ids.get(2), species(2)),
                item(ids.get(3), "virginica"), item(ids.get(4), "setosa"),
                item(forged, "setosa"), item(neverLogged, "setosa"), item(otherId, "setosa"), item(ids.get(6), "virginia"),
                item(ids.get(7), 2), item(expired, "setosa"), (ObjectNode) Emulator.JSON.createObjectNode().put("actual", "setosa")));

        // THEN 200 with one result per item, in order
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var codes = new ArrayList<String>();
        response.json().path("results").forEach(r -> codes.add(r.path("status").asText().equals("accepted") ? "ok"
                : r.path("problem").path("code").asText()));
        assertThat(codes).containsExactly("ok", "ok", "ok", "ok", "ok", "UNKNOWN_PREDICTION", "UNKNOWN_PREDICTION", "OTHER_MODEL",
                "INVALID_ACTUAL", "INVALID_ACTUAL", "EXPIRED", "MALFORMED_ITEM");
        assertThat(response.json().path("accepted").asInt()).isEqualTo(5);
        assertThat(response.json().path("rejected").asInt()).isEqualTo(7);

        // WHEN the same actual comes again, and a different one for a labelled prediction
        var again = feedback(List.of(item(ids.get(0), species(0)), item(ids.get(1), "virginica".equals(species(1)) ? "setosa" : "virginica")));

        // THEN a no-op and a refusal, never an overwrite
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().at("/results/0/status").asText()).isEqualTo("accepted");
        assertThat(again.json().at("/results/0/duplicate").asBoolean()).isTrue();
        assertThat(again.json().at("/results/1/problem/code").asText()).isEqualTo("CONFLICTING_ACTUAL");

        // AND the log holds exactly the five actuals, on exactly those rows
        var labelled = labelled();
        var expected = Map.of(decode(ids.get(0)), species(0), decode(ids.get(1)), species(1), decode(ids.get(2)), species(2),
                decode(ids.get(3)), "virginica", decode(ids.get(4)), "setosa");
        assertThat(labelled.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((id, actual) -> {
            assertThat(labelled.get(id).get(PredictionLogSchema.ACTUAL).s()).isEqualTo(actual);
            assertThat(labelled.get(id)).containsKey(PredictionLogSchema.LABELLED_AT).containsKey(PredictionLogSchema.OUTPUT);
        });

        // AND only a body that is not a feedback call is a 400
        var malformed = emulator.raw("POST", "models/" + model + "/feedback", "{\"items\": 5}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"), emulator.predictKey);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().at("/error/code").asText()).isEqualTo("INVALID_BODY");
        var tooMany = new ArrayList<ObjectNode>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(item("x", "setosa"));
        }
        var over = feedback(tooMany);
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.json().at("/error/code").asText()).isEqualTo("TOO_MANY_ITEMS");
    }

    @Test
    @Order(2)
    void csv_shouldRunAsAJob_storeGoodLines_andListBadOnesInItsErrorsFile() throws Exception {
        // GIVEN five predictions and a file: three good lines, one bad label, one forged id
        var before = labelled().size();
        var ids = predict(model, 20, 5);
        var csv = "predictionId,actual,observedAt\n"
                + ids.get(0) + "," + species(20) + ",2026-12-04T10:00:00Z\n"
                + ids.get(1) + "," + species(21) + ",\n"
                + ids.get(2) + ",virginia,\n"
                + ids.get(3) + "x," + species(23) + ",\n"
                + ids.get(4) + "," + species(24) + ",\n";
        var key = "feedback/" + model + "/labels-" + System.nanoTime() + ".csv";

        // WHEN it is uploaded under feedback/<model>/
        var etag = s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(csv)).eTag();
        var jobId = JobIds.feedback(bucket, key, etag);
        var job = awaitEnded(jobId);

        // THEN a feedback job counted every line, and its errors file names the two bad ones
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("type").asText()).isEqualTo("feedback");
        assertThat(job.path("model").asText()).isEqualTo(model);
        assertThat(job.path("rowsRead").asLong()).isEqualTo(5);
        assertThat(job.path("rowsRejected").asLong()).isEqualTo(2);
        assertThat(job.path("rowsAccepted").asLong()).isEqualTo(3);
        var errors = job.path("errors");
        assertThat(errors).hasSize(1);
        var errorsKey = errors.get(0).asText().substring(("s3://" + bucket + "/").length());
        var lines = s3.getObjectAsBytes(b -> b.bucket(bucket).key(errorsKey)).asUtf8String().lines().map(FeedbackE2ET::json).toList();
        assertThat(lines).extracting(l -> l.path("line").asLong() + ":" + l.at("/problem/code").asText())
                .containsExactly("4:INVALID_ACTUAL", "5:UNKNOWN_PREDICTION");
        var labelled = labelled();
        assertThat(labelled).hasSize(before + 3);
        assertThat(labelled.get(decode(ids.get(0))).get(PredictionLogSchema.ACTUAL).s()).isEqualTo(species(20));
        assertThat(labelled.get(decode(ids.get(0))).get(PredictionLogSchema.OBSERVED_AT).s()).isEqualTo("2026-12-04T10:00:00Z");
        assertThat(labelled).containsKeys(decode(ids.get(1)), decode(ids.get(4))).doesNotContainKeys(decode(ids.get(2)));
    }

    @Test
    @Order(3)
    void batchWithLogAll_shouldLogEveryRow_andTakeFeedbackByItsPredictionIdColumn() throws Exception {
        // GIVEN a 30-row file predicted by a batch job that logs every row
        var before = labelled().size();
        var key = "exports/" + model + "/rows.csv";
        var rows = new StringBuilder("sepal_length,sepal_width,petal_length,petal_width,species\n");
        for (int i = 40; i < 70; i++) {
            rows.append(irisRows.get(i)).append('\n');
        }
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(rows.toString()));
        var submitted = emulator.raw("POST", "models/" + model + "/jobs", ("{\"input\": \"s3://" + bucket + "/" + key
                + "\", \"logAll\": true}").getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"),
                emulator.predictKey);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        var job = awaitEnded(submitted.json().path("jobId").asText());
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("rowsPredicted").asLong()).isEqualTo(30);

        // WHEN each output row's prediction_id goes back with its species
        var items = new ArrayList<ObjectNode>();
        for (var part : job.path("outputs")) {
            var text = s3.getObjectAsBytes(b -> b.bucket(bucket).key(part.asText().substring(("s3://" + bucket + "/").length())))
                    .asUtf8String();
            var lines = text.lines().toList();
            var header = List.of(lines.get(0).split(","));
            assertThat(header.get(header.size() - 1)).isEqualTo("prediction_id");
            for (var line : lines.subList(1, lines.size())) {
                var cells = line.split(",");
                items.add(item(cells[cells.length - 1], cells[header.indexOf("species")]));
            }
        }
        assertThat(items).hasSize(30);
        var response = feedback(items);

        // THEN every row was logged and takes its actual
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("accepted").asInt()).as(response.body()).isEqualTo(30);
        var batchItems = LogItems.ofVersion(dynamo, table, model, "1").stream()
                .filter(i -> i.get(PredictionLogSchema.REQUEST_ID).s().equals(job.path("jobId").asText())).toList();
        assertThat(batchItems).hasSize(30).allSatisfy(i -> assertThat(i).containsKey(PredictionLogSchema.ACTUAL));
        assertThat(labelled()).hasSize(before + 30);
    }

    private static JsonNode json(String text) {
        try {
            return Emulator.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Polls {@code GET /jobs/{jobId}} until the job has ended. */
    private JsonNode awaitEnded(String jobId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + JOB_DEADLINE_MS;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            var response = emulator.raw("GET", "jobs/" + jobId, null, Map.of(), emulator.predictKey);
            if (response.status() == 200) {
                last = response.json();
                var status = last.path("status").asText();
                if (status.equals("SUCCEEDED") || status.equals("FAILED")) {
                    return last;
                }
            } else {
                assertThat(response.status()).as("GET /jobs/%s: %s", jobId, response.body()).isEqualTo(404);
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("job " + jobId + " did not end in time; last: " + last);
    }
}
