package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The train path as the drift, quality and training tests reach it: a model's jobs list, waiting for a job an event
 * started, the iris training spec, and a function invoked directly (the Lambda Invoke API).
 */
final class TrainCalls {
    private TrainCalls() {
    }

    /** The model's training jobs ({@code GET /jobs?model=}). */
    static List<JsonNode> jobs(Emulator emulator, String model) {
        var response = emulator.get("jobs?model=" + model);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        var out = new ArrayList<JsonNode>();
        response.json().path("jobs").forEach(out::add);
        return out;
    }

    /** Polls the model's jobs until {@code ready}; fails after {@code deadline}, naming the {@code event} that should have started one. */
    static List<JsonNode> awaitJobs(Emulator emulator, String model, Duration deadline, String event,
            Predicate<List<JsonNode>> ready) {
        var until = Instant.now().plus(deadline);
        while (Instant.now().isBefore(until)) {
            var jobs = jobs(emulator, model);
            if (ready.test(jobs)) {
                return jobs;
            }
            sleep(2000);
        }
        return fail("no training job for " + model + " within " + deadline + " of " + event);
    }

    /** A CART classification spec for an iris copy whose data sits under {@code training/<model>/} in the data bucket. */
    static String irisTrainingSpec(String dataBucket, String model) {
        var spec = Emulator.JSON.createObjectNode();
        spec.put("data", "s3://" + dataBucket + "/training/" + model + "/");
        spec.put("target", "species");
        spec.set("features", Emulator.JSON.valueToTree(List.of(Map.of("name", "sepal_length", "type", "float"),
                Map.of("name", "sepal_width", "type", "float"), Map.of("name", "petal_length", "type", "float"),
                Map.of("name", "petal_width", "type", "float"))));
        spec.put("task", "classification");
        spec.set("candidates", Emulator.JSON.valueToTree(List.of(Map.of("algorithm", "cart"))));
        spec.put("metric", "accuracy");
        spec.set("promotion", Emulator.JSON.valueToTree(Map.of("policy", "never")));
        return spec.toString();
    }

    /**
     * Invokes a function as EventBridge or the scheduler would hand it an event (the Lambda Invoke API,
     * request/response), failing on a canned mock.
     */
    static JsonNode invoke(Emulator emulator, String function, String payload) throws Exception {
        var url = emulator.endpoint + "/2015-03-31/functions/" + URLEncoder.encode(function, StandardCharsets.UTF_8) + "/invocations";
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/" + emulator.region.id() + "/lambda/aws4_request, "
                        + "SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.body().contains(Emulator.MOCK_MARKER)) {
            fail("the emulator returned a canned mock instead of running the train function: " + response.body());
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Amz-Function-Error")).as(response.body()).isEmpty();
        return Emulator.JSON.readTree(response.body());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
