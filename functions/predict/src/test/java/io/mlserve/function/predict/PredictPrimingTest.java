package io.mlserve.function.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryModelStore;
import io.mlserve.core.testing.InMemoryPredictionLog;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SnapStart hooks: priming loads the named models and runs them through the handler, leaving no trace; restore re-reads aliases. */
class PredictPrimingTest {
    private static final Path IRIS = Path.of("../../models/iris");

    private final InMemoryPredictionLog log = new InMemoryPredictionLog();
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry().serving("iris", "1");
    private final ByteArrayOutputStream metrics = new ByteArrayOutputStream();
    private final Wiring wiring;
    private final PredictHandler handler;

    PredictPrimingTest() throws Exception {
        var store = new InMemoryModelStore().put(new ModelRef("iris", "1"), Files.readAllBytes(IRIS.resolve("manifest.json")),
                Files.readAllBytes(IRIS.resolve("model.onnx")));
        var env = Map.of("MODELS_BUCKET", "b", "PREDICTIONS_TABLE", "t", "REGISTRY_TABLE", "r", "MODEL_ALIAS_TTL_SECONDS", "300");
        wiring = Wiring.of(env, FunctionConfig.fromEnv(env), store, registry, log, Clock.systemUTC(), metrics);
        handler = new PredictHandler(wiring);
    }

    @Test
    void beforeCheckpoint_shouldLoadAndRunTheNamedModels_withoutLogOrMetrics() {
        var priming = new PredictPriming(handler, wiring.cache(), wiring.metrics(), wiring.log(), " iris, ");

        priming.beforeCheckpoint(null);

        assertThat(wiring.cache().loaded()).extracting(m -> m.ref().name()).containsExactly("iris");
        assertThat(priming.primedRequests).isEqualTo(50 + PredictPriming.ROUNDS);
        assertThat(log.records).isEmpty();
        assertThat(metrics.size()).isZero();
        // and afterwards the handler logs and counts again
        var response = handler.handleRequest(predict(), new FakeContext("after"));
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(log.records).hasSize(1);
        assertThat(metrics.toString(StandardCharsets.UTF_8)).contains("\"Requests\":1.0");
    }

    @Test
    void afterRestore_shouldReadAliasesAgain_whenTheyWereCached() {
        var priming = new PredictPriming(handler, wiring.cache(), wiring.metrics(), wiring.log(), "iris");
        priming.beforeCheckpoint(null);
        int reads = registry.aliasReads.get();
        handler.handleRequest(predict(), new FakeContext("cached"));
        assertThat(registry.aliasReads.get()).isEqualTo(reads); // within the alias TTL: cached

        priming.afterRestore(null);
        handler.handleRequest(predict(), new FakeContext("restored"));

        assertThat(registry.aliasReads.get()).isEqualTo(reads + 1);
    }

    @Test
    void sampleBody_shouldBeAcceptedByTheModel_whenBuiltFromItsManifest() throws Exception {
        var manifest = Json.read(Files.readAllBytes(IRIS.resolve("manifest.json")), io.mlserve.core.model.ModelManifest.class);
        assertThat(PredictPriming.sampleBody(manifest, 1)).contains("\"instances\"").contains("petal_length");
    }

    private static APIGatewayProxyRequestEvent predict() {
        return new APIGatewayProxyRequestEvent().withRequestContext(FakeContext.authorized("predict")).withHttpMethod("POST")
                .withPath("/models/iris/predict").withBody("{\"instances\": [{\"sepal_length\": 5.1, \"sepal_width\": 3.5, "
                        + "\"petal_length\": 1.4, \"petal_width\": 0.2}]}");
    }
}
