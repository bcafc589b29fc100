package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.model.ModelRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The deployed API as an attacker and a clumsy client would try it (issue 13): a generated corpus of
 * hostile requests — wrong types, non-finite and oversized numbers, deep nesting, oversized and
 * non-UTF-8 bodies, wrong content types, trailing content, duplicate keys, injection and traversal in
 * path and query, forged cursors, bad keys, predict keys on admin routes, unknown routes and methods,
 * out-of-range canary guards and weights — must get no 5xx, only the error contract, no internals,
 * no prediction-log item and no registry change. Then one regression test per failure the issue lists.
 *
 * <p>Every request goes through {@link Emulator#raw}: no header is added but those a case names.
 * Requests are sequential and paced under the usage plans (admin: 10 req/s), so a 429 means the
 * pacing is wrong, not the case: it is retried and counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestsE2ET {
    private static final Path IRIS = Path.of("..", "models", "iris");
    /** Another valid model (its own manifest and sha256) to swap in behind a registered iris version. */
    private static final Path MLP = Path.of("..", "models", "mlp-classifier");
    /** The functions' MAX_REQUEST_BYTES (FunctionConfig default, unchanged by the stack). */
    private static final int MAX_REQUEST_BYTES = 1_048_576;
    /** The predict function's MODEL_CACHE_VERSIONS: versions one container keeps loaded. */
    private static final int MODEL_CACHE_VERSIONS = 8;
    /** Warm predict containers re-read aliases every MODEL_ALIAS_TTL_SECONDS (5 s in the stack). */
    private static final long ALIAS_PROPAGATION_MS = 6_000;
    /** Spacing between calls with the admin key: its usage plan allows 10 req/s (burst 20). */
    private static final long ADMIN_SPACING_MS = 120;
    /** Spacing between other calls: the predict plan allows 50 req/s (burst 100). */
    private static final long OTHER_SPACING_MS = 25;
    /** A 404 for an unknown model or version loads nothing: it must come back this fast (95th percentile). */
    private static final long QUICK_404_P95_MS = 2_000;

    /**
     * What no response body may contain: class, package and library names, stack frames. The corpus
     * never sends any of them (checked when it is built), so one in a response came from the server.
     */
    private static final List<String> INTERNALS = List.of(
            "Exception", "java.", "com.fasterxml", "jackson", "Jackson", "io.mlserve", "StreamReadConstraints", "\tat ",
            "software.amazon");

    /**
     * Non-2xx answers exempt from the error-contract shape check because the emulator generates them
     * and they cannot be customised there. None is known: MiniStack 1.5.33 applies the stack's gateway
     * responses (missing key, refused key, unknown route, throttling, payload too large) from the
     * deployment. If a run shows one that the stack does put in the contract on AWS, add it here —
     * narrowly (status and body), with the MiniStack version and the reason — and nowhere else. The
     * 5xx and internals checks apply to every response regardless.
     */
    private static final Predicate<Emulator.Response> EMULATOR_CONTRACT_EXCEPTION = response -> false;

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final Map<String, String> NO_HEADERS = Map.of();
    private static final String VALID_ROW =
            "{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}";
    private static final String VALID_PREDICT = "{\"instances\": [" + VALID_ROW + "]}";
    /** Features of the iris model with a valid value each; cases replace one of them. */
    private static final Map<String, String> FEATURES = new LinkedHashMap<>(Map.of(
            "sepal_length", "5.1", "sepal_width", "3.5", "petal_length", "1.4", "petal_width", "0.2"));
    private static final String VALID_CANARY = "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"maxErrorRate\": 0.1}}";
    private static final DateTimeFormatter SORTABLE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final byte[] CURSOR_CHECK_PREFIX = "mlserve/prediction-log-cursor/v1\n".getBytes(StandardCharsets.UTF_8);

    private static final Expect MALFORMED = Expect.of(400, "MALFORMED_JSON");
    private static final Expect BAD_INSTANCES = Expect.of(400, "INVALID_INSTANCES");
    private static final Expect BAD_INSTANCES_OR_PARSE = Expect.of(400, "INVALID_INSTANCES", "MALFORMED_JSON");
    private static final Expect BAD_REQUEST = Expect.of(400, "INVALID_REQUEST");
    private static final Expect TOO_LARGE = Expect.of(413, "PAYLOAD_TOO_LARGE");
    private static final Expect MEDIA_TYPE = Expect.of(415, "UNSUPPORTED_MEDIA_TYPE");
    private static final Expect FORBIDDEN = Expect.of(403, "FORBIDDEN");
    private static final Expect NO_VALID_KEY = Expect.oneOf(List.of(401, 403), "UNAUTHORIZED", "FORBIDDEN", "INVALID_API_KEY");
    private static final Expect NO_ROUTE = Expect.oneOf(List.of(404, 405), "ROUTE_NOT_FOUND", "METHOD_NOT_ALLOWED");
    private static final Expect BAD_GUARD = Expect.of(400, "INVALID_GUARD");
    private static final Expect BAD_WEIGHT = Expect.of(400, "INVALID_WEIGHT");
    private static final Expect BAD_CURSOR = Expect.of(400, "INVALID_CURSOR");
    private static final Expect BAD_NAME = Expect.oneOf(List.of(400, 404), "INVALID_MODEL_NAME", "MODEL_NOT_FOUND", "ROUTE_NOT_FOUND");
    /**
     * A control character in the path: the emulator decodes it into the method ARN, which the
     * authorizer's {@code prod/*}{@code /*} Allow then does not match, so API Gateway refuses the call
     * (403 FORBIDDEN, in the contract) before any function sees it. Refused either way.
     */
    private static final Expect BAD_NAME_OR_REFUSED_ARN =
            Expect.oneOf(List.of(400, 403, 404), "INVALID_MODEL_NAME", "MODEL_NOT_FOUND", "ROUTE_NOT_FOUND", "FORBIDDEN");
    private static final Expect BAD_VERSION = Expect.oneOf(List.of(400, 404), "INVALID_VERSION", "VERSION_NOT_FOUND");
    private static final Expect NON_UTF8 = Expect.of(400, "INVALID_ENCODING", "MALFORMED_JSON", "INVALID_INSTANCES");

    private Emulator emulator;
    private String adminKey;
    private String predictKey;
    private String bucket;
    private String suffix;
    /** The corpus target: v1 production, v2 candidate; never sent a valid prediction. */
    private String corpusModel;
    /** Regression 1: v1 production, v2 candidate for the NaN guard. */
    private String guardModel;
    /** Regression 2: v1 production, v2 whose files are swapped, and an unregistered "ghost" folder. */
    private String pinnedModel;
    /** Regressions 3 and 4 and the genuine cursor: v1 production, takes valid predictions. */
    private String servedModel;
    /** Regression 5: v1 production, v2 a canary whose bytes are replaced after registration. */
    private String canaryModel;
    private String sampleRequest;
    /** A real {@code nextCursor} of {@code GET /predictions?model=<served>&version=1&limit=1}. */
    private String genuineCursor;
    private final Map<String, Long> lastSent = new HashMap<>();
    private int throttledRetries;

    @BeforeAll
    void publishModels() throws Exception {
        emulator = Emulator.fromOutputs();
        adminKey = emulator.apiKey;
        predictKey = emulator.predictKey;
        assertThat(adminKey).as("AdminApiKey in outputs.json").isNotBlank();
        assertThat(predictKey).as("PredictApiKey in outputs.json").isNotBlank().isNotEqualTo(adminKey);
        bucket = emulator.output("ModelsBucketName");
        sampleRequest = Files.readString(IRIS.resolve("sample-request.json"));
        suffix = Long.toString(System.currentTimeMillis(), 36); // the emulator may be reused between runs
        corpusModel = "hostile-" + suffix;
        guardModel = "hostile-guard-" + suffix;
        pinnedModel = "hostile-pinned-" + suffix;
        servedModel = "hostile-served-" + suffix;
        canaryModel = "hostile-canary-" + suffix;
        for (var name : List.of(corpusModel, guardModel, pinnedModel, servedModel, canaryModel)) {
            register(name, "1");
            promote(name, "1");
        }
        for (var name : List.of(corpusModel, guardModel, pinnedModel, canaryModel)) {
            register(name, "2");
        }

        // Three logged rows for the served model give a real cursor to alter and forge.
        var predicted = send("POST", "models/" + servedModel + "/predict", utf8(sampleRequest), JSON, predictKey);
        assertThat(predicted.status()).as(predicted.body()).isEqualTo(200);
        var page = send("GET", "predictions?model=" + servedModel + "&version=1&limit=1", null, NO_HEADERS, adminKey);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        genuineCursor = page.json().path("nextCursor").asText(null);
        assertThat(genuineCursor).as("nextCursor of a one-row page of three rows: " + page.body()).isNotBlank();
    }

    // ---------------------------------------------------------------------------------------------
    // The corpus
    // ---------------------------------------------------------------------------------------------

    @Test
    void hostileCorpus_shouldBeRefusedInTheContractAndLeaveNoTrace_whenRequestsAreHostile() throws Exception {
        // GIVEN the corpus, the target's prediction-log counts and its registry state
        var cases = corpus();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(250);
        var loggedBefore = loggedCounts(corpusModel);
        var registryBefore = registrySnapshot(corpusModel);

        // WHEN every case is sent, one after the other
        long started = System.nanoTime();
        int retriedBefore = throttledRetries;
        var failures = new ArrayList<String>();
        var byCategory = new TreeMap<String, Integer>();
        var statuses = new TreeMap<Integer, Integer>();
        var codes = new TreeMap<String, Integer>();
        for (var c : cases) {
            byCategory.merge(c.category(), 1, Integer::sum);
            Emulator.Response response;
            try {
                response = send(c.method(), c.path(), c.body(), c.headers(), c.key());
            } catch (AssertionError e) { // a dropped connection or a canned mock: a failure of this case, not of the run
                failures.add(c.label() + ": no answer: " + e.getMessage());
                continue;
            }
            statuses.merge(response.status(), 1, Integer::sum);
            var code = errorCode(response);
            if (code != null) {
                codes.merge(code, 1, Integer::sum);
            }
            for (var problem : problems(c, response)) {
                failures.add(c.label() + ": " + problem + "; body: " + abbreviate(response.body()));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "hostile corpus: %d requests in %.1f s; cases %s; statuses %s; codes %s; retried after 429: %d%n",
                cases.size(), seconds, byCategory, statuses, codes, throttledRetries - retriedBefore);

        // THEN every case got an acceptable refusal
        assertThat(failures).as("cases answered wrongly (%d of %d)", failures.size(), cases.size()).isEmpty();
        // AND no rejected request left a prediction-log item
        assertThat(loggedCounts(corpusModel)).as("prediction-log items of " + corpusModel).isEqualTo(loggedBefore);
        // AND no refused change touched the registry: aliases, revision, versions, audit trail
        var registryAfter = registrySnapshot(corpusModel);
        assertThat(registryAfter.audit().size()).as("audit entries").isEqualTo(registryBefore.audit().size());
        assertThat(registryAfter.model()).as("GET /models/" + corpusModel).isEqualTo(registryBefore.model());
        assertThat(registryAfter.audit()).as("GET /models/" + corpusModel + "/audit").isEqualTo(registryBefore.audit());
        assertThat(registryAfter.items()).as("registry items (aliases with revision, versions, audit)")
                .isEqualTo(registryBefore.items());
    }

    /** @return every case, named and grouped by category */
    private List<Case> corpus() {
        var corpus = new Corpus();
        wrongTypes(corpus);
        numbers(corpus);
        structure(corpus);
        sizes(corpus);
        encodings(corpus);
        contentTypes(corpus);
        trailingContent(corpus);
        duplicateKeys(corpus);
        paths(corpus);
        queries(corpus);
        cursors(corpus);
        keys(corpus);
        roles(corpus);
        routes(corpus);
        guards(corpus);
        registrations(corpus);
        return corpus.cases();
    }

    /** Each feature, in an otherwise valid row, given a value of the wrong JSON type. */
    private void wrongTypes(Corpus corpus) {
        var values = List.of("\"5.1\"", "\"\"", "\"NaN\"", "true", "[5.1]", "{\"value\": 5.1}");
        for (var feature : FEATURES.keySet()) {
            for (var value : values) {
                corpus.predict("types", feature + " = " + value, predictBody(row(feature, value)), BAD_INSTANCES);
            }
        }
    }

    /** Non-finite, out-of-range, overlong and malformed numbers. */
    private void numbers(Corpus corpus) {
        var refused = new LinkedHashMap<String, Expect>();
        refused.put("NaN", BAD_INSTANCES);
        refused.put("Infinity", BAD_INSTANCES);
        refused.put("-Infinity", BAD_INSTANCES);
        refused.put("+Infinity", BAD_INSTANCES_OR_PARSE);
        refused.put("INF", BAD_INSTANCES_OR_PARSE);
        refused.put("1e999", BAD_INSTANCES);
        refused.put("-1e999", BAD_INSTANCES);
        refused.put("1.8e308", BAD_INSTANCES);
        refused.put("1e308", BAD_INSTANCES);
        refused.put("4e38", BAD_INSTANCES);
        refused.put("-1", BAD_INSTANCES);
        refused.put("12.0001", BAD_INSTANCES);
        refused.put("1e2", BAD_INSTANCES);
        refused.put("9223372036854775808", BAD_INSTANCES);
        refused.put("-9223372036854775809", BAD_INSTANCES);
        refused.put("4294967346", BAD_INSTANCES);
        refused.put("1" + "0".repeat(99), BAD_INSTANCES_OR_PARSE); // 100 digits: the longest number the parser reads
        refused.put("9".repeat(100) + ".5", MALFORMED);
        refused.put("1" + "0".repeat(100), MALFORMED);
        refused.put("7".repeat(1000), MALFORMED);
        refused.put("0x1F", MALFORMED);
        refused.put("1_000", MALFORMED);
        refused.put(".5", MALFORMED);
        refused.put("05", MALFORMED);
        refused.put("5.", MALFORMED);
        refused.put("1e", MALFORMED);
        refused.put("--1", MALFORMED);
        refused.put("nan", MALFORMED);
        refused.put("infinity", MALFORMED);
        refused.forEach((value, expect) -> corpus.predict("numbers", "sepal_length = " + abbreviate(value, 24),
                predictBody(row("sepal_length", value)), expect));
        corpus.predict("numbers", "every feature NaN", predictBody(rowOf("NaN")), BAD_INSTANCES);
        corpus.predict("numbers", "every feature 1e999", predictBody(rowOf("1e999")), BAD_INSTANCES);
        corpus.predict("numbers", "valid row, then a row of 100-digit numbers",
                "{\"instances\": [" + VALID_ROW + ", " + rowOf("9".repeat(100)) + "]}", BAD_INSTANCES_OR_PARSE);
    }

    /** Bodies of the wrong shape, and nesting far beyond the parser's limit. */
    private void structure(Corpus corpus) {
        var bodies = new LinkedHashMap<String, Expect>();
        bodies.put("", MALFORMED);
        bodies.put("   ", MALFORMED);
        bodies.put("null", BAD_REQUEST);
        bodies.put("42", BAD_REQUEST);
        bodies.put("\"instances\"", BAD_REQUEST);
        bodies.put("[" + VALID_ROW + "]", BAD_REQUEST);
        bodies.put("{}", BAD_REQUEST);
        bodies.put("{\"instances\": null}", BAD_REQUEST);
        bodies.put("{\"instances\": {}}", BAD_REQUEST);
        bodies.put("{\"instances\": \"" + VALID_ROW.replace("\"", "\\\"") + "\"}", BAD_REQUEST);
        bodies.put("{\"instances\": []}", Expect.of(400, "EMPTY_INSTANCES"));
        bodies.put("{\"instances\": [1]}", BAD_INSTANCES);
        bodies.put("{\"instances\": [[5.1, 3.5, 1.4, 0.2]]}", BAD_INSTANCES);
        bodies.put("{\"instances\": [{}]}", BAD_INSTANCES);
        bodies.put("{\"instances\": [" + VALID_ROW + ", null]}", BAD_INSTANCES);
        bodies.put("{\"instances\": [" + VALID_ROW + "], \"extra\": 1}", BAD_REQUEST);
        bodies.put("{\"Instances\": [" + VALID_ROW + "]}", BAD_REQUEST);
        bodies.put("{\"instances\": [" + VALID_ROW + "], \"INSTANCES\": []}", BAD_REQUEST);
        bodies.put("{\"instances\": [" + VALID_ROW.replace("}", ", \"colour\": \"" + "x".repeat(10_000) + "\"}") + "]}", BAD_INSTANCES);
        bodies.put("{\"instances\": [" + VALID_ROW + ",]}", MALFORMED);
        bodies.put("{'instances': []}", MALFORMED);
        bodies.put("{instances: []}", MALFORMED);
        bodies.put("{\"instances\": [/* comment */]}", MALFORMED);
        bodies.put("{\"instances\": [", MALFORMED);
        bodies.put("\u0000", MALFORMED);
        bodies.forEach((body, expect) -> corpus.predict("structure", "body " + abbreviate(body, 40), body, expect));

        var manyRows = new StringBuilder("{\"instances\": [");
        for (int i = 0; i <= 1000; i++) {
            manyRows.append(i == 0 ? "" : ", ").append(VALID_ROW);
        }
        corpus.predict("structure", "1001 valid rows", manyRows.append("]}").toString(), Expect.of(400, "TOO_MANY_INSTANCES"));
        var manyFeatures = new StringBuilder("{\"instances\": [{");
        for (int i = 0; i < 5_000; i++) {
            manyFeatures.append("\"f").append(i).append("\": 1, ");
        }
        corpus.predict("structure", "5000 unknown features", manyFeatures + VALID_ROW.substring(1) + "]}", BAD_INSTANCES);

        corpus.predict("nesting", "200 nested arrays in instances", "{\"instances\": " + nestedArrays(200) + "}", MALFORMED);
        corpus.predict("nesting", "200 nested objects", nestedObjects(200), MALFORMED);
        corpus.predict("nesting", "65 nested arrays", "{\"instances\": " + nestedArrays(65) + "}", MALFORMED);
        corpus.predict("nesting", "10000 nested arrays", nestedArrays(10_000), MALFORMED);
        corpus.predict("nesting", "100000 unclosed arrays", "[".repeat(100_000), MALFORMED);
        corpus.predict("nesting", "200 nested arrays as a feature value", predictBody(row("sepal_length", nestedArrays(200))), MALFORMED);
        corpus.canary("nesting", "200 nested objects in the guard",
                "{\"version\": \"2\", \"weight\": 10, \"guard\": " + nestedObjects(200) + "}", MALFORMED);
    }

    /** Bodies just over the 1 MiB cap (413 before any parsing), and one exactly at it. */
    private void sizes(Corpus corpus) {
        corpus.predict("size", "valid body padded to 1 MiB + 1", padded(VALID_PREDICT, MAX_REQUEST_BYTES + 1), TOO_LARGE);
        corpus.predict("size", "one string feature of 1 MiB",
                predictBody(row("sepal_length", "\"" + "x".repeat(MAX_REQUEST_BYTES) + "\"")), TOO_LARGE);
        // 3 bytes per character: a character count under the cap, a byte count over it
        corpus.predict("size", "1 MiB + 2 of three-byte characters",
                predictBody(row("sepal_length", "\"" + "\u20ac".repeat(MAX_REQUEST_BYTES / 3 + 1) + "\"")), TOO_LARGE);
        corpus.predict("size", "2 MiB body", padded(VALID_PREDICT, 2 * MAX_REQUEST_BYTES), TOO_LARGE);
        corpus.predict("size", "exactly 1 MiB, unclosed", padded("{\"instances\": [", MAX_REQUEST_BYTES), MALFORMED);
        corpus.canary("size", "valid canary body padded to 1 MiB + 1", padded(VALID_CANARY, MAX_REQUEST_BYTES + 1), TOO_LARGE);
        corpus.add("size", "valid registration padded to 1 MiB + 1", "POST", "models/" + corpusModel + "/versions",
                utf8(padded(locationBody("3"), MAX_REQUEST_BYTES + 1)), JSON, adminKey, TOO_LARGE);
    }

    /** Bytes that are not UTF-8: refused, or (where the emulator replaces them with U+FFFD) not valid JSON or values. */
    private void encodings(Corpus corpus) {
        var row = VALID_ROW;
        var rest = row.substring(row.indexOf(',')); // every feature but sepal_length, and the row's closing brace
        var cases = new LinkedHashMap<String, byte[]>();
        cases.put("FF FE before the body", concat(bytes(0xFF, 0xFE), utf8(VALID_PREDICT)));
        cases.put("C3 28 as a feature value", sepalLengthString(bytes(0xC3, 0x28)));
        cases.put("FF in a feature name", concat(utf8("{\"instances\": [{\"sepal_length"), bytes(0xFF), utf8("\": 5.1" + rest + "]}")));
        cases.put("overlong slash C0 AF", sepalLengthString(bytes(0xC0, 0xAF)));
        cases.put("surrogate ED A0 80", sepalLengthString(bytes(0xED, 0xA0, 0x80)));
        cases.put("Latin-1 body", "{\"instances\": [{\"s\u00e9pal_length\": 5.1}]}".getBytes(StandardCharsets.ISO_8859_1));
        cases.put("UTF-16LE body", VALID_PREDICT.getBytes(StandardCharsets.UTF_16LE));
        cases.put("UTF-16 body with BOM", VALID_PREDICT.getBytes(StandardCharsets.UTF_16));
        cases.put("lone continuation byte between tokens", concat(utf8("{\"instances\": "), bytes(0x80), utf8("[" + row + "]}")));
        cases.put("F8 five-byte lead in whitespace", concat(utf8("{\"instances\":"), bytes(0xF8), utf8(" [" + row + "]}")));
        cases.put("truncated three-byte sequence at the end", concat(utf8(VALID_PREDICT), bytes(0xE2, 0x82)));
        cases.forEach((name, body) -> corpus.add("encoding", name, "POST", predictPath(), body, JSON, predictKey, NON_UTF8));
        corpus.add("encoding", "FF as the canary version", "PUT", canaryPath(),
                concat(utf8("{\"version\": \""), bytes(0xFF), utf8("\", \"weight\": 10}")), JSON, adminKey,
                Expect.of(400, "INVALID_ENCODING", "INVALID_VERSION"));
        corpus.add("encoding", "FE in the location", "POST", "models/" + corpusModel + "/versions",
                concat(utf8("{\"location\": \"s3://" + bucket + "/models/" + corpusModel + "/"), bytes(0xFE), utf8("/\"}")), JSON,
                adminKey, Expect.of(400, "INVALID_ENCODING", "INVALID_LOCATION", "INVALID_VERSION"));
    }

    /** Valid bodies sent as something other than JSON: 415, nothing predicted, nothing changed. */
    private void contentTypes(Corpus corpus) {
        var types = List.of("text/plain", "text/plain; charset=utf-8", "Text/Plain", "application/x-www-form-urlencoded",
                "application/xml", "text/html", "application/octet-stream", "image/png", "text/json", "application/jsonp",
                "application/javascript", "*/*", "application/json, text/plain");
        for (var type : types) {
            corpus.add("content-type", type + " on predict", "POST", predictPath(), utf8(VALID_PREDICT), Map.of("Content-Type", type),
                    predictKey, MEDIA_TYPE);
        }
        corpus.add("content-type", "form fields on predict", "POST", predictPath(),
                utf8("instances=" + URLEncoder.encode("[" + VALID_ROW + "]", StandardCharsets.UTF_8)),
                Map.of("Content-Type", "application/x-www-form-urlencoded"), predictKey, MEDIA_TYPE);
        corpus.add("content-type", "multipart on predict", "POST", predictPath(), utf8(multipart(VALID_PREDICT)),
                Map.of("Content-Type", "multipart/form-data; boundary=b0undary"), predictKey, MEDIA_TYPE);
        corpus.add("content-type", "XML on predict", "POST", predictPath(),
                utf8("<instances><instance sepal_length=\"5.1\"/></instances>"), Map.of("Content-Type", "application/xml"),
                predictKey, MEDIA_TYPE);
        corpus.add("content-type", "text/plain on the canary", "PUT", canaryPath(), utf8(VALID_CANARY),
                Map.of("Content-Type", "text/plain"), adminKey, MEDIA_TYPE);
        corpus.add("content-type", "form on the canary", "PUT", canaryPath(), utf8("version=2&weight=10"),
                Map.of("Content-Type", "application/x-www-form-urlencoded"), adminKey, MEDIA_TYPE);
        corpus.add("content-type", "multipart on the canary", "PUT", canaryPath(), utf8(multipart(VALID_CANARY)),
                Map.of("Content-Type", "multipart/form-data; boundary=b0undary"), adminKey, MEDIA_TYPE);
        corpus.add("content-type", "text/plain on production", "PUT", "models/" + corpusModel + "/aliases/production",
                utf8("{\"version\": \"2\"}"), Map.of("Content-Type", "text/plain"), adminKey, MEDIA_TYPE);
        corpus.add("content-type", "text/plain on registration", "POST", "models/" + corpusModel + "/versions",
                utf8(locationBody("3")), Map.of("Content-Type", "text/plain"), adminKey, MEDIA_TYPE);
        corpus.add("content-type", "form on registration", "POST", "models/" + corpusModel + "/versions",
                utf8("location=" + URLEncoder.encode("s3://" + bucket + "/models/" + corpusModel + "/3/", StandardCharsets.UTF_8)),
                Map.of("Content-Type", "application/x-www-form-urlencoded"), adminKey, MEDIA_TYPE);
    }

    /** A valid document followed by more: never the first document alone. */
    private void trailingContent(Corpus corpus) {
        var tails = new LinkedHashMap<String, String>();
        tails.put("garbage", " garbage");
        tails.put("a second document", VALID_PREDICT);
        tails.put("a second document on a new line", "\n{\"instances\": []}");
        tails.put("a closing bracket", "]");
        tails.put("a closing brace", "}");
        tails.put("a comma", ",");
        tails.put("a number", " 1");
        tails.put("null", " null");
        tails.put("a line comment", " // more");
        tails.put("a NUL character", "\u0000");
        tails.forEach((name, tail) -> corpus.predict("trailing", "valid predict body + " + name, VALID_PREDICT + tail, MALFORMED));
        corpus.canary("trailing", "valid canary body + a second document", VALID_CANARY + "{\"version\": \"2\", \"weight\": 100}",
                MALFORMED);
        corpus.canary("trailing", "valid canary body + garbage", VALID_CANARY + " x", MALFORMED);
        corpus.add("trailing", "valid production body + a second document", "PUT", "models/" + corpusModel + "/aliases/production",
                utf8("{\"version\": \"2\"}{\"version\": \"1\"}"), JSON, adminKey, MALFORMED);
        corpus.add("trailing", "valid registration + garbage", "POST", "models/" + corpusModel + "/versions",
                utf8(locationBody("3") + " ]"), JSON, adminKey, MALFORMED);
    }

    /** Duplicate keys, where last-wins parsing would accept a body that first-wins would not (or the reverse). */
    private void duplicateKeys(Corpus corpus) {
        corpus.predict("duplicates", "duplicate feature", predictBody(VALID_ROW.replace("}", ", \"sepal_length\": 5.0}")), MALFORMED);
        corpus.predict("duplicates", "bad instances, then valid instances",
                "{\"instances\": [{\"x\": 1}], \"instances\": [" + VALID_ROW + "]}", MALFORMED);
        corpus.predict("duplicates", "valid instances, then bad instances",
                "{\"instances\": [" + VALID_ROW + "], \"instances\": 1}", MALFORMED);
        corpus.canary("duplicates", "weight twice", "{\"version\": \"2\", \"weight\": 10, \"weight\": 100}", MALFORMED);
        corpus.canary("duplicates", "version twice", "{\"version\": \"2\", \"version\": \"1\", \"weight\": 10}", MALFORMED);
        corpus.canary("duplicates", "guard field twice",
                "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"maxErrorRate\": 0.1, \"maxErrorRate\": NaN}}", MALFORMED);
        corpus.canary("duplicates", "guard twice",
                "{\"version\": \"2\", \"weight\": 10, \"guard\": {\"maxErrorRate\": NaN}, \"guard\": null}", MALFORMED);
        corpus.add("duplicates", "location twice", "POST", "models/" + corpusModel + "/versions",
                utf8("{\"location\": \"s3://elsewhere/models/x/1/\", \"location\": \"s3://" + bucket + "/models/" + corpusModel
                        + "/3/\"}"), JSON, adminKey, MALFORMED);
    }

    /** Traversal and injection in the model name of the path. */
    private void paths(Corpus corpus) {
        var names = new LinkedHashMap<String, String>();
        names.put("%2e%2e", "%2e%2e");
        names.put("encoded ../../etc/passwd", "..%2f..%2fetc%2fpasswd");
        names.put("%2e%2e%2f", "%2e%2e%2f%2e%2e%2fetc%2fpasswd");
        names.put("backslashes", enc("..\\..\\windows"));
        names.put("double-encoded ../", "%252e%252e%252f");
        names.put("NUL after the name", enc(corpusModel) + "%00");
        names.put("the log's partition key", enc(corpusModel + "#1"));
        names.put("SQL", enc("'; DROP TABLE models; --"));
        names.put("quoted OR", enc("\" OR \"1\"=\"1"));
        names.put("script tag", enc("<script>alert(1)</script>"));
        names.put("JNDI lookup", enc("${jndi:ldap://127.0.0.1:1389/a}"));
        names.put("template", enc("{{7*7}}"));
        names.put("shell", enc("$(reboot)"));
        names.put("CRLF header injection", enc("x\r\nSet-Cookie: a=1"));
        names.put("4000 characters", "a".repeat(4000));
        names.put("65 characters", "a".repeat(65));
        names.put("upper case", enc(corpusModel.toUpperCase(Locale.ROOT)));
        names.put("full-width letters", enc("\uff4d\uff4f\uff44\uff45\uff4c"));
        names.put("a space", enc(" " + corpusModel));
        names.forEach((name, segment) -> {
            var expect = name.startsWith("CRLF") ? BAD_NAME_OR_REFUSED_ARN : BAD_NAME;
            corpus.add("path", "predict on model " + name, "POST", "models/" + segment + "/predict", utf8(VALID_PREDICT), JSON,
                    predictKey, expect);
            corpus.add("path", "describe model " + name, "GET", "models/" + segment, null, NO_HEADERS, predictKey, expect);
        });
        corpus.add("path", "stats of the log's partition key", "GET", "models/" + enc(corpusModel + "#1") + "/stats", null,
                NO_HEADERS, predictKey, BAD_NAME);
        corpus.add("path", "raw ../ before the model", "POST", "models/../models/" + corpusModel + "/predict", utf8(VALID_PREDICT),
                JSON, predictKey, BAD_NAME);
        corpus.add("path", "raw ./ before the model", "POST", "models/./" + corpusModel + "/predict", utf8(VALID_PREDICT), JSON,
                predictKey, BAD_NAME);
        corpus.add("path", "raw ../../ out of the model", "GET", "models/" + corpusModel + "/../../health/details", null, NO_HEADERS,
                predictKey, BAD_NAME);
        corpus.add("path", "raw ../ from versions to audit", "GET", "models/" + corpusModel + "/versions/../audit", null, NO_HEADERS,
                predictKey, Expect.oneOf(List.of(403, 404), "FORBIDDEN", "ROUTE_NOT_FOUND"));
        corpus.add("path", "traversal in the alias", "PUT", "models/" + corpusModel + "/aliases/%2e%2e", utf8(VALID_CANARY),
                JSON, adminKey, Expect.oneOf(List.of(400, 404), "UNKNOWN_ALIAS", "ROUTE_NOT_FOUND"));
        corpus.add("path", "NUL in the alias", "PUT", "models/" + corpusModel + "/aliases/canary%00", utf8(VALID_CANARY), JSON,
                adminKey, Expect.oneOf(List.of(400, 404), "UNKNOWN_ALIAS", "ROUTE_NOT_FOUND"));
        corpus.add("path", "alias staging", "PUT", "models/" + corpusModel + "/aliases/staging", utf8(VALID_CANARY), JSON, adminKey,
                Expect.of(400, "UNKNOWN_ALIAS"));
        corpus.add("path", "alias PRODUCTION", "PUT", "models/" + corpusModel + "/aliases/PRODUCTION", utf8("{\"version\": \"2\"}"),
                JSON, adminKey, Expect.of(400, "UNKNOWN_ALIAS"));
        corpus.add("path", "invalid model name on an alias", "PUT", "models/%2e%2e/aliases/production",
                utf8("{\"version\": \"1\"}"), JSON, adminKey, BAD_NAME);
    }

    /** Traversal and injection in query parameters: pinned versions, the log API, stats. */
    private void queries(Corpus corpus) {
        var versions = new LinkedHashMap<String, String>();
        versions.put("../../1", enc("../../1"));
        versions.put("%2e%2e%2f1", "%2e%2e%2f1");
        versions.put("NUL after 1", "1%00");
        versions.put("SQL", enc("1'; DROP TABLE predictions; --"));
        versions.put("script tag", enc("<script>alert(1)</script>"));
        versions.put("JNDI lookup", enc("${jndi:ldap://127.0.0.1:1389/a}"));
        versions.put("partition key", enc("1#x"));
        versions.put("OR 1=1", enc("1 OR 1=1"));
        versions.put("star", enc("*"));
        versions.put("65 characters", "a".repeat(65));
        versions.put("4000 characters", "a".repeat(4000));
        versions.put("-1", "-1");
        versions.put("unregistered", "nope-" + suffix);
        versions.put("two bad values", "x%2Fy&version=" + enc("../z"));
        versions.forEach((name, value) -> corpus.add("query", "predict version " + name, "POST", predictPath() + "?version=" + value,
                utf8(VALID_PREDICT), JSON, predictKey, BAD_VERSION));

        var log = new LinkedHashMap<String, Expect>();
        log.put("", Expect.of(400, "MISSING_PARAMETER"));
        log.put("version=1", Expect.of(400, "MISSING_PARAMETER"));
        log.put("model=" + enc("../" + corpusModel), Expect.of(400, "INVALID_MODEL_NAME"));
        log.put("model=" + enc(corpusModel + "#1"), Expect.of(400, "INVALID_MODEL_NAME"));
        log.put("model=" + enc("<script>"), Expect.of(400, "INVALID_MODEL_NAME"));
        log.put("model=" + "a".repeat(4000), Expect.of(400, "INVALID_MODEL_NAME"));
        log.put("model=" + corpusModel + "&version=" + enc("../1"), Expect.of(400, "INVALID_VERSION"));
        log.put("model=" + corpusModel + "&from=" + enc("'; DROP TABLE x; --"), Expect.of(400, "INVALID_TIME"));
        log.put("model=" + corpusModel + "&from=1e999", Expect.of(400, "INVALID_TIME"));
        log.put("model=" + corpusModel + "&from=" + enc("-999999999-01-01T00:00:00Z"), Expect.of(400, "INVALID_TIME"));
        log.put("model=" + corpusModel + "&to=" + enc("+1000000000-01-01T00:00:00Z"), Expect.of(400, "INVALID_TIME"));
        log.put("model=" + corpusModel + "&from=" + enc("2026-13-45T99:99:99Z"), Expect.of(400, "INVALID_TIME"));
        log.put("model=" + corpusModel + "&from=9999-12-31T23:59:59Z&to=1970-01-01T00:00:00Z", Expect.of(400, "INVALID_TIME_RANGE"));
        for (var limit : List.of("0", "-1", "501", "1e999", "NaN", "99999999999999999999", "1.5", "0x10", "%00")) {
            log.put("model=" + corpusModel + "&limit=" + limit, Expect.of(400, "INVALID_LIMIT"));
        }
        log.forEach((query, expect) -> corpus.add("query", "log ?" + abbreviate(query, 60), "GET",
                "predictions" + (query.isEmpty() ? "" : "?" + query), null, NO_HEADERS, adminKey, expect));

        var stats = new LinkedHashMap<String, Expect>();
        stats.put("from=garbage", Expect.of(400, "INVALID_TIME"));
        stats.put("to=1e999", Expect.of(400, "INVALID_TIME"));
        stats.put("version=" + enc("../1"), Expect.of(400, "INVALID_VERSION"));
        stats.put("from=9999-12-31T23:59:59Z&to=1970-01-01T00:00:00Z", Expect.of(400, "INVALID_TIME_RANGE"));
        stats.forEach((query, expect) -> corpus.add("query", "stats ?" + query, "GET",
                "models/" + corpusModel + "/stats?" + query, null, NO_HEADERS, predictKey, expect));
    }

    /**
     * Altered real cursors, and forged ones with a correct check (the check is no secret): none may
     * read anything but the query it was made for.
     */
    private void cursors(Corpus corpus) {
        var served = "predictions?model=" + servedModel + "&version=1&cursor=";
        var mine = "predictions?model=" + corpusModel + "&version=1&cursor=";
        int dot = genuineCursor.indexOf('.');
        var payload = Base64.getUrlDecoder().decode(genuineCursor.substring(0, dot));
        var cases = new LinkedHashMap<String, String>();
        cases.put("payload character changed", served + enc(flip(genuineCursor, dot / 2)));
        cases.put("check character changed", served + enc(flip(genuineCursor, genuineCursor.length() - 2)));
        cases.put("truncated", served + enc(genuineCursor.substring(0, genuineCursor.length() - 5)));
        cases.put("payload only", served + enc(genuineCursor.substring(0, dot)));
        cases.put("padding added", served + enc(genuineCursor + "=="));
        cases.put("a third part", served + enc(genuineCursor + ".AAAA"));
        cases.put("used for another model", mine + enc(genuineCursor));
        cases.put("used for another version", "predictions?model=" + servedModel + "&version=2&cursor=" + enc(genuineCursor));
        cases.put("used for every version", "predictions?model=" + servedModel + "&cursor=" + enc(genuineCursor));
        cases.put("used with another from", served + enc(genuineCursor) + "&from=2020-01-01T00:00:00Z");
        cases.put("re-signed for another model, key left pointing at the served one",
                mine + enc(sign(withField(payload, "model", corpusModel))));
        var now = Instant.now();
        var from = now.minus(Duration.ofHours(1)).toString();
        var to = now.plus(Duration.ofMinutes(10)).toString();
        var sk = SORTABLE_TIME.format(now.minus(Duration.ofMinutes(30))) + "#r#00000";
        cases.put("forged: another model's partition", mine + enc(sign(cursorPayload(corpusModel, "1", from, to,
                "{\"pk\": \"" + servedModel + "#1\", \"sk\": \"" + sk + "\"}"))));
        cases.put("forged: another model in the index key", "predictions?model=" + corpusModel + "&cursor=" + enc(sign(cursorPayload(
                corpusModel, null, from, to,
                "{\"model\": \"" + servedModel + "\", \"pk\": \"" + servedModel + "#1\", \"sk\": \"" + sk + "\"}"))));
        cases.put("forged: extra key attribute", mine + enc(sign(cursorPayload(corpusModel, "1", from, to,
                "{\"pk\": \"" + corpusModel + "#1\", \"sk\": \"" + sk + "\", \"ttl\": \"1\"}"))));
        cases.put("forged: numbers as key values", mine + enc(sign(cursorPayload(corpusModel, "1", from, to,
                "{\"pk\": 1, \"sk\": 2}"))));
        cases.put("forged: key before the window", mine + enc(sign(cursorPayload(corpusModel, "1", from, to,
                "{\"pk\": \"" + corpusModel + "#1\", \"sk\": \"1970-01-01T00:00:00.000Z#r#00000\"}"))));
        cases.put("forged: format 2", mine + enc(sign(cursorPayload(corpusModel, "1", from, to,
                "{\"pk\": \"" + corpusModel + "#1\", \"sk\": \"" + sk + "\"}").replace("\"v\": 1", "\"v\": 2"))));
        cases.put("forged: from after to", mine + enc(sign(cursorPayload(corpusModel, "1", to, from,
                "{\"pk\": \"" + corpusModel + "#1\", \"sk\": \"" + sk + "\"}"))));
        cases.put("forged: not JSON", mine + enc(sign("hello")));
        cases.put("forged: a JSON array", mine + enc(sign("[1, 2, 3]")));
        cases.put("forged: 200 nested arrays", mine + enc(sign(nestedArrays(200))));
        cases.put("forged: a 150-digit format", mine + enc(sign("{\"v\": " + "1".repeat(150) + "}")));
        cases.put("5000 characters", mine + "A".repeat(5000));
        cases.put("a dot only", mine + ".");
        cases.put("NUL", mine + "abc%00.def");
        cases.put("not base64", mine + enc("!!!.@@@"));
        cases.put("script tag", mine + enc("<script>.x"));
        cases.put("JNDI lookup", mine + enc("${jndi:ldap://127.0.0.1/a}"));
        cases.put("SQL", mine + enc("' OR 1=1 --"));
        cases.forEach((name, path) -> corpus.add("cursor", name, "GET", path, null, NO_HEADERS, adminKey, BAD_CURSOR));
    }

    /** Missing, empty, garbage and near-miss keys: no route opens. */
    private void keys(Corpus corpus) {
        var keys = new LinkedHashMap<String, String>();
        keys.put("no key", null);
        keys.put("empty key", "");
        keys.put("garbage", "garbage");
        keys.put("4000 characters", "A".repeat(4000));
        keys.put("SQL", "' OR '1'='1");
        keys.put("JNDI lookup", "${jndi:ldap://127.0.0.1:1389/a}");
        keys.put("admin key, last character changed", flip(adminKey, adminKey.length() - 1));
        keys.put("predict key, first character changed", flip(predictKey, 0));
        keys.put("admin key truncated", adminKey.substring(0, adminKey.length() - 1));
        keys.put("admin key + x", adminKey + "x");
        keys.put("admin key, case swapped", swapCase(adminKey));
        keys.put("sha256 of the admin key", sha256Hex(adminKey));
        keys.put("the admin key's name", "local-admin");
        keys.put("a name-guard item's key", "name#local-admin");
        keys.put("Bearer + admin key", "Bearer " + adminKey);
        keys.put("both keys", predictKey + "," + adminKey);
        keys.put("null", "null");
        // every key on predict; on an admin route the ones that could pass for the admin key
        var nearAdmin = Set.of("no key", "empty key", "garbage", "admin key, last character changed", "admin key truncated",
                "admin key + x", "admin key, case swapped", "sha256 of the admin key", "Bearer + admin key", "both keys");
        keys.forEach((name, key) -> {
            corpus.add("keys", name + " on predict", "POST", predictPath(), utf8(VALID_PREDICT), JSON, key, NO_VALID_KEY);
            if (nearAdmin.contains(name)) {
                corpus.add("keys", name + " on the canary", "PUT", canaryPath(), utf8(VALID_CANARY), JSON, key, NO_VALID_KEY);
            }
        });
        var adminInAuthorization = new HashMap<>(JSON);
        adminInAuthorization.put("Authorization", adminKey);
        corpus.add("keys", "admin key in Authorization", "PUT", canaryPath(), utf8(VALID_CANARY), adminInAuthorization, null,
                NO_VALID_KEY);
        var underscored = new HashMap<>(JSON);
        underscored.put("x_api_key", adminKey);
        corpus.add("keys", "admin key in x_api_key", "PUT", canaryPath(), utf8(VALID_CANARY), underscored, null, NO_VALID_KEY);
        corpus.add("keys", "admin key in the query", "PUT", canaryPath() + "?x-api-key=" + enc(adminKey), utf8(VALID_CANARY), JSON,
                null, NO_VALID_KEY);
        corpus.add("keys", "no key on the log", "GET", "predictions?model=" + servedModel, null, NO_HEADERS, null, NO_VALID_KEY);
        corpus.add("keys", "garbage key on the audit", "GET", "models/" + corpusModel + "/audit", null, NO_HEADERS, "garbage",
                NO_VALID_KEY);
    }

    /** The predict key on every admin route, with bodies that would be accepted from the admin key. */
    private void roles(Corpus corpus) {
        corpus.add("roles", "register", "POST", "models/" + corpusModel + "/versions", utf8(locationBody("3")), JSON, predictKey,
                FORBIDDEN);
        corpus.add("roles", "set the canary", "PUT", canaryPath(), utf8(VALID_CANARY), JSON, predictKey, FORBIDDEN);
        corpus.add("roles", "promote", "PUT", "models/" + corpusModel + "/aliases/production", utf8("{\"version\": \"2\"}"), JSON,
                predictKey, FORBIDDEN);
        corpus.add("roles", "read the audit", "GET", "models/" + corpusModel + "/audit", null, NO_HEADERS, predictKey, FORBIDDEN);
        corpus.add("roles", "read the log", "GET", "predictions?model=" + servedModel, null, NO_HEADERS, predictKey, FORBIDDEN);
        corpus.add("roles", "read the log of a version", "GET", "predictions?model=" + servedModel + "&version=1", null, NO_HEADERS,
                predictKey, FORBIDDEN);
        var claims = new HashMap<String, String>();
        claims.put("X-Role", "admin");
        claims.put("X-Api-Role", "admin");
        claims.put("X-Forwarded-For", "127.0.0.1");
        claims.put("X-Original-URL", "/models/" + corpusModel);
        corpus.add("roles", "read the audit claiming admin in headers", "GET", "models/" + corpusModel + "/audit", null, claims,
                predictKey, FORBIDDEN);
        corpus.add("roles", "read the audit with a trailing slash", "GET", "models/" + corpusModel + "/audit/", null, NO_HEADERS,
                predictKey, Expect.oneOf(List.of(403, 404), "FORBIDDEN", "ROUTE_NOT_FOUND"));
        corpus.add("roles", "read the audit with a double slash", "GET", "models//" + corpusModel + "/audit", null, NO_HEADERS,
                predictKey, Expect.oneOf(List.of(403, 404), "FORBIDDEN", "ROUTE_NOT_FOUND"));
        corpus.add("roles", "read the audit in upper case", "GET", "models/" + corpusModel + "/AUDIT", null, NO_HEADERS, predictKey,
                Expect.of(404, "ROUTE_NOT_FOUND"));
    }

    /** Paths no route serves, and methods a route does not take. */
    private void routes(Corpus corpus) {
        for (var path : List.of("", "admin", ".env", "wp-login.php", "actuator/env", "api/v1/models", "MODELS",
                "models/" + corpusModel + "/delete", "models/" + corpusModel + "/versions/1/files", "models/" + corpusModel + "/predict/extra",
                "models/" + corpusModel + "/aliases", "models/" + corpusModel + "/audit/x", "health/details/x", "predictions/x",
                "%2e%2e/%2e%2e/etc/passwd")) {
            corpus.add("routes", "GET /" + path, "GET", path, null, NO_HEADERS, predictKey, Expect.of(404, "ROUTE_NOT_FOUND"));
        }
        corpus.add("routes", "GET /admin without a key", "GET", "admin", null, NO_HEADERS, null, Expect.of(404, "ROUTE_NOT_FOUND"));
        corpus.add("routes", "POST /models/x/delete without a key", "POST", "models/" + corpusModel + "/delete", utf8("{}"), JSON,
                null, Expect.of(404, "ROUTE_NOT_FOUND"));
        var wrong = List.of(
                List.of("DELETE", "models/" + corpusModel), List.of("PATCH", "models/" + corpusModel),
                List.of("PUT", "models/" + corpusModel), List.of("POST", "models"),
                List.of("DELETE", "models/" + corpusModel + "/versions"), List.of("GET", "models/" + corpusModel + "/predict"),
                List.of("PUT", "models/" + corpusModel + "/predict"), List.of("DELETE", "models/" + corpusModel + "/predict"),
                List.of("GET", "models/" + corpusModel + "/aliases/production"), List.of("POST", "health"),
                List.of("DELETE", "health"), List.of("POST", "predictions"), List.of("OPTIONS", "models/" + corpusModel + "/predict"),
                List.of("PROPFIND", "models"));
        for (var call : wrong) {
            var body = call.get(0).equals("GET") || call.get(0).equals("OPTIONS") ? null : utf8(VALID_PREDICT);
            corpus.add("routes", call.get(0) + " /" + call.get(1), call.get(0), call.get(1), body, body == null ? NO_HEADERS : JSON,
                    predictKey, NO_ROUTE);
        }
        corpus.add("routes", "DELETE the canary", "DELETE", canaryPath(), null, NO_HEADERS, adminKey, NO_ROUTE);
        corpus.add("routes", "PATCH the canary", "PATCH", canaryPath(), utf8("{\"weight\": 100}"), JSON, adminKey, NO_ROUTE);
        corpus.add("routes", "DELETE a model's audit", "DELETE", "models/" + corpusModel + "/audit", null, NO_HEADERS, adminKey,
                NO_ROUTE);
    }

    /** The canary guard and weight values of issue 13, and their neighbours: each refused with 400. */
    private void guards(Corpus corpus) {
        var guards = new LinkedHashMap<String, String>();
        guards.put("maxErrorRate NaN", "\"maxErrorRate\": NaN");
        guards.put("maxErrorRate \"Infinity\"", "\"maxErrorRate\": \"Infinity\"");
        guards.put("maxErrorRate Infinity", "\"maxErrorRate\": Infinity");
        guards.put("maxErrorRate -Infinity", "\"maxErrorRate\": -Infinity");
        guards.put("maxErrorRate 1e999", "\"maxErrorRate\": 1e999");
        guards.put("maxErrorRate -1", "\"maxErrorRate\": -1");
        guards.put("maxErrorRate 2", "\"maxErrorRate\": 2");
        guards.put("maxErrorRate 1.0000001", "\"maxErrorRate\": 1.0000001");
        guards.put("maxErrorRate \"0.05\"", "\"maxErrorRate\": \"0.05\"");
        guards.put("maxErrorRate true", "\"maxErrorRate\": true");
        guards.put("maxErrorRate []", "\"maxErrorRate\": []");
        guards.put("maxP95LatencyMs -5", "\"maxP95LatencyMs\": -5");
        guards.put("maxP95LatencyMs 1e9", "\"maxP95LatencyMs\": 1e9");
        guards.put("maxP95LatencyMs NaN", "\"maxP95LatencyMs\": NaN");
        guards.put("maxP95LatencyMs \"500\"", "\"maxP95LatencyMs\": \"500\"");
        guards.put("minRequests 1.5", "\"minRequests\": 1.5");
        guards.put("minRequests 0", "\"minRequests\": 0");
        guards.put("minRequests \"20\"", "\"minRequests\": \"20\"");
        guards.put("minRequests 20.0", "\"minRequests\": 20.0");
        guards.put("minRequests -1", "\"minRequests\": -1");
        guards.put("minRequests 4294967316", "\"minRequests\": 4294967316");
        guards.put("minRequests 1e999", "\"minRequests\": 1e999");
        guards.put("windowMinutes 0", "\"windowMinutes\": 0");
        guards.put("windowMinutes 100000", "\"windowMinutes\": 100000");
        guards.put("windowMinutes 1441", "\"windowMinutes\": 1441");
        guards.put("windowMinutes 1.5", "\"windowMinutes\": 1.5");
        guards.put("windowMinutes \"10\"", "\"windowMinutes\": \"10\"");
        guards.put("unknown field rollback", "\"maxErrorRate\": 0.1, \"rollback\": false");
        guards.put("unknown field maxerrorrate", "\"maxerrorrate\": 0.1");
        guards.put("unknown field __proto__", "\"__proto__\": {\"admin\": true}");
        guards.put("unknown field with a trailing space", "\"maxErrorRate \": 0.1");
        guards.forEach((name, fields) -> corpus.canary("guard", name,
                "{\"version\": \"2\", \"weight\": 10, \"guard\": {" + fields + "}}", BAD_GUARD));
        for (var guard : List.of("[]", "\"strict\"", "5", "true")) {
            corpus.canary("guard", "guard " + guard, "{\"version\": \"2\", \"weight\": 10, \"guard\": " + guard + "}", BAD_GUARD);
        }

        for (var weight : List.of("4294967346", "-1", "101", "50.5", "\"50\"", "NaN", "Infinity", "1e999", "1e2", "-0.0", "true",
                "null", "[]", "9223372036854775807", "9223372036854775808")) {
            corpus.canary("weight", "weight " + weight, "{\"version\": \"2\", \"weight\": " + weight + "}", BAD_WEIGHT);
        }
        corpus.canary("weight", "weight missing", "{\"version\": \"2\"}", BAD_WEIGHT);

        corpus.canary("alias", "version missing", "{\"weight\": 10}", Expect.of(400, "MISSING_FIELD"));
        corpus.canary("alias", "version null", "{\"version\": null, \"weight\": 10}", Expect.of(400, "MISSING_FIELD"));
        corpus.canary("alias", "version 2.5", "{\"version\": 2.5, \"weight\": 10}", Expect.of(400, "INVALID_FIELD"));
        corpus.canary("alias", "version {}", "{\"version\": {}, \"weight\": 10}", Expect.of(400, "INVALID_FIELD"));
        corpus.canary("alias", "version ../2", "{\"version\": \"../2\", \"weight\": 10}", Expect.of(400, "INVALID_VERSION"));
        corpus.canary("alias", "version empty", "{\"version\": \"\", \"weight\": 10}", Expect.of(400, "INVALID_VERSION"));
        corpus.canary("alias", "version 9 (unregistered)", "{\"version\": \"9\", \"weight\": 10}", Expect.of(404, "VERSION_NOT_FOUND"));
        corpus.canary("alias", "canary = production", "{\"version\": \"1\", \"weight\": 10}", Expect.of(400, "CANARY_IS_PRODUCTION"));
        corpus.canary("alias", "body an array", "[" + VALID_CANARY + "]", BAD_REQUEST);
        corpus.canary("alias", "body empty", "", MALFORMED);
        var production = "models/" + corpusModel + "/aliases/production";
        corpus.add("alias", "production 9 (unregistered)", "PUT", production, utf8("{\"version\": \"9\"}"), JSON, adminKey,
                Expect.of(404, "VERSION_NOT_FOUND"));
        corpus.add("alias", "production ../1", "PUT", production, utf8("{\"version\": \"../1\"}"), JSON, adminKey,
                Expect.of(400, "INVALID_VERSION"));
        corpus.add("alias", "production missing", "PUT", production, utf8("{}"), JSON, adminKey, Expect.of(400, "MISSING_FIELD"));
        corpus.add("alias", "production 1.5", "PUT", production, utf8("{\"version\": 1.5}"), JSON, adminKey,
                Expect.of(400, "INVALID_FIELD"));
        corpus.add("alias", "production of 4000 characters", "PUT", production, utf8("{\"version\": \"" + "9".repeat(4000) + "\"}"),
                JSON, adminKey, Expect.of(400, "INVALID_VERSION"));
        corpus.add("alias", "canary of an unknown model", "PUT", "models/nosuch-" + suffix + "/aliases/canary", utf8(VALID_CANARY),
                JSON, adminKey, Expect.of(404, "VERSION_NOT_FOUND", "MODEL_NOT_FOUND"));
    }

    /** Registration bodies that must not register anything. */
    private void registrations(Corpus corpus) {
        var bodies = new LinkedHashMap<String, Expect>();
        var invalid = Expect.of(400, "INVALID_LOCATION", "INVALID_VERSION");
        bodies.put("{}", Expect.of(400, "MISSING_FIELD"));
        bodies.put("{\"location\": null}", Expect.of(400, "MISSING_FIELD"));
        bodies.put("{\"location\": 5.5}", Expect.of(400, "INVALID_FIELD"));
        bodies.put("{\"location\": [\"s3://" + bucket + "/models/" + corpusModel + "/3/\"]}", Expect.of(400, "INVALID_FIELD"));
        bodies.put("{\"location\": 5}", invalid);
        bodies.put(jsonLocation("s3://another-bucket/models/" + corpusModel + "/3/"), invalid);
        bodies.put(jsonLocation("s3://" + bucket + "/models/" + servedModel + "/1/"), invalid);
        bodies.put(jsonLocation("s3://" + bucket + "/models/" + corpusModel + "/../" + servedModel + "/1/"), invalid);
        bodies.put(jsonLocation("s3://" + bucket + "/models/" + corpusModel + "/%2e%2e/"), invalid);
        bodies.put(jsonLocation("s3://" + bucket + "/models/" + corpusModel + "/\\u0000/"), invalid);
        bodies.put(jsonLocation("s3://" + bucket + "/models/" + corpusModel + "/" + "9".repeat(4000) + "/"), invalid);
        bodies.put(jsonLocation("file:///etc/passwd"), invalid);
        bodies.put(jsonLocation("http://169.254.169.254/latest/meta-data/"), invalid);
        bodies.put(jsonLocation("${jndi:ldap://127.0.0.1:1389/a}"), invalid);
        bodies.put(locationBody("1"), Expect.of(409, "CONFLICT"));
        bodies.put(locationBody("empty-" + suffix), Expect.of(422, "VALIDATION_FAILED"));
        bodies.put("[" + locationBody("3") + "]", BAD_REQUEST);
        bodies.forEach((body, expect) -> corpus.add("registration", abbreviate(body, 70), "POST",
                "models/" + corpusModel + "/versions", utf8(body), JSON, adminKey, expect));
    }

    // ---------------------------------------------------------------------------------------------
    // Regression tests, one per failure of issue 13
    // ---------------------------------------------------------------------------------------------

    @Test
    void failure1OneCallBricksAModel_shouldRefuseTheGuardAndKeepTheModelUsable_whenMaxErrorRateIsNaN() {
        var canary = "models/" + guardModel + "/aliases/canary";

        // WHEN the call that used to brick the model is sent
        var refused = send("PUT", canary, utf8("{\"version\":\"2\",\"weight\":10,\"guard\":{\"maxErrorRate\":NaN}}"), JSON, adminKey);

        // THEN it is refused in the contract and nothing was stored
        assertRefused(refused, 400, "INVALID_GUARD");
        var model = send("GET", "models/" + guardModel, null, NO_HEADERS, adminKey);
        assertThat(model.status()).as(model.body()).isEqualTo(200);
        assertThat(model.json().path("canary").isMissingNode() || model.json().path("canary").isNull()).as(model.body()).isTrue();
        // AND predict, describe, list and a valid alias change all still work
        var predicted = send("POST", "models/" + guardModel + "/predict", utf8(VALID_PREDICT), JSON, predictKey);
        assertThat(predicted.status()).as(predicted.body()).isEqualTo(200);
        var listed = send("GET", "models", null, NO_HEADERS, predictKey);
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(StreamSupport.stream(listed.json().path("models").spliterator(), false).map(m -> m.path("name").asText()))
                .contains(guardModel);
        var changed = send("PUT", canary, utf8("{\"version\":\"2\",\"weight\":10,\"guard\":{\"maxErrorRate\":0.5}}"), JSON, adminKey);
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("guard").path("maxErrorRate").asDouble()).isEqualTo(0.5);
        var described = send("GET", "models/" + guardModel, null, NO_HEADERS, predictKey);
        assertThat(described.status()).as(described.body()).isEqualTo(200);
        assertThat(described.json().path("canary").asText()).isEqualTo("2");
        assertThat(send("POST", "models/" + guardModel + "/predict", utf8(VALID_PREDICT), JSON, predictKey).status()).isEqualTo(200);
    }

    @Test
    void failure2VersionBypassesTheRegistry_shouldServeOnlyRegisteredBytes_whenFolderIsUnregisteredOrSwapped() throws Exception {
        // GIVEN a complete folder under models/<m>/ghost/ that was never registered
        var ghostManifest = (ObjectNode) Emulator.JSON.readTree(IRIS.resolve("manifest.json").toFile());
        ghostManifest.put("name", pinnedModel).put("version", "ghost");
        putVersion(new ModelRef(pinnedModel, "ghost"), Emulator.JSON.writeValueAsBytes(ghostManifest),
                Files.readAllBytes(IRIS.resolve("model.onnx")));
        // AND registered v2's model.onnx and manifest replaced by another valid pair (its manifest's sha256 matches its bytes)
        var swapManifest = (ObjectNode) Emulator.JSON.readTree(MLP.resolve("manifest.json").toFile());
        swapManifest.put("name", pinnedModel).put("version", "2");
        putVersion(new ModelRef(pinnedModel, "2"), Emulator.JSON.writeValueAsBytes(swapManifest),
                Files.readAllBytes(MLP.resolve("model.onnx")));

        // WHEN each is pinned with ?version=
        var ghost = send("POST", "models/" + pinnedModel + "/predict?version=ghost", utf8(VALID_PREDICT), JSON, predictKey);
        var swapped = send("POST", "models/" + pinnedModel + "/predict?version=2", utf8(VALID_PREDICT), JSON, predictKey);

        // THEN the unregistered folder does not exist for the API
        assertRefused(ghost, 404, "VERSION_NOT_FOUND");
        // AND the swapped version answers with the bytes registration checked (its pinned S3 object versions), not MLP's:
        // the same probabilities as production, which registered the same iris bytes
        var production = send("POST", "models/" + pinnedModel + "/predict", utf8(VALID_PREDICT), JSON, predictKey);
        assertThat(production.status()).as(production.body()).isEqualTo(200);
        assertThat(production.json().path("version").asText()).isEqualTo("1");
        assertThat(swapped.status()).as(swapped.body()).isEqualTo(200);
        assertThat(swapped.json().path("version").asText()).isEqualTo("2");
        assertThat(swapped.json().at("/predictions/0/probabilities")).isEqualTo(production.json().at("/predictions/0/probabilities"));
        // AND a version registered before pinning (its pins removed) is refused against the sha256 recorded at registration
        putVersion(new ModelRef(pinnedModel, "legacy"), Emulator.JSON.writeValueAsBytes(ghostManifest.put("version", "legacy")),
                Files.readAllBytes(IRIS.resolve("model.onnx")));
        var register = send("POST", "models/" + pinnedModel + "/versions", utf8(locationBody(pinnedModel, "legacy")), JSON, adminKey);
        assertThat(register.status()).as(register.body()).isEqualTo(201);
        emulator.unpin(pinnedModel, "legacy");
        putVersion(new ModelRef(pinnedModel, "legacy"), Emulator.JSON.writeValueAsBytes(swapManifest.put("version", "legacy")),
                Files.readAllBytes(MLP.resolve("model.onnx")));
        var legacy = send("POST", "models/" + pinnedModel + "/predict?version=legacy", utf8(VALID_PREDICT), JSON, predictKey);
        assertRefused(legacy, 503, "MODEL_REJECTED");
        assertThat(legacy.json().path("error").path("message").asText()).contains("sha256").contains("registered");
        assertThat(countItems(pinnedModel, "ghost")).as("log items of the ghost version").isZero();
    }

    @Test
    void failure3OneKeyOpensEveryRoute_shouldRefuseThePredictKeyOnAdminRoutesOnly_whenKeysHaveRoles() throws Exception {
        // GIVEN v2's folder uploaded, so that the admin key's registration below can succeed
        var manifest = (ObjectNode) Emulator.JSON.readTree(IRIS.resolve("manifest.json").toFile());
        manifest.put("name", servedModel).put("version", "2");
        putVersion(new ModelRef(servedModel, "2"), Emulator.JSON.writeValueAsBytes(manifest),
                Files.readAllBytes(IRIS.resolve("model.onnx")));
        var model = "models/" + servedModel;
        var admin = List.of(
                new Call("POST", model + "/versions", locationBody(servedModel, "2")),
                new Call("PUT", model + "/aliases/canary", "{\"version\": \"2\", \"weight\": 0}"),
                new Call("GET", model + "/audit", null),
                new Call("GET", "predictions?model=" + servedModel, null));
        var shared = List.of(
                new Call("POST", model + "/predict", VALID_PREDICT),
                new Call("GET", "models", null),
                new Call("GET", model, null),
                new Call("GET", model + "/versions", null),
                new Call("GET", model + "/stats", null),
                new Call("GET", "health/details", null));

        // WHEN / THEN the predict key is refused on every admin route (and registers nothing: the admin's call below gets 201)
        for (var call : admin) {
            assertRefused(send(call, predictKey), 403, "FORBIDDEN");
        }
        for (var call : shared) {
            var response = send(call, predictKey);
            assertThat(response.status()).as("predict key: " + call + " → " + response.body()).isEqualTo(200);
        }
        // admin key: everything (in this order, so the canary's version exists)
        for (var call : admin) {
            var response = send(call, adminKey);
            assertThat(response.status()).as("admin key: " + call + " → " + response.body()).isBetween(200, 299);
        }
        for (var call : shared) {
            var response = send(call, adminKey);
            assertThat(response.status()).as("admin key: " + call + " → " + response.body()).isBetween(200, 299);
        }
        // no key: refused in the contract, and /health stays public
        for (var call : concat(admin, shared)) {
            var response = send(call, null);
            assertThat(response.status()).as("no key: " + call + " → " + response.body()).isIn(401, 403);
            assertThat(contractViolation(response)).as("no key: " + call + " → " + response.body()).isNull();
            assertThat(errorCode(response)).isIn("UNAUTHORIZED", "FORBIDDEN", "INVALID_API_KEY");
        }
        assertThat(send("GET", "health", null, NO_HEADERS, null).status()).isEqualTo(200);
    }

    @Test
    void failure4ErrorContractGaps_shouldAnswerInTheContractWithoutInternals_whenBodiesTrailOrNestOrRoutesAreUnknown() {
        var predict = "models/" + servedModel + "/predict";

        // trailing content after a valid document is not a valid body (it used to be served)
        assertRefused(send("POST", predict, utf8(VALID_PREDICT + " garbage"), JSON, predictKey), 400, "MALFORMED_JSON");
        assertRefused(send("POST", predict, utf8(VALID_PREDICT + VALID_PREDICT), JSON, predictKey), 400, "MALFORMED_JSON");
        assertRefused(send("POST", "models/" + servedModel + "/versions", utf8(locationBody(servedModel, "9") + "{}"), JSON, adminKey),
                400, "MALFORMED_JSON");

        // parser limits and wrong types are explained without the parser's or the JDK's names
        var nested = send("POST", predict, utf8("{\"instances\": " + nestedArrays(200) + "}"), JSON, predictKey);
        assertRefused(nested, 400, "MALFORMED_JSON");
        assertThat(nested.body()).doesNotContain("StreamReadConstraints", "getMaxNestingDepth", "nesting depth (");
        var longNumber = send("POST", predict, utf8(predictBody(row("sepal_length", "1".repeat(1000)))), JSON, predictKey);
        assertRefused(longNumber, 400, "MALFORMED_JSON");
        assertThat(longNumber.body()).doesNotContain("StreamReadConstraints", "getMaxNumberLength");
        var stringWeight = send("PUT", "models/" + servedModel + "/aliases/canary", utf8("{\"version\": \"2\", \"weight\": \"50\"}"),
                JSON, adminKey);
        assertRefused(stringWeight, 400, "INVALID_WEIGHT");
        var unknownGuardField = send("PUT", "models/" + servedModel + "/aliases/canary",
                utf8("{\"version\": \"2\", \"weight\": 10, \"guard\": {\"maxErrorRate\": 0.1, \"rollback\": 1}}"), JSON, adminKey);
        assertRefused(unknownGuardField, 400, "INVALID_GUARD");

        // API Gateway's own answers are in the contract too
        assertRefused(send("GET", "no-such-route-" + suffix, null, NO_HEADERS, predictKey), 404, "ROUTE_NOT_FOUND");
        assertRefused(send("GET", "no-such-route-" + suffix, null, NO_HEADERS, null), 404, "ROUTE_NOT_FOUND");
        var encodedSlash = send("POST", "models/a%2Fb/predict", utf8(VALID_PREDICT), JSON, predictKey);
        assertThat(encodedSlash.status()).as(encodedSlash.body()).isIn(400, 404);
        assertThat(contractViolation(encodedSlash)).as(encodedSlash.body()).isNull();
    }

    @Test
    void failure5CanaryGuardBlindSpot_shouldLogAFailurePerRejectedCanaryRequest_whenCanaryBytesNoLongerMatch() throws Exception {
        // GIVEN v2 registered, then its model.onnx overwritten so its bytes match neither registry nor manifest
        var manifest = (ObjectNode) Emulator.JSON.readTree(IRIS.resolve("manifest.json").toFile());
        manifest.put("name", canaryModel).put("version", "2");
        var bytes = Files.readAllBytes(IRIS.resolve("model.onnx"));
        bytes[bytes.length - 1] ^= 0x1;
        putVersion(new ModelRef(canaryModel, "2"), Emulator.JSON.writeValueAsBytes(manifest), bytes);
        // (as a version registered before pinning: a pinned one keeps its checked bytes, see PinnedVersionsE2ET)
        emulator.unpin(canaryModel, "2");
        // AND v2 as a 50% canary whose guard will not judge it during this test (the schedule is not awaited here)
        var canary = send("PUT", "models/" + canaryModel + "/aliases/canary",
                utf8("{\"version\": \"2\", \"weight\": 50, \"guard\": {\"minRequests\": 1000000}}"), JSON, adminKey);
        assertThat(canary.status()).as(canary.body()).isEqualTo(200);
        Thread.sleep(ALIAS_PROPAGATION_MS);

        // WHEN callers spread over both sides of the split predict
        int rejected = 0;
        for (int i = 0; i < 30; i++) {
            var response = send("POST", "models/" + canaryModel + "/predict", utf8(VALID_PREDICT),
                    Map.of("Content-Type", "application/json", "X-Caller-Key", "caller-" + i), predictKey);
            if (response.status() == 200) {
                assertThat(response.json().path("version").asText()).isEqualTo("1");
            } else {
                assertRefused(response, 503, "MODEL_REJECTED");
                rejected++;
            }
        }

        // THEN requests routed to the canary were refused, and each left a failure item the guard can count
        assertThat(rejected).as("requests routed to the rejected canary").isPositive();
        var failures = failureItems(canaryModel, "2", "MODEL_REJECTED");
        assertThat(failures).as("MODEL_REJECTED items of %s#2", canaryModel).hasSize(rejected);
        assertThat(countItems(canaryModel, "2")).as("all items of %s#2", canaryModel).isEqualTo(rejected);
        assertThat(failures).allSatisfy(item -> assertThat(item).containsKeys("requestId", "ts"));
    }

    @Test
    void failure6UnboundedContainerState_shouldAnswerQuick404sAndKeepTheCacheBounded_whenCallersChooseNames() {
        // WHEN 300 unregistered versions and 300 unknown models are asked for
        var millis = new ArrayList<Long>();
        for (int i = 0; i < 300; i++) {
            long started = System.nanoTime();
            var response = send("POST", "models/" + corpusModel + "/predict?version=nv-" + suffix + "-" + i, utf8(VALID_PREDICT), JSON,
                    predictKey);
            millis.add((System.nanoTime() - started) / 1_000_000);
            assertRefused(response, 404, "VERSION_NOT_FOUND");
        }
        for (int i = 0; i < 300; i++) {
            long started = System.nanoTime();
            var response = send("POST", "models/nomodel-" + suffix + "-" + i + "/predict", utf8(VALID_PREDICT), JSON, predictKey);
            millis.add((System.nanoTime() - started) / 1_000_000);
            assertRefused(response, 404, "MODEL_NOT_FOUND");
        }

        // THEN each was answered quickly (nothing loaded for a name that does not exist)
        var sorted = millis.stream().sorted().toList();
        long p95 = sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1);
        System.out.printf(Locale.ROOT, "600 unknown names: median %d ms, p95 %d ms, max %d ms%n", sorted.get(sorted.size() / 2), p95,
                sorted.get(sorted.size() - 1));
        assertThat(p95).as("p95 of 600 404s, ms").isLessThanOrEqualTo(QUICK_404_P95_MS);
        // AND the container's model cache stays bounded, and it still serves
        var health = send("GET", "health/details", null, NO_HEADERS, predictKey);
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.json().path("models").isArray()).as(health.body()).isTrue();
        assertThat(health.json().path("models").size()).as(health.body()).isLessThanOrEqualTo(MODEL_CACHE_VERSIONS);
        var served = send("POST", "models/" + servedModel + "/predict", utf8(VALID_PREDICT), JSON, predictKey);
        assertThat(served.status()).as(served.body()).isEqualTo(200);
    }

    // ---------------------------------------------------------------------------------------------
    // Checks
    // ---------------------------------------------------------------------------------------------

    /** @return what is wrong with this answer to this case; empty when nothing is */
    private static List<String> problems(Case c, Emulator.Response response) {
        var problems = new ArrayList<String>();
        if (response.status() >= 500) {
            problems.add("server error " + response.status());
        }
        if (!c.expect().statuses().contains(response.status())) {
            problems.add("status " + response.status() + ", expected one of " + c.expect().statuses());
        }
        if (response.status() >= 300 && !EMULATOR_CONTRACT_EXCEPTION.test(response)) {
            var violation = contractViolation(response);
            if (violation != null) {
                problems.add("not in the error contract: " + violation);
            } else if (!c.expect().codes().isEmpty() && !c.expect().codes().contains(errorCode(response))) {
                problems.add("code " + errorCode(response) + ", expected one of " + c.expect().codes());
            }
        }
        var leaked = leakedInternals(response.body());
        if (!leaked.isEmpty()) {
            problems.add("internals in the body: " + leaked);
        }
        return problems;
    }

    /** @return why the body is not {@code {"error": {"code", "message", "details": {...}}}}, or null when it is */
    private static String contractViolation(Emulator.Response response) {
        var json = response.json();
        if (json == null || !json.isObject()) {
            return "the body is not a JSON object";
        }
        var error = json.get("error");
        if (error == null || !error.isObject()) {
            return "no 'error' object";
        }
        var code = error.get("code");
        if (code == null || !code.isTextual() || code.asText().isBlank()) {
            return "no 'error.code'";
        }
        var message = error.get("message");
        if (message == null || !message.isTextual() || message.asText().isBlank()) {
            return "no 'error.message'";
        }
        var details = error.get("details");
        if (details == null || !details.isObject()) {
            return "no 'error.details' object";
        }
        return null;
    }

    private static List<String> leakedInternals(String body) {
        return INTERNALS.stream().filter(body::contains).toList();
    }

    private static String errorCode(Emulator.Response response) {
        var json = response.json();
        if (json == null) {
            return null;
        }
        var code = json.path("error").path("code");
        return code.isTextual() ? code.asText() : null;
    }

    private static void assertRefused(Emulator.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(contractViolation(response)).as(response.body()).isNull();
        assertThat(errorCode(response)).as(response.body()).isEqualTo(code);
        assertThat(leakedInternals(response.body())).as(response.body()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // The prediction log and the registry, read directly
    // ---------------------------------------------------------------------------------------------

    /** @return item counts of v1, v2 and (through the byModel index) every version of the model */
    private Map<String, Long> loggedCounts(String model) {
        var counts = new LinkedHashMap<String, Long>();
        counts.put(model + "#1", countItems(model, "1"));
        counts.put(model + "#2", countItems(model, "2"));
        try (var dynamo = emulator.dynamoDb()) {
            counts.put(model + " (every version)",
                    (long) LogItems.ofModel(dynamo, emulator.output("PredictionsTableName"), model).size());
        }
        return counts;
    }

    private long countItems(String model, String version) {
        try (var dynamo = emulator.dynamoDb()) {
            return LogItems.ofVersion(dynamo, emulator.output("PredictionsTableName"), model, version).size();
        }
    }

    private List<Map<String, AttributeValue>> failureItems(String model, String version, String code) {
        try (var dynamo = emulator.dynamoDb()) {
            return LogItems.ofVersion(dynamo, emulator.output("PredictionsTableName"), model, version).stream()
                    .filter(item -> item.containsKey("error") && code.equals(item.get("error").s()))
                    .toList();
        }
    }

    /**
     * A model's registry state, through the API and in the table.
     *
     * @param model {@code GET /models/{m}} (aliases, versions with their status, the production contract)
     * @param audit {@code GET /models/{m}/audit} entries
     * @param items the model's registry partition: aliases with revision and updatedAt, versions, audit items
     */
    private record RegistrySnapshot(JsonNode model, JsonNode audit, List<Map<String, AttributeValue>> items) {}

    private RegistrySnapshot registrySnapshot(String model) {
        var described = send("GET", "models/" + model, null, NO_HEADERS, adminKey);
        assertThat(described.status()).as(described.body()).isEqualTo(200);
        var audit = send("GET", "models/" + model + "/audit", null, NO_HEADERS, adminKey);
        assertThat(audit.status()).as(audit.body()).isEqualTo(200);
        try (var dynamo = emulator.dynamoDb()) {
            var items = dynamo.queryPaginator(q -> q.tableName(emulator.output("RegistryTableName"))
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("MODEL#" + model)))
                    .consistentRead(true))
                    .items().stream().toList();
            return new RegistrySnapshot(described.json(), audit.json().path("entries"), items);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Sending
    // ---------------------------------------------------------------------------------------------

    /**
     * One raw request, paced under its key's usage plan. A 429 is the plan, not the request: it is
     * retried after a pause (counted in the summary).
     */
    private Emulator.Response send(String method, String path, byte[] body, Map<String, String> headers, String key) {
        Emulator.Response response = null;
        for (int attempt = 0; attempt < 4; attempt++) {
            pace(key);
            response = emulator.raw(method, path, body, headers, key);
            if (response.status() != 429) {
                return response;
            }
            throttledRetries++;
            sleep(1_000L * (attempt + 1));
        }
        return response;
    }

    private void pace(String key) {
        var slot = key == null ? "" : key;
        long spacing = adminKey.equals(key) ? ADMIN_SPACING_MS : OTHER_SPACING_MS;
        var last = lastSent.get(slot);
        if (last != null) {
            long waitMs = spacing - (System.nanoTime() - last) / 1_000_000;
            if (waitMs > 0) {
                sleep(waitMs);
            }
        }
        lastSent.put(slot, System.nanoTime());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Writes a version's files straight to the bucket, as a user with S3 access (not the API) would. */
    private void putVersion(ModelRef ref, byte[] manifestJson, byte[] onnx) {
        try (var s3 = emulator.s3()) {
            new S3ModelStore(s3, bucket).putVersion(ref, manifestJson, onnx);
        }
    }

    private void register(String name, String version) throws IOException {
        var response = emulator.uploadAndRegister(IRIS, name, version, null);
        assertThat(response.status()).as("registering " + name + ":" + version + ": " + response.body()).isEqualTo(201);
    }

    private void promote(String name, String version) {
        var response = send("PUT", "models/" + name + "/aliases/production", utf8("{\"version\": \"" + version + "\"}"), JSON, adminKey);
        assertThat(response.status()).as("promoting " + name + ":" + version + ": " + response.body()).isEqualTo(200);
    }

    /**
     * One API call of regression 3.
     *
     * @param method HTTP method
     * @param path path under the stage
     * @param body JSON body, or null
     */
    private record Call(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " /" + path;
        }
    }

    private Emulator.Response send(Call call, String key) {
        return send(call.method(), call.path(), call.body() == null ? null : utf8(call.body()), call.body() == null ? NO_HEADERS : JSON,
                key);
    }

    // ---------------------------------------------------------------------------------------------
    // The corpus's types and builders
    // ---------------------------------------------------------------------------------------------

    /**
     * What a case may be answered with: always a 4xx.
     *
     * @param statuses acceptable statuses
     * @param codes acceptable {@code error.code}s (any when empty)
     */
    private record Expect(Set<Integer> statuses, Set<String> codes) {
        Expect {
            assertThat(statuses).as("a hostile case expects refusals only").allMatch(s -> s >= 400 && s < 500);
        }

        static Expect of(int status, String... codes) {
            return new Expect(Set.of(status), new LinkedHashSet<>(List.of(codes)));
        }

        static Expect oneOf(List<Integer> statuses, String... codes) {
            return new Expect(new LinkedHashSet<>(statuses), new LinkedHashSet<>(List.of(codes)));
        }
    }

    /**
     * One hostile request.
     *
     * @param category what kind of hostility (for the summary)
     * @param name what this one tries
     * @param method HTTP method
     * @param path path under the stage, with its query, already percent-encoded
     * @param body raw body bytes, or null
     * @param headers headers sent (nothing else is added but {@code x-api-key})
     * @param key the {@code x-api-key} value, or null for none
     * @param expect acceptable answers
     */
    private record Case(String category, String name, String method, String path, byte[] body, Map<String, String> headers, String key,
            Expect expect) {
        String label() {
            return "[" + category + "] " + name + " (" + method + " /" + abbreviate(path, 80) + ")";
        }
    }

    /** Collects cases (names made unique), refusing a request that itself carries a marker of internals. */
    private final class Corpus {
        private final List<Case> cases = new ArrayList<>();
        private final Set<String> labels = new HashSet<>();

        void add(String category, String name, String method, String path, byte[] body, Map<String, String> headers, String key,
                Expect expect) {
            var unique = name;
            for (int n = 2; !labels.add(category + "/" + unique); n++) { // abbreviated names may collide
                unique = name + " #" + n;
            }
            var c = new Case(category, unique, method, path, body, headers, key, expect);
            // a reflected input must not look like a leak: the corpus never sends a marker of internals
            var sent = path + " " + headers + " " + (body == null ? "" : new String(body, StandardCharsets.ISO_8859_1));
            assertThat(leakedInternals(sent)).as("case " + c.label() + " sends a marker of internals").isEmpty();
            cases.add(c);
        }

        /** A predict call on the corpus model with the predict key. */
        void predict(String category, String name, String body, Expect expect) {
            add(category, name, "POST", predictPath(), utf8(body), JSON, predictKey, expect);
        }

        /** A canary change on the corpus model with the admin key. */
        void canary(String category, String name, String body, Expect expect) {
            add(category, name, "PUT", canaryPath(), utf8(body), JSON, adminKey, expect);
        }

        List<Case> cases() {
            return List.copyOf(cases);
        }
    }

    private String predictPath() {
        return "models/" + corpusModel + "/predict";
    }

    private String canaryPath() {
        return "models/" + corpusModel + "/aliases/canary";
    }

    private String locationBody(String version) {
        return locationBody(corpusModel, version);
    }

    private String locationBody(String model, String version) {
        return jsonLocation("s3://" + bucket + "/models/" + model + "/" + version + "/");
    }

    private static String jsonLocation(String location) {
        return "{\"location\": \"" + location + "\"}";
    }

    /** @return a predict body whose sepal_length is a JSON string holding these raw bytes */
    private static byte[] sepalLengthString(byte[] inner) {
        return concat(utf8("{\"instances\": [{\"sepal_length\": \""), inner,
                utf8("\"" + VALID_ROW.substring(VALID_ROW.indexOf(',')) + "]}"));
    }

    private static String predictBody(String row) {
        return "{\"instances\": [" + row + "]}";
    }

    /** @return a valid row with one feature's value replaced by raw JSON text */
    private static String row(String feature, String rawValue) {
        var row = new StringBuilder("{");
        FEATURES.forEach((name, value) -> row.append(row.length() == 1 ? "" : ", ").append('"').append(name).append("\": ")
                .append(name.equals(feature) ? rawValue : value));
        return row.append('}').toString();
    }

    /** @return a row with every feature set to the same raw JSON text */
    private static String rowOf(String rawValue) {
        var row = new StringBuilder("{");
        FEATURES.keySet().forEach(name -> row.append(row.length() == 1 ? "" : ", ").append('"').append(name).append("\": ")
                .append(rawValue));
        return row.append('}').toString();
    }

    private static String nestedArrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static String nestedObjects(int depth) {
        return "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth);
    }

    /** @return the text followed by spaces up to exactly {@code bytes} UTF-8 bytes */
    private static String padded(String json, int bytes) {
        return json + " ".repeat(bytes - utf8(json).length);
    }

    private static String multipart(String json) {
        return "--b0undary\r\nContent-Disposition: form-data; name=\"body\"\r\nContent-Type: application/json\r\n\r\n" + json
                + "\r\n--b0undary--\r\n";
    }

    /** @return the JSON payload of a prediction-log cursor (see PredictionLogCursor) */
    private static String cursorPayload(String model, String version, String from, String to, String key) {
        return "{\"v\": 1, \"model\": \"" + model + "\", \"version\": " + (version == null ? "null" : "\"" + version + "\"")
                + ", \"from\": \"" + from + "\", \"to\": \"" + to + "\", \"key\": " + key + "}";
    }

    /** @return a cursor with a correct check: base64url(payload) "." base64url(first 12 bytes of sha256(prefix + payload)) */
    private static String sign(String payload) {
        var bytes = utf8(payload);
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(CURSOR_CHECK_PREFIX);
            var check = Arrays.copyOf(digest.digest(bytes), 12);
            var encoder = Base64.getUrlEncoder().withoutPadding();
            return encoder.encodeToString(bytes) + "." + encoder.encodeToString(check);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String withField(byte[] payload, String field, String value) {
        try {
            var node = (ObjectNode) Emulator.JSON.readTree(payload);
            node.put(field, value);
            return Emulator.JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException("the genuine cursor's payload is not JSON", e);
        }
    }

    private static String sha256Hex(String text) {
        try {
            var hash = MessageDigest.getInstance("SHA-256").digest(utf8(text));
            var hex = new StringBuilder();
            for (var b : hash) {
                hex.append(String.format(Locale.ROOT, "%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the text with the character at {@code index} replaced by another of the same class */
    private static String flip(String text, int index) {
        char c = text.charAt(index);
        char replacement = Character.isDigit(c) ? (c == '0' ? '1' : '0') : Character.isLetter(c) ? (c == 'A' ? 'B' : 'A') : 'A';
        return text.substring(0, index) + replacement + text.substring(index + 1);
    }

    private static String swapCase(String text) {
        var out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        var swapped = out.toString();
        return swapped.equals(text) ? text + "Z" : swapped; // a key without letters still gets a near miss
    }

    /** Percent-encodes for a path segment or a query value (a space is %20, never +). */
    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        var out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (var part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        var all = new ArrayList<T>(first);
        all.addAll(second);
        return all;
    }

    private static String abbreviate(String text) {
        return abbreviate(text, 300);
    }

    private static String abbreviate(String text, int max) {
        var oneLine = text.replace("\n", "\\n").replace("\r", "\\r").replace("\u0000", "\\0");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…(" + text.length() + " chars)";
    }
}
