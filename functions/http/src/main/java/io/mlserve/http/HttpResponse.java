package io.mlserve.http;

import io.mlserve.core.json.Json;

/**
 * What an endpoint answers; the edge adds the request id and turns it into the API Gateway event.
 *
 * @param status HTTP status
 * @param contentType the body's media type
 * @param body the body text
 */
public record HttpResponse(int status, String contentType, String body) {
    /** JSON, the API's format. */
    public static final String JSON = "application/json";
    /** A page (the drift report). */
    public static final String HTML = "text/html; charset=utf-8";

    /**
     * @param value a record (or list/map) serialised by Jackson
     * @return 200 with the value as JSON
     */
    public static HttpResponse ok(Object value) {
        return json(200, value);
    }

    /**
     * @param value the created resource
     * @return 201 with the value as JSON
     */
    public static HttpResponse created(Object value) {
        return json(201, value);
    }

    /**
     * @param status HTTP status
     * @param value a record (or list/map) serialised by Jackson
     * @return the value as JSON with that status
     */
    public static HttpResponse json(int status, Object value) {
        return new HttpResponse(status, JSON, Json.write(value));
    }

    /**
     * @param contentType media type
     * @param text the body
     * @return 200 with that body
     */
    public static HttpResponse text(String contentType, String text) {
        return new HttpResponse(200, contentType, text);
    }

    /**
     * @param page a self-contained HTML page
     * @return 200 with the page as {@code text/html}
     */
    public static HttpResponse html(String page) {
        return new HttpResponse(200, HTML, page);
    }
}
