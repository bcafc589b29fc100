package io.mlserve.core.testing;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobPage;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.jobs.JobStore;
import io.mlserve.core.jobs.RangeResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Jobs in memory with the DynamoDB store's rules: claim once, count each range once, finish once. */
public final class InMemoryJobStore implements JobStore {
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, RangeResult>> ranges = new ConcurrentHashMap<>();

    @Override
    public synchronized Job claim(Job job) {
        return jobs.computeIfAbsent(job.jobId(), id -> job);
    }

    @Override
    public Optional<Job> find(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public JobPage list(String model, JobStatus status, int limit, String cursor) {
        int from;
        try {
            from = cursor == null ? 0 : Integer.parseInt(cursor);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("INVALID_CURSOR", "the cursor is not valid", null);
        }
        var matching = new ArrayList<>(jobs.values().stream()
                .filter(j -> model == null || model.equals(j.model()))
                .filter(j -> status == null || status == j.status())
                .sorted(Comparator.comparing(Job::startedAt).reversed().thenComparing(Job::jobId))
                .toList());
        int to = Math.min(matching.size(), from + limit);
        return new JobPage(matching.subList(Math.min(from, to), to), to < matching.size() ? Integer.toString(to) : null);
    }

    @Override
    public synchronized void start(String jobId, String version, int chunksTotal) {
        jobs.computeIfPresent(jobId, (id, j) -> j.status() != JobStatus.QUEUED ? j : new Job(id, j.type(), j.model(), version != null ? version : j.version(),
                JobStatus.RUNNING, j.input(), 0, 0, 0, chunksTotal, 0, j.outputs(), j.errors(), j.startedAt(), null, null, j.details()));
    }

    @Override
    public synchronized boolean completeRange(String jobId, RangeResult result) {
        var byIndex = ranges.computeIfAbsent(jobId, id -> new ConcurrentHashMap<>());
        if (byIndex.putIfAbsent(result.index(), result) != null) {
            return false;
        }
        jobs.computeIfPresent(jobId, (id, j) -> new Job(id, j.type(), j.model(), j.version(), j.status(), j.input(),
                j.rowsRead() + result.rowsRead(), j.rowsPredicted() + result.rowsPredicted(), j.rowsRejected() + result.rowsRejected(),
                j.chunksTotal(), j.chunksDone() + 1, j.outputs(), j.errors(), j.startedAt(), j.endedAt(), j.failureReason(), j.details()));
        return true;
    }

    @Override
    public List<RangeResult> ranges(String jobId) {
        return ranges.getOrDefault(jobId, Map.of()).values().stream().sorted(Comparator.comparingInt(RangeResult::index)).toList();
    }

    @Override
    public synchronized void finish(
            String jobId, JobStatus status, List<String> outputs, List<String> errors, String failureReason, String endedAt) {
        jobs.computeIfPresent(jobId, (id, j) -> j.status().finished() ? j : new Job(id, j.type(), j.model(), j.version(), status,
                j.input(), j.rowsRead(), j.rowsPredicted(), j.rowsRejected(), j.chunksTotal(), j.chunksDone(), List.copyOf(outputs),
                List.copyOf(errors), j.startedAt(), endedAt, failureReason, j.details()));
    }

    @Override
    public synchronized void updateDetails(String jobId, Map<String, Object> fields) {
        var job = find(jobId).orElseThrow(() -> new IllegalStateException("job " + jobId + " does not exist"));
        var details = new java.util.LinkedHashMap<String, Object>(job.details() == null ? Map.of() : job.details());
        details.putAll(fields);
        var updated = withDetails(job, details);
        if (fields.get("version") instanceof String version) {
            updated = new Job(updated.jobId(), updated.type(), updated.model(), version, updated.status(), updated.input(), updated.rowsRead(),
                    updated.rowsPredicted(), updated.rowsRejected(), updated.chunksTotal(), updated.chunksDone(), updated.outputs(),
                    updated.errors(), updated.startedAt(), updated.endedAt(), updated.failureReason(), updated.details());
        }
        jobs.put(jobId, updated);
    }

    @Override
    public synchronized void incrementDetail(String jobId, String field) {
        var job = find(jobId).orElseThrow(() -> new IllegalStateException("job " + jobId + " does not exist"));
        var details = new java.util.LinkedHashMap<String, Object>(job.details() == null ? Map.of() : job.details());
        details.merge(field, 1L, (a, b) -> ((Number) a).longValue() + 1);
        jobs.put(jobId, withDetails(job, details));
    }

    private static Job withDetails(Job j, Map<String, Object> details) {
        // a copy that keeps nulls (Map.copyOf refuses them): details may hold "champion": null
        return new Job(j.jobId(), j.type(), j.model(), j.version(), j.status(), j.input(), j.rowsRead(), j.rowsPredicted(),
                j.rowsRejected(), j.chunksTotal(), j.chunksDone(), j.outputs(), j.errors(), j.startedAt(), j.endedAt(), j.failureReason(),
                java.util.Collections.unmodifiableMap(details));
    }
}
