package io.mlserve.function.feedback;

import io.mlserve.core.feedback.FeedbackService;
import io.mlserve.http.HttpEdge;
import io.mlserve.http.HttpResponse;

/**
 * {@code POST /models/{name}/feedback} (role predict): {@code {"items": [{"predictionId", "actual", "observedAt"?}]}}
 * → 200 {@code {"results": [...], "accepted", "duplicates", "rejected"}}, one result per item in order, even when every
 * item is rejected; 400 only for a body that is not a feedback call or holds more than 1,000 items.
 */
final class FeedbackApi {
    private final FeedbackService feedback;

    FeedbackApi(FeedbackService feedback) {
        this.feedback = feedback;
    }

    /**
     * @param edge a function's edge under construction
     * @return it, with the feedback route added
     */
    HttpEdge.Builder routes(HttpEdge.Builder edge) {
        return edge.route("POST", "/models/{name}/feedback",
                request -> HttpResponse.ok(feedback.submit(request.path("name"), request.jsonObject())));
    }
}
