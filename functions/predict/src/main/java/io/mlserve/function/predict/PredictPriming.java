package io.mlserve.function.predict;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.serving.ModelCache;
import io.mlserve.core.json.Json;
import io.mlserve.http.EmfMetrics;
import io.mlserve.http.ProxyEventJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapStart priming (CRaC hooks; Lambda runs them around the snapshot of a published version).
 *
 * <p>{@link #beforeCheckpoint}: loads the production version of every model named in {@code PRIME_MODELS}
 * (comma-separated; the models to serve without a first-request load) and sends {@value #ROUNDS} synthetic
 * requests per model through the full handler — edge, JSON, validation, ONNX Runtime, response — plus
 * requests for an unknown model (the registry read through the DynamoDB client), so classes are loaded and
 * the JIT has compiled the hot path before the snapshot. The prediction log and the metrics are muted
 * meanwhile: nothing synthetic reaches the log, the stats or CloudWatch. A failure is logged and never
 * stops the snapshot.
 *
 * <p>{@link #afterRestore}: forgets the aliases read before the snapshot (a restore may come hours later;
 * the next request reads them again). The SDK clients need nothing: they resolve credentials from the
 * environment, which Lambda sets afresh in a restored environment, at each call.
 */
final class PredictPriming implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(PredictPriming.class);
    /** Enough for C2 (on AWS predict runs full JIT): its thresholds are ~10-15k calls; every 10th call has 100 rows. */
    static final int ROUNDS = 20_000;
    static final String UNKNOWN_MODEL = "mlserve-priming";

    private final PredictHandler handler;
    private final ModelCache cache;
    private final EmfMetrics metrics;
    private final PrimingLog log;
    private final List<String> models;
    int primedRequests; // for tests

    PredictPriming(PredictHandler handler, ModelCache cache, EmfMetrics metrics, PrimingLog log, String primeModels) {
        this.handler = handler;
        this.cache = cache;
        this.metrics = metrics;
        this.log = log;
        var names = new ArrayList<String>();
        if (primeModels != null) {
            for (var name : primeModels.split(",")) {
                if (!name.isBlank()) {
                    names.add(name.strip());
                }
            }
        }
        this.models = List.copyOf(names);
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        metrics.mute(true);
        log.mute(true);
        try {
            var unknown = event(UNKNOWN_MODEL, "{\"instances\": [{}]}");
            for (int i = 0; i < 50; i++) {
                call(unknown);
            }
            for (var name : models) {
                try {
                    var model = cache.load(cache.resolve(name, null, null).ref());
                    var one = event(name, sampleBody(model.manifest(), 1));
                    var rows = event(name, sampleBody(model.manifest(), 100)); // the per-row loops compile too
                    for (int i = 0; i < ROUNDS; i++) {
                        call(i % 10 == 9 ? rows : one);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("priming model {} failed: {}", name, e.toString());
                }
            }
        } finally {
            metrics.mute(false);
            log.mute(false);
        }
        LOG.atInfo().setMessage("primed for the snapshot").addKeyValue("event", "Primed").addKeyValue("models", String.join(",", models))
                .addKeyValue("requests", primedRequests).log();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        cache.forgetAliases();
        LOG.atInfo().setMessage("restored from the snapshot").addKeyValue("event", "Restored").log();
    }

    /** @return the API Gateway event of a predict call, as the deployed {@link PredictStreamHandler} reads it */
    private static byte[] event(String model, String body) {
        return Json.write(Map.of("httpMethod", "POST", "path", "/models/" + model + "/predict",
                "resource", "/models/{name}/predict", "headers", Map.of("Content-Type", "application/json"),
                "requestContext", Map.of("authorizer", Map.of("role", "predict", "keyName", "priming")), "body", body))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** One call the way the deployed {@link PredictStreamHandler} makes it: event bytes read, handled, answer written. */
    private void call(byte[] event) {
        try {
            var request = ProxyEventJson.read(new ByteArrayInputStream(event));
            ProxyEventJson.write(handler.handleRequest(request, new PrimingContext("priming-" + primedRequests)),
                    OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        primedRequests++;
    }

    /** Valid rows: each feature at its minimum (or 0, or its first allowed value). */
    static String sampleBody(ModelManifest manifest, int count) {
        var row = new LinkedHashMap<String, Object>();
        for (var f : manifest.features()) {
            Object value;
            if (f.values() != null && !f.values().isEmpty()) {
                value = f.values().get(0);
            } else if (f.type() == FeatureType.STRING) {
                value = "x";
            } else {
                double v = f.min() != null ? f.min() : f.max() != null ? Math.min(0, f.max()) : 0.0;
                value = f.type() == FeatureType.INT64 ? (Object) (long) Math.ceil(v) : (Object) v;
            }
            row.put(f.name(), value);
        }
        return Json.write(Map.of("instances", java.util.Collections.nCopies(count, row)));
    }

    private record PrimingContext(String getAwsRequestId) implements Context {
        @Override public String getLogGroupName() { return null; }
        @Override public String getLogStreamName() { return null; }
        @Override public String getFunctionName() { return System.getenv("AWS_LAMBDA_FUNCTION_NAME"); }
        @Override public String getFunctionVersion() { return System.getenv("AWS_LAMBDA_FUNCTION_VERSION"); }
        @Override public String getInvokedFunctionArn() { return null; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 30_000; }
        @Override public int getMemoryLimitInMB() { return 0; }
        @Override public LambdaLogger getLogger() { return null; }
    }
}
