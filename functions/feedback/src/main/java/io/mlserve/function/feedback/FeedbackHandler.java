package io.mlserve.function.feedback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlserve.core.feedback.FeedbackFileJob;
import io.mlserve.core.json.Json;
import io.mlserve.http.HttpEdge;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The feedback function. Two kinds of payload:
 * <ul>
 *   <li>a REST API (Lambda proxy) event for {@code POST /models/{name}/feedback} ({@link FeedbackApi});</li>
 *   <li>a feedback file's upload, from the EventBridge rule on the data bucket's {@code feedback/} prefix:
 *       {@code {"step": "file", "bucket", "key", "etag"}} — runs its job ({@link FeedbackFileJob}).</li>
 * </ul>
 * Env vars: {@link io.mlserve.aws.FunctionConfig} ({@code PREDICTIONS_TABLE}, {@code REGISTRY_TABLE},
 * {@code MODELS_BUCKET}, {@code PREDICTION_LOG_TTL_DAYS}), {@code JOBS_TABLE}, {@code FEEDBACK_WRITERS},
 * {@code FEEDBACK_MAX_FILE_BYTES} (see {@link FeedbackWiring}).
 */
public final class FeedbackHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackHandler.class);
    /** Reads the proxy event as the Lambda runtime would (fields it does not model are ignored). */
    private static final ObjectMapper EVENTS = Json.MAPPER.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final HttpEdge edge;
    private final FeedbackFileJob files;

    /** Called by the runtime once per execution environment (INIT): clients only. */
    public FeedbackHandler() {
        this(FeedbackWiring.fromEnvironment(System.getenv()));
    }

    private FeedbackHandler(FeedbackWiring wiring) {
        this(wiring.edge(), wiring.files());
    }

    FeedbackHandler(HttpEdge edge, FeedbackFileJob files) { // tests pass their own
        this.edge = edge;
        this.files = files;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return PowertoolsLogging.withLogging(context, () -> handle(input, context == null ? null : context.getAwsRequestId()));
    }

    Map<String, Object> handle(Map<String, Object> input, String requestId) {
        if (input.containsKey("httpMethod")) {
            var response = edge.handle(EVENTS.convertValue(input, APIGatewayProxyRequestEvent.class), requestId);
            var out = new LinkedHashMap<String, Object>();
            out.put("statusCode", response.getStatusCode());
            out.put("headers", response.getHeaders());
            out.put("body", response.getBody());
            out.put("isBase64Encoded", false);
            return out;
        }
        if ("file".equals(input.get("step"))) {
            var job = files.run(text(input, "bucket"), text(input, "key"), text(input, "etag"));
            LOG.info("feedback job {} ({}): {} read, {} rejected{}", job.jobId(), job.input(), job.rowsRead(), job.rowsRejected(),
                    job.failureReason() == null ? "" : "; failed: " + job.failureReason());
            var out = new LinkedHashMap<String, Object>();
            out.put("jobId", job.jobId());
            out.put("status", job.status().name());
            out.put("rowsRead", job.rowsRead());
            out.put("rowsRejected", job.rowsRejected());
            return out;
        }
        throw new IllegalArgumentException("unknown payload: neither an API request nor {\"step\": \"file\", \"bucket\", \"key\", \"etag\"}");
    }

    private static String text(Map<String, Object> input, String field) {
        var value = input.get(field);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("the " + field + " field is missing");
        }
        return value.toString();
    }
}
