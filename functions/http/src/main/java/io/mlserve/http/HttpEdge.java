package io.mlserve.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.mlserve.core.access.Role;
import io.mlserve.core.access.Route;
import io.mlserve.core.access.Routes;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.MlServeException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge every API function shares: decodes the API Gateway event (base64, UTF-8, size cap,
 * content type), routes it by method and resource to an {@link Endpoint}, checks the caller's role
 * against the route's, and turns the answer — or the failure — into the response. It is the only
 * place where an {@link ErrorKind} becomes an HTTP status; anything that is not an
 * {@link MlServeException} is a 500 whose body holds only the request id.
 */
public final class HttpEdge {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEdge.class);

    private record Binding(Route route, String[] segments, Endpoint endpoint) {}

    private final List<Binding> bindings;
    private final int maxRequestBytes;

    private HttpEdge(List<Binding> bindings, int maxRequestBytes) {
        this.bindings = List.copyOf(bindings);
        this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * @param maxRequestBytes largest body accepted (413 beyond)
     * @return a builder for one function's routes
     */
    public static Builder builder(int maxRequestBytes) {
        return new Builder(maxRequestBytes);
    }

    /** Collects one function's endpoints; each must be a route of {@link Routes} (which fixes its role). */
    public static final class Builder {
        private final int maxRequestBytes;
        private final List<Binding> bindings = new ArrayList<>();

        private Builder(int maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
        }

        /**
         * @param method HTTP method
         * @param resource resource template, e.g. {@code /models/{name}/predict}
         * @param endpoint the work
         * @return this builder
         * @throws IllegalArgumentException when the API has no such route
         */
        public Builder route(String method, String resource, Endpoint endpoint) {
            var route = Routes.find(method, resource)
                    .orElseThrow(() -> new IllegalArgumentException("no route " + method + " " + resource + " in Routes"));
            bindings.add(new Binding(route, segments(resource), endpoint));
            return this;
        }

        /** @return the edge */
        public HttpEdge build() {
            return new HttpEdge(bindings, maxRequestBytes);
        }
    }

    /**
     * @param kind a failure's kind
     * @return the HTTP status it maps to
     */
    public static int status(ErrorKind kind) {
        return switch (kind) {
            case INVALID_INPUT -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case CONFLICT -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case UNPROCESSABLE -> 422;
            case UNAVAILABLE -> 503;
        };
    }

    /**
     * @param event the API Gateway (REST, Lambda proxy) event
     * @param requestId this invocation's id
     * @return the response; never throws
     */
    public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent event, String requestId) {
        HttpResponse response;
        try {
            response = dispatch(event, requestId);
        } catch (MlServeException e) {
            response = error(e);
            if (response.status() >= 500) {
                LOG.error("request failed: {} {}", e.code(), e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("unexpected failure", e);
            response = HttpResponse.json(500, new ErrorResponse(new ErrorResponse.Error("INTERNAL_ERROR",
                    "the server failed to handle this request", Map.of("requestId", requestId))));
        }
        Map<String, String> headers;
        if (requestId != null && response.contentType() != null) { // immutable and small: cheaper than a HashMap
            headers = Map.of("Content-Type", response.contentType(), "X-Request-Id", requestId, "X-Content-Type-Options", "nosniff");
        } else {
            headers = new HashMap<>();
            headers.put("Content-Type", response.contentType());
            headers.put("X-Request-Id", requestId);
            headers.put("X-Content-Type-Options", "nosniff");
        }
        return new APIGatewayProxyResponseEvent().withStatusCode(response.status()).withHeaders(headers).withBody(response.body());
    }

    /**
     * @param e a failure
     * @return its response in the error contract
     */
    public static HttpResponse error(MlServeException e) {
        return HttpResponse.json(status(e.kind()), new ErrorResponse(new ErrorResponse.Error(e.code(), e.getMessage(), e.details())));
    }

    private HttpResponse dispatch(APIGatewayProxyRequestEvent event, String requestId) {
        var method = event.getHttpMethod() == null ? "GET" : event.getHttpMethod().toUpperCase(Locale.ROOT);
        var path = event.getPath() == null ? "/" : event.getPath();
        var pathSegments = segments(path);
        Binding match = null;
        Map<String, String> parameters = null;
        var allowed = new ArrayList<String>();
        String resource = null;
        for (var binding : bindings) {
            var params = match(binding.segments(), pathSegments);
            if (params == null) {
                continue;
            }
            resource = binding.route().resource();
            allowed.add(binding.route().method());
            if (binding.route().method().equals(method)) {
                match = binding;
                parameters = params;
            }
        }
        if (resource == null) {
            throw EdgeErrors.routeNotFound(method, path);
        }
        if (match == null) {
            throw EdgeErrors.methodNotAllowed(method, resource, String.join(", ", allowed));
        }
        var caller = authorize(event, match.route());
        var headers = headers(event);
        var body = body(event, headers, method);
        var query = event.getQueryStringParameters() == null ? Map.<String, String>of() : event.getQueryStringParameters();
        return match.endpoint().handle(new HttpRequest(match.route(), parameters, query, headers, body, requestId, caller));
    }

    /** The authorizer puts the key's role and name into the request context; the function checks them again. */
    private static HttpRequest.Caller authorize(APIGatewayProxyRequestEvent event, Route route) {
        var context = event.getRequestContext() == null ? null : event.getRequestContext().getAuthorizer();
        Object roleName = context == null ? null : context.get("role");
        Role role = null;
        if (roleName != null) {
            try {
                role = Role.fromApi(roleName.toString());
            } catch (IllegalArgumentException e) {
                role = null;
            }
        }
        if (route.role() == Role.PUBLIC) {
            return role == null ? HttpRequest.Caller.ANONYMOUS : new HttpRequest.Caller(role, String.valueOf(context.get("keyName")));
        }
        if (role == null || role == Role.PUBLIC) {
            throw EdgeErrors.unauthorized();
        }
        if (!role.mayCall(route.role())) {
            throw EdgeErrors.forbidden(role, route.method(), route.resource(), route.role());
        }
        var keyName = context.get("keyName");
        return new HttpRequest.Caller(role, keyName == null ? null : keyName.toString());
    }

    private static Map<String, String> headers(APIGatewayProxyRequestEvent event) {
        var raw = event.getHeaders();
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        // a plain loop: this runs on every request (streams and collectors cost several µs under C1)
        var headers = new HashMap<String, String>(raw.size() * 2);
        for (var e : raw.entrySet()) {
            if (e.getKey() != null && e.getValue() != null) {
                headers.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
            }
        }
        return headers;
    }

    private String body(APIGatewayProxyRequestEvent event, Map<String, String> headers, String method) {
        var raw = event.getBody();
        if (raw == null || raw.isEmpty() || method.equals("GET")) {
            return null;
        }
        String text;
        if (Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(raw);
            } catch (IllegalArgumentException e) {
                throw EdgeErrors.invalidEncoding();
            }
            if (bytes.length > maxRequestBytes) {
                throw EdgeErrors.tooLarge(bytes.length, maxRequestBytes);
            }
            try { // strict: a malformed byte is refused, never replaced with U+FFFD
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw EdgeErrors.invalidEncoding();
            }
        } else {
            text = raw;
            // a char is at most 3 UTF-8 bytes: count exactly only when the cheap bound is over the limit
            if ((long) text.length() * 3 > maxRequestBytes) {
                long size = text.getBytes(StandardCharsets.UTF_8).length;
                if (size > maxRequestBytes) {
                    throw EdgeErrors.tooLarge(size, maxRequestBytes);
                }
            }
        }
        var contentType = headers.get("content-type");
        if (contentType != null && !isJson(contentType)) {
            throw EdgeErrors.unsupportedMediaType(contentType.length() > 100 ? contentType.substring(0, 100) : contentType);
        }
        return text;
    }

    /** {@code application/json}, with parameters or a {@code +json} suffix. */
    static boolean isJson(String contentType) {
        var type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    private static String[] segments(String path) {
        var trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    /** @return the template's parameters when the path matches it, else null */
    private static Map<String, String> match(String[] template, String[] path) {
        if (template.length != path.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < template.length; i++) {
            var part = template[i];
            if (part.startsWith("{") && part.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new HashMap<>();
                }
                params.put(part.substring(1, part.length() - 1), path[i]);
            } else if (!part.equals(path[i])) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }
}
