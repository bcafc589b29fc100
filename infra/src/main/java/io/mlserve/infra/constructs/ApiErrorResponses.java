package io.mlserve.infra.constructs;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.apigateway.GatewayResponseOptions;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.ResponseType;

/**
 * API Gateway's own errors (no key, refused key, unknown route, throttling, ...) in mlserve's error
 * contract: {@code {"error": {"code", "message", "details": {"requestId"}}}}, Content-Type
 * {@code application/json}, the same shape the functions answer with.
 *
 * <p>Every response type is customised explicitly, with its status: an uncustomised type would
 * inherit DEFAULT_4XX's body (and so its code) while keeping its own status, and on AWS a status set on
 * DEFAULT_4XX/5XX changes every uncustomised type of that family. N.B. API Gateway applies gateway
 * responses at deployment; CDK makes the API's deployment depend on each one (and re-hashes it).
 */
public final class ApiErrorResponses {
    /**
     * One gateway response.
     *
     * @param type API Gateway's response type
     * @param status HTTP status answered
     * @param code the contract's error code
     * @param message for the caller: plain English, no quotes or backslashes (it is inlined in JSON)
     */
    public record ErrorResponse(ResponseType type, int status, String code, String message) {
        /** Refuses messages that would break the JSON template. */
        public ErrorResponse {
            if (message.contains("\"") || message.contains("\\") || message.contains("$")) {
                throw new IllegalArgumentException("gateway response message must be plain text: " + message);
            }
        }

        /** @return the application/json template: the error body with the request id filled in by API Gateway */
        public String template() {
            return "{\"error\": {\"code\": \"" + code + "\", \"message\": \"" + message
                    + "\", \"details\": {\"requestId\": \"$context.requestId\"}}}";
        }
    }

    private static final String CALL_REFUSED = "This API key may not call this route, or it is unknown or revoked.";
    private static final String SERVER_FAULT = "The service could not handle the request. Retry later.";
    private static final String KEY_CHECK_FAILED = "The API key could not be checked. Retry later.";

    /** Every response type API Gateway has, mapped to the contract. */
    public static final List<ErrorResponse> ALL = List.of(
            new ErrorResponse(ResponseType.UNAUTHORIZED, 401, "UNAUTHORIZED",
                    "This route needs an API key in the x-api-key header."),
            new ErrorResponse(ResponseType.ACCESS_DENIED, 403, "FORBIDDEN", CALL_REFUSED),
            new ErrorResponse(ResponseType.INVALID_API_KEY, 403, "INVALID_API_KEY",
                    "The API key in the x-api-key header is missing, unknown or disabled."),
            // API Gateway answers an unknown path or method with MISSING_AUTHENTICATION_TOKEN
            new ErrorResponse(ResponseType.MISSING_AUTHENTICATION_TOKEN, 404, "ROUTE_NOT_FOUND",
                    "No route matches this method and path."),
            new ErrorResponse(ResponseType.RESOURCE_NOT_FOUND, 404, "ROUTE_NOT_FOUND",
                    "No route matches this method and path."),
            new ErrorResponse(ResponseType.REQUEST_TOO_LARGE, 413, "PAYLOAD_TOO_LARGE", "The request body is too large."),
            new ErrorResponse(ResponseType.UNSUPPORTED_MEDIA_TYPE, 415, "UNSUPPORTED_MEDIA_TYPE",
                    "This content type is not supported here. Send application/json."),
            new ErrorResponse(ResponseType.THROTTLED, 429, "THROTTLED",
                    "Too many requests for this API key. Slow down and retry later."),
            new ErrorResponse(ResponseType.QUOTA_EXCEEDED, 429, "THROTTLED",
                    "This API key has used its request quota for the day. Retry after it resets."),
            new ErrorResponse(ResponseType.BAD_REQUEST_BODY, 400, "BAD_REQUEST", "The request body is malformed."),
            new ErrorResponse(ResponseType.BAD_REQUEST_PARAMETERS, 400, "BAD_REQUEST",
                    "A required request parameter is missing."),
            new ErrorResponse(ResponseType.INVALID_SIGNATURE, 403, "FORBIDDEN", "The request signature is not valid."),
            new ErrorResponse(ResponseType.EXPIRED_TOKEN, 403, "FORBIDDEN", "The request credentials have expired."),
            new ErrorResponse(ResponseType.WAF_FILTERED, 403, "FORBIDDEN", "The request was blocked."),
            new ErrorResponse(ResponseType.DEFAULT_4_XX, 400, "BAD_REQUEST", "The request could not be accepted."),
            new ErrorResponse(ResponseType.AUTHORIZER_FAILURE, 500, "INTERNAL_ERROR", KEY_CHECK_FAILED),
            new ErrorResponse(ResponseType.AUTHORIZER_CONFIGURATION_ERROR, 500, "INTERNAL_ERROR", KEY_CHECK_FAILED),
            new ErrorResponse(ResponseType.API_CONFIGURATION_ERROR, 500, "INTERNAL_ERROR", SERVER_FAULT),
            // AWS's own statuses for these two: the function failed or did not answer in time
            new ErrorResponse(ResponseType.INTEGRATION_FAILURE, 504, "INTERNAL_ERROR", SERVER_FAULT),
            new ErrorResponse(ResponseType.INTEGRATION_TIMEOUT, 504, "INTERNAL_ERROR",
                    "The service did not answer in time. Retry later."),
            new ErrorResponse(ResponseType.DEFAULT_5_XX, 500, "INTERNAL_ERROR", SERVER_FAULT));

    private ApiErrorResponses() {}

    /**
     * Adds every response in {@link #ALL} to the API.
     *
     * @param api the REST API
     */
    public static void addTo(RestApi api) {
        for (var response : ALL) {
            api.addGatewayResponse(id(response.type()), GatewayResponseOptions.builder()
                    .type(response.type())
                    .statusCode(Integer.toString(response.status()))
                    .responseHeaders(Map.of("Content-Type", "'application/json'"))
                    .templates(Map.of("application/json", response.template()))
                    .build());
        }
    }

    private static String id(ResponseType type) {
        // construct ids stay stable and readable: "Error-ACCESS_DENIED"
        return "Error-" + type.getResponseType();
    }
}
