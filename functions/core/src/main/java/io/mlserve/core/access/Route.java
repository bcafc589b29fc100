package io.mlserve.core.access;

import java.util.Locale;
import java.util.Objects;

/**
 * One API route and the role it needs.
 *
 * @param method HTTP method, upper case ({@code GET}, {@code POST}, {@code PUT})
 * @param resource the API Gateway resource, with {@code {param}} placeholders, e.g. {@code /models/{name}}
 * @param role the least role that may call it
 */
public record Route(String method, String resource, Role role) {

    /** Normalises the method to upper case and checks the resource is a path. */
    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(role, "role");
        method = method.toUpperCase(Locale.ROOT);
        if (!resource.startsWith("/")) {
            throw new IllegalArgumentException("resource must start with '/': " + resource);
        }
    }

    /**
     * @return the resource as it appears in an execute-api ARN: no leading slash, every path
     *     parameter a {@code *} ({@code /models/{name}/versions} becomes {@code models/*}{@code /versions})
     */
    public String arnPath() {
        return resource.substring(1).replaceAll("\\{[^/}]+}", "*");
    }
}
