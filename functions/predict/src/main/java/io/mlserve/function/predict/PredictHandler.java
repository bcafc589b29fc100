package io.mlserve.function.predict;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.core.json.PredictionJson;
import io.mlserve.core.serving.PredictionService;
import io.mlserve.http.EmfMetrics;
import io.mlserve.http.HttpEdge;
import io.mlserve.http.LambdaLogContext;
import io.mlserve.http.HttpRequest;
import io.mlserve.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private final EmfMetrics metrics;
    /** SnapStart priming hooks, or null without them (tests). */
    final PredictPriming priming;
    private final LambdaLogContext logContext = new LambdaLogContext(System.getenv("POWERTOOLS_SERVICE_NAME"));

    /** Called by the runtime once per execution environment (INIT): clients and config. */
    public PredictHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    PredictHandler(Wiring wiring) { // tests pass their own wiring
        this.predictions = wiring.predictions();
        this.metrics = wiring.metrics();
        if (wiring.cache() != null) {
            // SnapStart: CRaC holds resources weakly, so this handler keeps its own reference
            this.priming = new PredictPriming(this, wiring.cache(), metrics, wiring.log(), System.getenv("PRIME_MODELS"));
            org.crac.Core.getGlobalContext().register(priming);
        } else {
            this.priming = null;
        }
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
        logContext.enter(context);
        try {
            var response = edge.handle(event, context.getAwsRequestId());
            metrics.add(response.getStatusCode() >= 500 ? EmfMetrics.Metric.SERVER_ERRORS
                    : response.getStatusCode() >= 400 ? EmfMetrics.Metric.CLIENT_ERRORS : EmfMetrics.Metric.REQUESTS, 1);
            return response;
        } finally {
            flushMetrics();
        }
    }

    private HttpResponse predict(HttpRequest request) {
        var answer = predictions.predict(request.path("name"), request.query("version").orElse(null),
                request.header(CALLER_KEY_HEADER).orElse(null), request.body(), request.requestId(), "api");
        return new HttpResponse(200, HttpResponse.JSON, PredictionJson.write(answer));
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
