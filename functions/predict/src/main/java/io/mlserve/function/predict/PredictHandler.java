package io.mlserve.function.predict;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.core.json.Json;
import io.mlserve.core.serving.PredictionService;
import io.mlserve.http.HttpEdge;
import io.mlserve.http.HttpRequest;
import io.mlserve.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * REST API (Lambda proxy): {@code GET /health} (public: up and build version), {@code GET /health/details},
 * {@code GET /docs}, {@code GET /docs/openapi.yaml} and {@code POST /models/{name}/predict[?version=]}.
 * Without {@code ?version=} the model's aliases decide (production, or the canary for its share);
 * header {@value #CALLER_KEY_HEADER} keeps a caller on one side of a canary split. Env vars: see
 * {@link FunctionConfig}.
 */
public final class PredictHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(PredictHandler.class);
    /** Optional request header: a stable caller identity for sticky canary routing. */
    public static final String CALLER_KEY_HEADER = "X-Caller-Key";

    private final PredictionService predictions;
    private final HttpEdge edge;
    private final Metrics metrics;

    /** Called by the runtime once per execution environment (INIT): clients and config. */
    public PredictHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    PredictHandler(Wiring wiring) { // tests pass their own wiring
        this.predictions = wiring.predictions();
        this.metrics = wiring.metrics();
        var health = new Health(predictions, wiring.clock());
        this.edge = HttpEdge.builder(wiring.config().maxRequestBytes())
                .route("GET", "/health", request -> HttpResponse.ok(health.summary()))
                .route("GET", "/health/details", request -> HttpResponse.ok(health.report()))
                .route("GET", "/docs", request -> HttpResponse.text("text/html; charset=utf-8", ApiDocs.html()))
                .route("GET", "/docs/openapi.yaml", request -> HttpResponse.text("application/yaml", ApiDocs.yaml()))
                .route("POST", "/models/{name}/predict", this::predict)
                .build();
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            try {
                var response = edge.handle(event, context.getAwsRequestId());
                metrics.addMetric(response.getStatusCode() >= 500 ? "ServerErrors"
                        : response.getStatusCode() >= 400 ? "ClientErrors" : "Requests", 1, MetricUnit.COUNT);
                return response;
            } finally {
                flushMetrics();
            }
        });
    }

    private HttpResponse predict(HttpRequest request) {
        var body = Json.parseRequest(request.body());
        return HttpResponse.ok(predictions.predict(request.path("name"), request.query("version").orElse(null),
                request.header(CALLER_KEY_HEADER).orElse(null), body, request.requestId(), "api"));
    }

    /** Metrics are best effort: a flush failure must never cost the caller their answer. */
    private void flushMetrics() {
        try {
            metrics.flush();
        } catch (RuntimeException e) {
            LOG.warn("metrics flush failed", e);
        }
    }
}
