package io.mlserve.function.predict;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.mlserve.aws.ApiResponses;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.error.RequestRejectedException;
import io.mlserve.core.json.Json;
import io.mlserve.core.serving.PredictionService;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * REST API (Lambda proxy): {@code GET /health} and {@code POST /models/{name}/predict[?version=]}.
 * Without {@code ?version=} the model's aliases decide (production, or the canary for its share);
 * header {@value #CALLER_KEY_HEADER} keeps a caller on one side of a canary split. Env vars: see
 * {@link FunctionConfig}.
 */
public final class PredictHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(PredictHandler.class);
    /** Optional request header: a stable caller identity for sticky canary routing. */
    public static final String CALLER_KEY_HEADER = "X-Caller-Key";

    private static final Pattern PREDICT_PATH = Pattern.compile("^/models/([^/]+)/predict/?$");

    private final PredictionService predictions;
    private final Health health;
    private final Metrics metrics;
    private final int maxRequestBytes;

    /** Called by the runtime once per execution environment (INIT): clients and config. */
    public PredictHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    PredictHandler(Wiring wiring) { // tests pass their own wiring
        this.predictions = wiring.predictions();
        this.health = new Health(predictions, wiring.clock());
        this.metrics = wiring.metrics();
        this.maxRequestBytes = wiring.config().maxRequestBytes();
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        var requestId = context.getAwsRequestId();
        return PowertoolsLogging.withLogging(context, () -> {
            try {
                var response = ApiResponses.guard(requestId, () -> route(event, requestId));
                metrics.addMetric(response.getStatusCode() >= 500 ? "ServerErrors"
                        : response.getStatusCode() >= 400 ? "ClientErrors" : "Requests", 1, MetricUnit.COUNT);
                return response;
            } finally {
                flushMetrics();
            }
        });
    }

    /** Metrics are best effort: a flush failure must never cost the caller their answer. */
    private void flushMetrics() {
        try {
            metrics.flush();
        } catch (RuntimeException e) {
            LOG.warn("metrics flush failed", e);
        }
    }

    private APIGatewayProxyResponseEvent route(APIGatewayProxyRequestEvent event, String requestId) {
        var method = Optional.ofNullable(event.getHttpMethod()).orElse("GET");
        var path = Optional.ofNullable(event.getPath()).orElse("/");
        if (path.equals("/health") || path.equals("/health/")) {
            requireMethod(method, "GET", path);
            return ApiResponses.ok(requestId, health.report());
        }
        var match = PREDICT_PATH.matcher(path);
        if (!match.matches()) {
            throw NotFoundException.route(method, path);
        }
        requireMethod(method, "POST", path);
        var body = Json.parseRequest(body(event));
        return ApiResponses.ok(requestId,
                predictions.predict(match.group(1), query(event, "version"), header(event, CALLER_KEY_HEADER), body, requestId, "api"));
    }

    private String body(APIGatewayProxyRequestEvent event) {
        var raw = event.getBody();
        if (raw == null) {
            return null;
        }
        if (Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            raw = new String(Base64.getDecoder().decode(raw), StandardCharsets.UTF_8);
        }
        long size = raw.getBytes(StandardCharsets.UTF_8).length;
        if (size > maxRequestBytes) {
            throw RequestRejectedException.tooLarge(size, maxRequestBytes);
        }
        return raw;
    }

    private static String query(APIGatewayProxyRequestEvent event, String name) {
        Map<String, String> params = event.getQueryStringParameters();
        return params == null ? null : params.get(name);
    }

    private static String header(APIGatewayProxyRequestEvent event, String name) {
        if (event.getHeaders() == null) {
            return null;
        }
        return event.getHeaders().entrySet().stream() // HTTP header names are case-insensitive
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    private static void requireMethod(String method, String allowed, String path) {
        if (!method.equals(allowed)) {
            throw RequestRejectedException.methodNotAllowed(method, path, allowed);
        }
    }
}
