package io.mlserve.core.access;

import java.util.List;
import java.util.Optional;

/** Every route of the API with its role: the one table the authorizer, the functions and the spec agree on. */
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
            new Route("GET", "/models/{name}/stats", Role.PREDICT),
            new Route("POST", "/models/{name}/versions", Role.ADMIN),
            new Route("PUT", "/models/{name}/aliases/{alias}", Role.ADMIN),
            new Route("GET", "/models/{name}/audit", Role.ADMIN),
            new Route("GET", "/predictions", Role.ADMIN));

    private Routes() {}

    /** @return every route */
    public static List<Route> all() {
        return ALL;
    }

    /**
     * @param method HTTP method
     * @param resource resource path template
     * @return the route, if the API has it
     */
    public static Optional<Route> find(String method, String resource) {
        return ALL.stream().filter(r -> r.method().equals(method) && r.resource().equals(resource)).findFirst();
    }
}
