package io.mlserve.function.drift;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlserve.core.drift.DriftService;
import io.mlserve.core.json.Json;
import io.mlserve.core.quality.QualityService;
import io.mlserve.core.schedule.ScheduledTask;
import io.mlserve.http.HttpEdge;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The drift function. Two kinds of payload:
 * <ul>
 *   <li>a REST API (Lambda proxy) event for the drift routes ({@link DriftApi}), answered through the shared edge;</li>
 *   <li>a drift schedule's firing (EventBridge Scheduler), {@code {"action": "start", "kind": "drift", "model",
 *       "trigger": "schedule"}}: runs a check (its report is kept as any other);</li>
 *   <li>a quality schedule's firing, the same with {@code "kind": "quality"}: checks production against the quality
 *       floors ({@code ModelQualityDegraded} when one is broken).</li>
 * </ul>
 * Env vars: {@link io.mlserve.aws.FunctionConfig}, {@code DATA_BUCKET}, {@code SCHEDULE_GROUP}, {@code SCHEDULER_ROLE_ARN},
 * {@code EVENT_BUS_NAME}, optionally {@code DRIFT_FUNCTION_ARN} (see {@link DriftWiring}).
 */
public final class DriftHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(DriftHandler.class);
    /** Reads the proxy event as the Lambda runtime would (fields it does not model are ignored). */
    private static final ObjectMapper EVENTS = Json.MAPPER.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final AtomicReference<String> SELF_ARN = new AtomicReference<>();

    private final HttpEdge edge;
    private final DriftService drift;
    private final QualityService quality;

    /** Called by the runtime once per execution environment (INIT): clients; ONNX Runtime only when a baseline needs it. */
    public DriftHandler() {
        this(DriftWiring.fromEnvironment(System.getenv(), SELF_ARN::get));
    }

    private DriftHandler(DriftWiring wiring) {
        this(wiring.edge(), wiring.drift(), wiring.quality());
    }

    DriftHandler(HttpEdge edge, DriftService drift) { // tests pass their own
        this(edge, drift, null);
    }

    DriftHandler(HttpEdge edge, DriftService drift, QualityService quality) { // tests pass their own
        this.edge = edge;
        this.drift = drift;
        this.quality = quality;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        if (context != null && context.getInvokedFunctionArn() != null) {
            SELF_ARN.compareAndSet(null, unqualified(context.getInvokedFunctionArn()));
        }
        return PowertoolsLogging.withLogging(context, () -> handle(input, context == null ? null : context.getAwsRequestId()));
    }

    Map<String, Object> handle(Map<String, Object> input, String requestId) {
        if (input.containsKey("httpMethod")) {
            var event = EVENTS.convertValue(input, APIGatewayProxyRequestEvent.class);
            var response = edge.handle(event, requestId);
            var out = new LinkedHashMap<String, Object>();
            out.put("statusCode", response.getStatusCode());
            out.put("headers", response.getHeaders());
            out.put("body", response.getBody());
            out.put("isBase64Encoded", false);
            return out;
        }
        if ("start".equals(input.get("action")) && ScheduledTask.DRIFT.equals(input.get("kind"))) {
            var model = input.get("model");
            if (model == null || model.toString().isBlank()) {
                throw new IllegalArgumentException("the model field is missing");
            }
            var report = drift.check(model.toString());
            LOG.info("drift check of {} ({}): {}", model, input.getOrDefault("trigger", "schedule"), report.verdict().spelling());
            var out = new LinkedHashMap<String, Object>();
            out.put("model", report.model());
            out.put("version", report.version());
            out.put("verdict", report.verdict().spelling());
            out.put("samples", report.samples());
            out.put("driftedFeatures", report.driftedFeatures());
            return out;
        }
        if ("start".equals(input.get("action")) && ScheduledTask.QUALITY.equals(input.get("kind")) && quality != null) {
            var model = input.get("model");
            if (model == null || model.toString().isBlank()) {
                throw new IllegalArgumentException("the model field is missing");
            }
            var check = quality.check(model.toString());
            LOG.info("quality check of {} ({}): {} ({}), {} labelled of {}", model, input.getOrDefault("trigger", "schedule"),
                    check.verdict(), check.reason(), check.labelled(), check.count());
            var out = new LinkedHashMap<String, Object>();
            out.put("model", check.model());
            out.put("version", check.version());
            out.put("verdict", check.verdict());
            out.put("labelled", check.labelled());
            out.put("broken", check.broken());
            out.put("eventId", check.eventId());
            return out;
        }
        throw new IllegalArgumentException("unknown payload: neither an API request nor {\"action\": \"start\", \"kind\": \"drift\" | \"quality\"}");
    }

    /** {@code arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]} without the qualifier. */
    static String unqualified(String arn) {
        var parts = arn.split(":");
        return parts.length > 7 ? String.join(":", java.util.Arrays.copyOf(parts, 7)) : arn;
    }
}
