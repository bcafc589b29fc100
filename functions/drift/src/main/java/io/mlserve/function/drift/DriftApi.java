package io.mlserve.function.drift;

import io.mlserve.core.baseline.BaselineService;
import io.mlserve.core.drift.DriftService;
import io.mlserve.core.drift.DriftSummary;
import io.mlserve.http.HttpEdge;
import io.mlserve.http.HttpResponse;
import java.util.List;

/**
 * The drift routes: {@code PUT|GET /models/{name}/drift/config}, {@code POST|GET /models/{name}/drift},
 * {@code GET /models/{name}/drift/history}, {@code GET /models/{name}/drift/report} (text/html) and
 * {@code PUT /models/{name}/versions/{version}/baseline}.
 */
final class DriftApi {
    private final DriftService drift;
    private final BaselineService baselines;

    DriftApi(DriftService drift, BaselineService baselines) {
        this.drift = drift;
        this.baselines = baselines;
    }

    /**
     * @param model model name
     * @param count entries
     * @param checks summaries, newest first
     */
    record History(String model, int count, List<DriftSummary> checks) {}

    /**
     * @param edge a function's edge under construction
     * @return it, with the drift routes added
     */
    HttpEdge.Builder routes(HttpEdge.Builder edge) {
        return edge
                .route("PUT", "/models/{name}/drift/config", request ->
                        HttpResponse.ok(drift.putConfig(request.path("name"), request.jsonObject(), request.caller().actor()).toJson()))
                .route("GET", "/models/{name}/drift/config", request -> HttpResponse.ok(drift.getConfig(request.path("name")).toJson()))
                // no body to read: a body sent anyway is ignored
                .route("POST", "/models/{name}/drift", request -> HttpResponse.ok(drift.check(request.path("name"))))
                .route("GET", "/models/{name}/drift", request -> HttpResponse.ok(drift.latest(request.path("name"))))
                .route("GET", "/models/{name}/drift/history", request -> {
                    var model = request.path("name");
                    var checks = drift.history(model, request.query("limit").orElse(null));
                    return HttpResponse.ok(new History(model, checks.size(), checks));
                })
                .route("GET", "/models/{name}/drift/report", request -> HttpResponse.html(drift.reportHtml(request.path("name"))))
                .route("PUT", "/models/{name}/versions/{version}/baseline", request ->
                        HttpResponse.ok(baselines.putBaseline(request.path("name"), request.path("version"), request.jsonObject())));
    }
}
