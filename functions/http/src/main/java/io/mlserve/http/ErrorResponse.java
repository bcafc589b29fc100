package io.mlserve.http;

/**
 * The one error body every non-2xx answer has: {@code {"error": {"code", "message", "details"}}}.
 *
 * @param error the error
 */
public record ErrorResponse(Error error) {
    /**
     * @param code stable machine-readable code
     * @param message explanation for the caller
     * @param details structured details (never null)
     */
    public record Error(String code, String message, Object details) {}
}
