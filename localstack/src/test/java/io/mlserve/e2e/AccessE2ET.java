package io.mlserve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Keys with roles on the deployed stack: the keys CLI makes, lists and revokes keys the authorizer
 * honours; the health split; and API Gateway's own 429 in the error contract.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessE2ET {
    private static final Path CLI_JAR = Path.of("..", "functions", "cli", "target", "mlserve.jar");
    private static final Map<String, String> JSON_BODY = Map.of("Content-Type", "application/json");

    private Emulator emulator;
    private String suffix;

    @BeforeAll
    void setUp() throws Exception {
        emulator = Emulator.fromOutputs();
        emulator.publish(Path.of("..", "models", "iris"));
        suffix = Long.toString(System.currentTimeMillis(), 36);
    }

    /** Runs {@code mlserve keys …} as an operator would, against the emulator. */
    private String keys(String... args) throws Exception {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", CLI_JAR.toString(), "keys"));
        command.addAll(List.of(args));
        command.addAll(List.of("--keys-table", emulator.output("KeysTableName")));
        var process = new ProcessBuilder(command).redirectErrorStream(false).start();
        var out = new String(process.getInputStream().readAllBytes());
        var err = new String(process.getErrorStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(err).isZero();
        return out;
    }

    private static void assertContract(Emulator.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json()).as(response.body()).isNotNull();
        assertThat(response.json().path("error").path("code").asText()).as(response.body()).isEqualTo(code);
        assertThat(response.json().path("error").path("message").asText()).isNotBlank();
    }

    @Test
    void keysCli_shouldCreateListAndRevoke_andTheAuthorizerShouldFollow() throws Exception {
        // GIVEN a predict key made with the CLI
        var name = "e2e-predict-" + suffix;
        JsonNode created = Emulator.JSON.readTree(keys("create", "--role", "predict", "--name", name,
                "--rest-api-id", emulator.output("RestApiId")));
        var key = created.path("apiKey").asText();
        assertThat(key).hasSizeGreaterThanOrEqualTo(40);

        // THEN it predicts, is refused on admin routes, and is listed without its value
        var sample = java.nio.file.Files.readAllBytes(Path.of("..", "models", "iris", "sample-request.json"));
        assertThat(emulator.raw("POST", "models/iris/predict", sample, JSON_BODY, key).status()).isEqualTo(200);
        assertContract(emulator.raw("GET", "models/iris/audit", null, Map.of(), key), 403, "FORBIDDEN");
        var listed = keys("list", "--json");
        assertThat(listed).contains(name).doesNotContain(key);

        // WHEN it is revoked
        keys("revoke", "--name", name);

        // THEN it stops working within the authorizer's cache TTL (30 s)
        long deadline = System.currentTimeMillis() + 45_000;
        Emulator.Response response;
        do {
            Thread.sleep(1000);
            response = emulator.raw("POST", "models/iris/predict", sample, JSON_BODY, key);
        } while (response.status() == 200 && System.currentTimeMillis() < deadline);
        assertThat(response.status()).as(response.body()).isIn(401, 403);
        assertThat(response.json().path("error").path("code").asText()).isIn("FORBIDDEN", "INVALID_API_KEY", "UNAUTHORIZED");
    }

    @Test
    void audit_shouldNameTheKeyThatChangedAnAlias() throws Exception {
        // a model of its own: on a shared model, production may already be version 1 (no change, nothing audited)
        var model = "audited-" + Long.toString(System.currentTimeMillis(), 36);
        assertThat(emulator.uploadAndRegister(java.nio.file.Path.of("..", "models", "iris"), model, "1", null).status()).isEqualTo(201);
        var response = emulator.put("models/" + model + "/aliases/production", "{\"version\": \"1\"}");
        assertThat(response.status()).isEqualTo(200);
        var sample = "{\"version\": \"1\", \"weight\": 0}";
        emulator.put("models/" + model + "/aliases/canary", sample); // refused (canary is production): not audited

        var audit = emulator.get("models/" + model + "/audit").json().path("entries");
        assertThat(audit).anySatisfy(entry -> {
            assertThat(entry.path("action").asText()).isEqualTo("PRODUCTION_SET");
            assertThat(entry.path("actor").asText()).isEqualTo("key:local-admin");
        });
    }

    @Test
    void health_shouldSayOnlyUpAndVersion_withoutAKey_andDetailsWithOne() {
        var summary = emulator.raw("GET", "health", null, Map.of(), null);
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.json().properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("status", "version");

        assertContract(emulator.raw("GET", "health/details", null, Map.of(), null), 401, "UNAUTHORIZED");
        var details = emulator.raw("GET", "health/details", null, Map.of(), emulator.predictKey);
        assertThat(details.status()).isEqualTo(200);
        assertThat(details.json().path("runtime").asText()).startsWith("java ");
        assertThat(details.json().has("models")).isTrue();
    }

    @Test
    void usagePlan_shouldThrottleAnAdminKey_with429InTheErrorContract() throws Exception {
        // GIVEN a fresh admin key (plan mlserve-admin: 10 requests/s, burst 20)
        var name = "e2e-throttle-" + suffix;
        var key = Emulator.JSON.readTree(keys("create", "--role", "admin", "--name", name,
                "--rest-api-id", emulator.output("RestApiId"))).path("apiKey").asText();
        try {
            // WHEN 4 callers send requests back to back (well over 10/s once the functions are warm),
            // until API Gateway throttles one; throttled requests never reach a function, so they are cheap
            var seen = new java.util.concurrent.ConcurrentLinkedQueue<Emulator.Response>();
            var throttledOnce = new java.util.concurrent.atomic.AtomicBoolean();
            Callable<Void> caller = () -> {
                for (int i = 0; i < 100 && !throttledOnce.get(); i++) {
                    var response = emulator.raw("GET", "health/details", null, Map.of(), key);
                    seen.add(response);
                    if (response.status() == 429) {
                        throttledOnce.set(true);
                    }
                }
                return null;
            };
            try (var pool = Executors.newFixedThreadPool(4)) {
                for (var future : pool.invokeAll(List.of(caller, caller, caller, caller))) {
                    future.get();
                }
            }

            // THEN some are throttled, in the error contract, and none fails
            var throttled = seen.stream().filter(r -> r.status() == 429).toList();
            assertThat(throttled).as("statuses: %s", seen.stream().map(Emulator.Response::status).toList()).isNotEmpty();
            throttled.forEach(r -> assertContract(r, 429, "THROTTLED"));
            assertThat(seen).allSatisfy(r -> assertThat(r.status()).isIn(200, 429));
        } finally {
            keys("revoke", "--name", name);
        }
    }
}
