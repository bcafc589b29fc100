package io.mlserve.function.registry;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.training.TrainingService;
import io.mlserve.core.training.TrainingService.Trigger;
import io.mlserve.http.HttpEdge;
import java.util.Map;

/**
 * The training routes: {@code PUT|GET /models/{name}/training} (the model's spec, and with it its schedule) and
 * {@code POST /models/{name}/train} (start a job now; it is followed at {@code GET /jobs/{jobId}}).
 */
final class TrainingApi {
    private final TrainingService training;

    TrainingApi(TrainingService training) {
        this.training = training;
    }

    /**
     * A spec as the API shows it: the spec's own fields (defaults filled in), then who set it and when, and the
     * schedule that exists for it now in EventBridge Scheduler.
     *
     * @param spec the spec's JSON fields, written flat
     * @param updatedAt when it was set
     * @param updatedBy who set it
     * @param activeSchedule the expression of the schedule that exists now, or null
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record SpecView(@JsonIgnore Map<String, Object> spec, String updatedAt, String updatedBy, String activeSchedule) {
        static SpecView of(TrainingService.SpecView view) {
            return new SpecView(TrainingService.specMap(view.spec()), view.updatedAt(), view.updatedBy(), view.activeSchedule());
        }

        @JsonAnyGetter
        Map<String, Object> specFields() {
            return spec;
        }
    }

    /**
     * @param jobId the training job, to follow at {@code GET /jobs/{jobId}}
     * @param status QUEUED
     */
    record Started(String jobId, JobStatus status) {}

    /**
     * @param edge a function's edge under construction
     * @return it, with the training routes added
     */
    HttpEdge.Builder routes(HttpEdge.Builder edge) {
        return edge
                .route("PUT", "/models/{name}/training", request -> ok(training.putSpec(request.path("name"), request.jsonObject(),
                        request.caller().actor())))
                .route("GET", "/models/{name}/training", request -> ok(training.getSpec(request.path("name"))))
                .route("POST", "/models/{name}/train", request -> {
                    // no body to read: a body sent anyway is ignored, so a client's "{}" works as well as nothing
                    var job = training.start(request.path("name"), Trigger.API, request.caller().actor());
                    return io.mlserve.http.HttpResponse.json(202, new Started(job.jobId(), job.status()));
                });
    }

    private static io.mlserve.http.HttpResponse ok(TrainingService.SpecView view) {
        return io.mlserve.http.HttpResponse.ok(SpecView.of(view));
    }
}
