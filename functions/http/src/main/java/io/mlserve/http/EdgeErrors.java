package io.mlserve.http;

import io.mlserve.core.access.Role;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.MlServeException;
import java.util.Map;

/** The refusals only the edge can make: about the request's form, its route or its key, not its content. */
public final class EdgeErrors {
    private EdgeErrors() {}

    static MlServeException routeNotFound(String method, String path) {
        return new MlServeException(ErrorKind.NOT_FOUND, "ROUTE_NOT_FOUND", "no route " + method + " " + path,
                Map.of("method", method, "path", path));
    }

    static MlServeException methodNotAllowed(String method, String resource, String allowed) {
        return new MlServeException(ErrorKind.METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED",
                method + " is not allowed on " + resource + "; use " + allowed, Map.of("method", method, "allowed", allowed));
    }

    static MlServeException tooLarge(long bytes, long max) {
        return new MlServeException(ErrorKind.PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE",
                "request body is " + bytes + " bytes; the limit is " + max, Map.of("bytes", bytes, "max", max));
    }

    static MlServeException unsupportedMediaType(String contentType) {
        return new MlServeException(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE",
                "this route takes a JSON body: send it with Content-Type: application/json",
                Map.of("contentType", contentType));
    }

    static MlServeException invalidEncoding() {
        return new MlServeException(ErrorKind.INVALID_INPUT, "INVALID_ENCODING", "the request body is not valid UTF-8 text", null);
    }

    static MlServeException unauthorized() {
        return new MlServeException(ErrorKind.UNAUTHORIZED, "UNAUTHORIZED", "this route needs an API key in the x-api-key header",
                null);
    }

    static MlServeException forbidden(Role caller, String method, String resource, Role required) {
        return new MlServeException(ErrorKind.FORBIDDEN, "FORBIDDEN",
                "a '" + caller.apiName() + "' key may not call " + method + " " + resource + "; it needs an '"
                        + required.apiName() + "' key",
                Map.of("role", caller.apiName(), "required", required.apiName()));
    }
}
