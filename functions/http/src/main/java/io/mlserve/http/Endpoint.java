package io.mlserve.http;

/** The work behind one route: a typed request in, a typed response out; failures are thrown as {@code MlServeException}. */
@FunctionalInterface
public interface Endpoint {
    /**
     * @param request the decoded, routed and authorized request
     * @return the answer
     */
    HttpResponse handle(HttpRequest request);
}
