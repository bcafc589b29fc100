package io.mlserve.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The deployed stack as the tests see it: stack outputs from {@code localstack/outputs.json}, SDK
 * clients on the emulator endpoint, and an HTTP client that refuses canned emulator answers.
 */
final class Emulator {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The emulator answers a Java function it did not really run with this body. */
    static final String MOCK_MARKER = "Mock response";

    final JsonNode outputs;
    final String apiUrl;
    /** The admin key: every route (registration, aliases, audit, the log). */
    final String apiKey;
    /** A predict key: predict and read-only routes. */
    final String predictKey;
    final URI endpoint;
    final Region region;
    final AwsCredentialsProvider credentials;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Emulator(JsonNode outputs) {
        this.outputs = outputs;
        var url = outputs.path("ApiUrl").asText();
        this.apiUrl = url.endsWith("/") ? url : url + "/";
        this.apiKey = outputs.path("AdminApiKey").asText(outputs.path("ApiKey").asText(null));
        this.predictKey = outputs.path("PredictApiKey").asText(null);
        this.endpoint = URI.create(env("AWS_ENDPOINT_URL", "http://localhost:4566"));
        this.region = Region.of(env("AWS_REGION", env("AWS_DEFAULT_REGION", "us-east-1")));
        this.credentials = System.getenv("AWS_ACCESS_KEY_ID") != null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }

    static Emulator fromOutputs() throws IOException {
        var path = Path.of(env("MLSERVE_OUTPUTS", "outputs.json"));
        if (!Files.exists(path)) {
            throw new IllegalStateException(path.toAbsolutePath() + " is missing: deploy the stack first (localstack/deploy.sh)");
        }
        return new Emulator(JSON.readTree(path.toFile()));
    }

    String output(String name) {
        var value = outputs.path(name).asText(null);
        if (value == null) {
            throw new IllegalStateException("outputs.json has no " + name);
        }
        return value;
    }

    S3Client s3() {
        return S3Client.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(endpoint)
                .region(region).credentialsProvider(credentials).forcePathStyle(true).build();
    }

    software.amazon.awssdk.services.sqs.SqsClient sqs() {
        return software.amazon.awssdk.services.sqs.SqsClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint).region(region).credentialsProvider(credentials).build();
    }

    software.amazon.awssdk.services.eventbridge.EventBridgeClient eventBridge() {
        return software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint).region(region).credentialsProvider(credentials).build();
    }

    DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(endpoint)
                .region(region).credentialsProvider(credentials).build();
    }

    /**
     * Removes a version's pinned S3 object versions from its registry item, so it reads as a version registered before
     * pinning: the predict function then loads the current files, which only the sha256 recorded at registration guards.
     * Call it before the version is first loaded (containers keep what they loaded).
     *
     * @param model model name
     * @param version version
     */
    void unpin(String model, String version) {
        try (var dynamoDb = dynamoDb()) {
            dynamoDb.updateItem(b -> b.tableName(output("RegistryTableName"))
                    .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("MODEL#" + model),
                            "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("VERSION#" + version)))
                    .updateExpression("REMOVE objectVersions"));
        }
    }

    /**
     * A response from the API.
     *
     * @param status HTTP status
     * @param body raw body
     * @param json parsed body
     */
    record Response(int status, String body, JsonNode json) {}

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(apiUrl + path)).GET());
    }

    /** A call with no API key: the status only (see {@link #raw} for the body). */
    int statusWithoutKey(String method, String path, String body) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    Response post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(apiUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response post(String path, String body, String callerKey) {
        return send(HttpRequest.newBuilder(URI.create(apiUrl + path))
                .header("Content-Type", "application/json")
                .header("X-Caller-Key", callerKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response put(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(apiUrl + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * Uploads a model folder's files under another name/version (rewriting the manifest to match) and
     * registers it through the API, as a user would.
     */
    Response uploadAndRegister(java.nio.file.Path folder, String name, String version, byte[] onnxOverride) throws IOException {
        return uploadAndRegister(folder, name, version, onnxOverride, null);
    }

    /** As above, the registration body also carrying {@code reference} (a CSV the version's drift baseline is made of) when not null. */
    Response uploadAndRegister(java.nio.file.Path folder, String name, String version, byte[] onnxOverride, String reference)
            throws IOException {
        var manifest = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(folder.resolve("manifest.json").toFile());
        manifest.put("name", name).put("version", version);
        var onnx = onnxOverride != null ? onnxOverride : java.nio.file.Files.readAllBytes(folder.resolve("model.onnx"));
        try (var s3 = s3()) {
            var store = new io.mlserve.aws.S3ModelStore(s3, output("ModelsBucketName"));
            store.putVersion(new io.mlserve.core.model.ModelRef(name, version), JSON.writeValueAsBytes(manifest), onnx);
        }
        var body = JSON.createObjectNode()
                .put("location", "s3://" + output("ModelsBucketName") + "/models/" + name + "/" + version + "/");
        if (reference != null) {
            body.put("reference", reference);
        }
        return post("models/" + name + "/versions", body.toString());
    }

    /** Publishes a folder as its manifest's name and version and makes it production (idempotent). */
    void publish(java.nio.file.Path folder) throws IOException {
        var manifest = JSON.readTree(folder.resolve("manifest.json").toFile());
        var name = manifest.path("name").asText();
        var version = manifest.path("version").asText();
        var registered = uploadAndRegister(folder, name, version, null);
        if (registered.status() != 201 && registered.status() != 409) {
            throw new AssertionError("registering " + name + ":" + version + " failed: " + registered.body());
        }
        var promoted = put("models/" + name + "/aliases/production", JSON.createObjectNode().put("version", version).toString());
        if (promoted.status() != 200) {
            throw new AssertionError("promoting " + name + ":" + version + " failed: " + promoted.body());
        }
    }

    /**
     * Any request, as a hostile or clumsy client would send it: no header is added but those given
     * ({@code x-api-key} only when {@code key} is not null). The body is parsed as JSON when it is JSON.
     */
    Response raw(String method, String path, byte[] body, Map<String, String> headers, String key) {
        var request = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        if (key != null) {
            request.header("x-api-key", key);
        }
        try {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            var text = response.body();
            if (text.contains(MOCK_MARKER)) {
                throw new AssertionError("the emulator returned a canned mock instead of running the Java handler: " + text);
            }
            JsonNode json = null;
            try {
                json = JSON.readTree(text);
            } catch (IOException e) {
                json = null;
            }
            return new Response(response.statusCode(), text, json);
        } catch (IOException e) {
            throw new AssertionError("API call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private Response send(HttpRequest.Builder request) {
        if (apiKey != null) {
            request.header("x-api-key", apiKey);
        }
        try {
            var response = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            var body = response.body();
            // A canned answer means no Java code ran: fail loudly, never count it as a pass.
            if (body.contains(MOCK_MARKER)) {
                throw new AssertionError("the emulator returned a canned mock instead of running the Java handler: " + body);
            }
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response is not JSON (status " + response.statusCode() + "): " + body, e);
            }
            return new Response(response.statusCode(), body, json);
        } catch (IOException e) {
            throw new AssertionError("API call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static String env(String name, String fallback) {
        var value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
