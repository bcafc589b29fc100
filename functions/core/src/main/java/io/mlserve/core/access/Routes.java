package io.mlserve.core.access;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every route of the API with the role it needs: the one table the authorizer (which routes a
 * predict key is denied) and the functions (defence in depth) both read. A route added to the API
 * is added here, or it is unreachable for predict keys and refused by the functions.
 */
public final class Routes {
    private static final List<Route> ALL = List.of(
            new Route("GET", "/health", Role.PUBLIC),
            new Route("GET", "/docs", Role.PUBLIC),
            new Route("GET", "/docs/openapi.yaml", Role.PUBLIC),
            new Route("GET", "/health/details", Role.PREDICT),
            new Route("POST", "/models/{name}/predict", Role.PREDICT),
            new Route("GET", "/models", Role.PREDICT),
            new Route("GET", "/models/{name}", Role.PREDICT),
            new Route("GET", "/models/{name}/versions", Role.PREDICT),
            new Route("GET", "/models/{name}/versions/{version}", Role.PREDICT),
            new Route("GET", "/models/{name}/stats", Role.PREDICT),
            new Route("POST", "/models/{name}/jobs", Role.PREDICT),
            new Route("GET", "/jobs", Role.PREDICT),
            new Route("GET", "/jobs/{jobId}", Role.PREDICT),
            new Route("POST", "/models/{name}/feedback", Role.PREDICT),
            new Route("POST", "/models/{name}/versions", Role.ADMIN),
            new Route("PUT", "/models/{name}/aliases/{alias}", Role.ADMIN),
            new Route("GET", "/models/{name}/audit", Role.ADMIN),
            new Route("GET", "/predictions", Role.ADMIN),
            new Route("PUT", "/models/{name}/training", Role.ADMIN),
            new Route("GET", "/models/{name}/training", Role.ADMIN),
            new Route("POST", "/models/{name}/train", Role.ADMIN),
            new Route("PUT", "/models/{name}/drift/config", Role.ADMIN),
            new Route("GET", "/models/{name}/drift/config", Role.ADMIN),
            new Route("POST", "/models/{name}/drift", Role.ADMIN),
            new Route("GET", "/models/{name}/drift", Role.PREDICT),
            new Route("GET", "/models/{name}/drift/history", Role.PREDICT),
            new Route("GET", "/models/{name}/drift/report", Role.PREDICT),
            new Route("PUT", "/models/{name}/versions/{version}/baseline", Role.ADMIN),
            new Route("GET", "/models/{name}/quality", Role.PREDICT),
            new Route("POST", "/models/{name}/quality", Role.ADMIN),
            new Route("PUT", "/models/{name}/quality/config", Role.ADMIN),
            new Route("GET", "/models/{name}/quality/config", Role.ADMIN),
            new Route("GET", "/models/{name}/quality/report", Role.PREDICT));

    private Routes() {}

    /** @return every route, in a stable order */
    public static List<Route> all() {
        return ALL;
    }

    /**
     * @param method HTTP method (any case)
     * @param resource the API Gateway resource with {@code {param}} placeholders, as in
     *     {@code requestContext.resourcePath} (not the concrete path)
     * @return the route, or empty when the API has no such route
     */
    public static Optional<Route> find(String method, String resource) {
        if (method == null || resource == null) {
            return Optional.empty();
        }
        var upper = method.toUpperCase(Locale.ROOT);
        return ALL.stream().filter(r -> r.method().equals(upper) && r.resource().equals(resource)).findFirst();
    }

    /**
     * @param role the caller's role
     * @return the routes that role may not call (for {@code predict}: the admin routes; for {@code admin}: none)
     */
    public static List<Route> deniedTo(Role role) {
        return ALL.stream().filter(r -> !role.mayCall(r.role())).toList();
    }
}
