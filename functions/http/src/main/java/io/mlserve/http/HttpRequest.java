package io.mlserve.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.access.Role;
import io.mlserve.core.access.Route;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.json.Json;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One API call after the edge has decoded, size-checked, routed and authorized it.
 *
 * @param route the matched route (method, resource template, role)
 * @param pathParameters values of the route's {@code {param}} segments
 * @param query query string parameters (never null)
 * @param headers request headers, names in lower case (never null)
 * @param body the decoded UTF-8 body, or null
 * @param requestId id echoed in the response and written to the log
 * @param caller who is calling
 */
public record HttpRequest(
        Route route,
        Map<String, String> pathParameters,
        Map<String, String> query,
        Map<String, String> headers,
        String body,
        String requestId,
        Caller caller) {

    /**
     * @param name a path parameter of the route
     * @return its value
     */
    public String path(String name) {
        return pathParameters.get(name);
    }

    /**
     * @param name query parameter
     * @return its value, if present
     */
    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /**
     * @param name header name, any case
     * @return its value, if present
     */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** @return the body parsed as one JSON object (400 otherwise) */
    public JsonNode jsonObject() {
        var node = Json.parseRequest(body);
        if (!node.isObject()) {
            throw new InvalidInputException("INVALID_REQUEST", "the body must be a JSON object", null);
        }
        return node;
    }

    /**
     * Who is calling, as the authorizer established it.
     *
     * @param role the key's role ({@code PUBLIC} without a key)
     * @param keyName the key's name, or null without a key
     */
    public record Caller(Role role, String keyName) {
        /** A caller without a key. */
        public static final Caller ANONYMOUS = new Caller(Role.PUBLIC, null);

        /** @return who did it, for the audit trail: {@code key:<name>}, or {@code anonymous} */
        public String actor() {
            return keyName == null ? "anonymous" : "key:" + keyName;
        }
    }
}
