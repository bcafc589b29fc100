package io.mlserve.core.access;

/**
 * One API operation and the role it needs.
 *
 * @param method HTTP method
 * @param resource API Gateway resource path, with {@code {param}} segments
 * @param role the least role that may call it
 */
public record Route(String method, String resource, Role role) {}
