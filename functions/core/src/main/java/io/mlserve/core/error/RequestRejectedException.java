package io.mlserve.core.error;

import java.util.Map;

/** A request refused for its form rather than its content: wrong method (405) or too large (413). */
public final class RequestRejectedException extends MlServeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    private RequestRejectedException(int status, String code, String message, Object details) {
        super(code, message, details);
        this.status = status;
    }

    /**
     * @param method the method used
     * @param path the path
     * @param allowed the methods the path accepts
     * @return a 405
     */
    public static RequestRejectedException methodNotAllowed(String method, String path, String allowed) {
        return new RequestRejectedException(405, "METHOD_NOT_ALLOWED", method + " is not allowed on " + path + "; use " + allowed,
                Map.of("method", method, "allowed", allowed));
    }

    /**
     * @param bytes the body's size
     * @param max the limit
     * @return a 413
     */
    public static RequestRejectedException tooLarge(long bytes, long max) {
        return new RequestRejectedException(413, "PAYLOAD_TOO_LARGE", "request body is " + bytes + " bytes; the limit is " + max,
                Map.of("bytes", bytes, "max", max));
    }

    @Override
    public int status() {
        return status;
    }
}
