package io.mlserve.core.error;

/**
 * What kind of failure an {@link MlServeException} is, in the core's words. The HTTP edge is the one
 * place that turns a kind into a status code; the core never speaks HTTP.
 */
public enum ErrorKind {
    /** The caller sent something that cannot be accepted. */
    INVALID_INPUT,
    /** The caller presented no credentials. */
    UNAUTHORIZED,
    /** The caller's credentials do not cover this operation. */
    FORBIDDEN,
    /** A model, version or route that does not exist. */
    NOT_FOUND,
    /** The route exists but not with this method. */
    METHOD_NOT_ALLOWED,
    /** The change conflicts with the current state (a concurrent change, a duplicate). */
    CONFLICT,
    /** The request body is larger than allowed. */
    PAYLOAD_TOO_LARGE,
    /** The request body is not in a format the route accepts. */
    UNSUPPORTED_MEDIA_TYPE,
    /** The request is well formed but what it refers to cannot be accepted (e.g. a corrupt model package). */
    UNPROCESSABLE,
    /** Something the request needs is unusable or unreachable right now; the caller did nothing wrong. */
    UNAVAILABLE
}
