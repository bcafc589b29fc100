package io.mlserve.aws;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place exceptions become HTTP responses, and the JSON error shape every API shares. */
public final class ApiResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ApiResponses.class);

    private ApiResponses() {}

    /**
     * Runs a request and maps failures: {@link MlServeException} to its status and code; anything
     * else to a 500 whose body carries only the request id (the stack trace goes to the log).
     *
     * @param requestId id echoed in every response
     * @param call the request's work
     * @return the response
     */
    public static APIGatewayProxyResponseEvent guard(String requestId, Supplier<APIGatewayProxyResponseEvent> call) {
        try {
            return call.get();
        } catch (MlServeException e) {
            if (e.status() >= 500) {
                LOG.error("request failed: {}", e.getMessage());
            }
            return error(requestId, e.status(), e.code(), e.getMessage(), e.details());
        } catch (RuntimeException e) {
            LOG.error("unexpected failure", e);
            return error(requestId, 500, "INTERNAL_ERROR", "the server failed to handle this request", Map.of("requestId", requestId));
        }
    }

    /**
     * @param requestId request id
     * @param body any serializable value
     * @return 200 with the value as JSON
     */
    public static APIGatewayProxyResponseEvent ok(String requestId, Object body) {
        return json(requestId, 200, body);
    }

    /**
     * @param requestId request id
     * @param status HTTP status
     * @param code stable error code
     * @param message explanation
     * @param details structured details
     * @return the error response {@code {"error": {"code", "message", "details"}}}
     */
    public static APIGatewayProxyResponseEvent error(String requestId, int status, String code, String message, Object details) {
        var error = new LinkedHashMap<String, Object>();
        error.put("code", code);
        error.put("message", message);
        error.put("details", details == null ? Map.of() : details);
        return json(requestId, status, Map.of("error", error));
    }

    /**
     * @param requestId request id
     * @param status HTTP status
     * @param body any serializable value
     * @return the value as JSON with that status
     */
    public static APIGatewayProxyResponseEvent json(String requestId, int status, Object body) {
        return new APIGatewayProxyResponseEvent()
                .withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json", "X-Request-Id", requestId))
                .withBody(Json.write(body));
    }
}
