package io.mlserve.function.drift;

import io.mlserve.core.quality.QualityService;
import io.mlserve.http.HttpEdge;
import io.mlserve.http.HttpResponse;

/**
 * The quality routes, served by the drift function beside drift's: {@code GET /models/{name}/quality},
 * {@code POST /models/{name}/quality} (a check now), {@code PUT|GET /models/{name}/quality/config} and
 * {@code GET /models/{name}/quality/report} (text/html).
 */
final class QualityApi {
    private final QualityService quality;

    QualityApi(QualityService quality) {
        this.quality = quality;
    }

    /**
     * @param edge a function's edge under construction
     * @return it, with the quality routes added
     */
    HttpEdge.Builder routes(HttpEdge.Builder edge) {
        return edge
                .route("GET", "/models/{name}/quality", request -> HttpResponse.ok(quality.quality(request.path("name"),
                        request.query("from").orElse(null), request.query("to").orElse(null), request.query("version").orElse(null))))
                // no body to read: a body sent anyway is ignored
                .route("POST", "/models/{name}/quality", request -> HttpResponse.ok(quality.check(request.path("name"))))
                .route("PUT", "/models/{name}/quality/config", request ->
                        HttpResponse.ok(quality.putConfig(request.path("name"), request.jsonObject(), request.caller().actor()).toJson()))
                .route("GET", "/models/{name}/quality/config", request -> HttpResponse.ok(quality.getConfig(request.path("name")).toJson()))
                .route("GET", "/models/{name}/quality/report", request -> HttpResponse.html(quality.reportHtml(request.path("name"),
                        request.query("from").orElse(null), request.query("to").orElse(null))));
    }
}
