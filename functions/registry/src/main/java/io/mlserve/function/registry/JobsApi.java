package io.mlserve.function.registry;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobQuery;
import io.mlserve.core.jobs.JobService;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.http.HttpEdge;
import io.mlserve.http.HttpRequest;
import io.mlserve.http.HttpResponse;
import io.mlserve.http.JsonFields;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The jobs routes: {@code POST /models/{name}/jobs} (start a bulk prediction), {@code GET /jobs/{jobId}}
 * and {@code GET /jobs}. Bodies are read strictly (unknown fields refused); jobs are answered as
 * {@link JobView} records.
 */
final class JobsApi {
    private static final Set<String> SUBMIT_FIELDS = Set.of("input", "version", "rangeBytes", "logAll");
    /** The names {@link JobView} writes itself: a detail of the same name is not written a second time. */
    private static final Set<String> COMMON_FIELDS = java.util.Arrays.stream(JobView.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final JobService jobs;

    JobsApi(JobService jobs) {
        this.jobs = jobs;
    }

    /**
     * A job as the API shows it. Fields without a value ({@code version} before the job starts,
     * {@code endedAt}, {@code failureReason}) are written as explicit nulls: they are part of the contract.
     *
     * @param jobId id
     * @param type {@code batch}, …
     * @param model model name
     * @param version the version every row uses, null until the job starts
     * @param status QUEUED, RUNNING, SUCCEEDED or FAILED
     * @param input the input's S3 URI
     * @param rowsRead rows read so far
     * @param rowsPredicted rows predicted so far
     * @param rowsRejected rows rejected so far
     * @param chunks ranges planned and done
     * @param outputs output files (complete only when SUCCEEDED)
     * @param errors rejected-row files
     * @param startedAt when the job was claimed
     * @param endedAt when it ended
     * @param failureReason why it failed
     * @param extra per-type fields of other job types, written flat beside the common ones
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record JobView(String jobId, String type, String model, String version, JobStatus status, String input, long rowsRead,
            long rowsPredicted, long rowsRejected, Chunks chunks, List<String> outputs, List<String> errors, String startedAt,
            String endedAt, String failureReason, @JsonIgnore Map<String, Object> extra) {

        static JobView of(Job job) {
            // batch keeps its bookkeeping (range size, who claimed it) to itself; other types (training: trigger,
            // candidates, champion, promoted, …) show their details, except keys that would repeat a common field
            // (a train job's details.version is Job.version)
            Map<String, Object> extra = Job.BATCH.equals(job.type()) || job.details() == null ? Map.of() : perType(job.details());
            return new JobView(job.jobId(), job.type(), job.model(), job.version(), job.status(), job.input(), job.rowsRead(),
                    job.rowsPredicted(), job.rowsRejected(), new Chunks(job.chunksTotal(), job.chunksDone()),
                    job.outputs() == null ? List.of() : job.outputs(), job.errors() == null ? List.of() : job.errors(), job.startedAt(),
                    job.endedAt(), job.failureReason(), extra);
        }

        private static Map<String, Object> perType(Map<String, Object> details) {
            var extra = new java.util.LinkedHashMap<String, Object>(details);
            extra.keySet().removeAll(COMMON_FIELDS);
            return extra;
        }

        @JsonAnyGetter
        Map<String, Object> extraFields() {
            return extra;
        }
    }

    /**
     * @param total ranges planned (0 until the job runs)
     * @param done ranges finished
     */
    record Chunks(int total, int done) {}

    /**
     * @param jobs the jobs, newest first
     * @param nextCursor where the next page starts; absent on the last page
     * @param count jobs on this page
     */
    record JobList(List<JobView> jobs, String nextCursor, int count) {}

    /**
     * @param edge a function's edge under construction
     * @return it, with the jobs routes added
     */
    HttpEdge.Builder routes(HttpEdge.Builder edge) {
        return edge
                .route("POST", "/models/{name}/jobs", this::submit)
                .route("GET", "/jobs/{jobId}", request -> HttpResponse.ok(JobView.of(jobs.find(request.path("jobId")))))
                .route("GET", "/jobs", request -> {
                    var page = jobs.list(JobQuery.fromParams(request.query()));
                    return HttpResponse.ok(new JobList(page.jobs().stream().map(JobView::of).toList(), page.nextCursor(),
                            page.jobs().size()));
                });
    }

    private HttpResponse submit(HttpRequest request) {
        var body = request.jsonObject();
        var unknown = JsonFields.unknownFields(body, SUBMIT_FIELDS);
        if (!unknown.isEmpty()) {
            throw new InvalidInputException("INVALID_FIELD", "unknown field '" + unknown.get(0) + "'; the body takes input, version, "
                    + "rangeBytes and logAll", Map.of("field", unknown.get(0)));
        }
        var input = JsonFields.requiredText(body, "input");
        var version = optionalText(body, "version");
        Long rangeBytes;
        try {
            var value = JsonFields.optionalInt(body.get("rangeBytes"), JobService.MIN_RANGE_BYTES, JobService.MAX_RANGE_BYTES);
            rangeBytes = value == null ? null : value.longValue();
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("INVALID_FIELD", "'rangeBytes' " + e.getMessage(), Map.of("field", "rangeBytes"));
        }
        var logAllNode = body.get("logAll");
        if (logAllNode != null && !logAllNode.isNull() && !logAllNode.isBoolean()) {
            throw new InvalidInputException("INVALID_FIELD", "'logAll' must be true or false", Map.of("field", "logAll"));
        }
        boolean logAll = logAllNode != null && logAllNode.asBoolean(false);
        var submission = jobs.submitBatch(request.path("name"), input, version, rangeBytes, logAll);
        return HttpResponse.json(submission.created() ? 202 : 200, JobView.of(submission.job()));
    }

    private static String optionalText(JsonNode body, String field) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        return JsonFields.requiredText(body, field);
    }
}
