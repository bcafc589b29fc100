package io.mlserve.function.batch;

import io.mlserve.core.batch.BatchInputException;
import io.mlserve.core.batch.BlobOutput;
import io.mlserve.core.batch.BlobStore;
import io.mlserve.core.batch.ByteRange;
import io.mlserve.core.batch.ErrorLines;
import io.mlserve.core.batch.LazyLines;
import io.mlserve.core.batch.LogSampler;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobIds;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.jobs.JobService;
import io.mlserve.core.jobs.JobStore;
import io.mlserve.core.jobs.RangeResult;
import io.mlserve.core.jobs.FailureReason;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.EventPublisher;
import io.mlserve.core.serving.LoadedModel;
import io.mlserve.core.serving.ModelCache;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionLog;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Bulk prediction's steps, as the state machine calls them: claim → plan → range (one per byte range,
 * in parallel) → finalize, and fail from any Catch. Every step is safe to run again: claim is a
 * conditional create, plan rewrites the same plan, a range overwrites its fixed part key and counts
 * once, finalize and fail end a job once.
 *
 * <p>S3 layout (data bucket): {@code batch/work/<jobId>/ranges.json} (the plan),
 * {@code batch/work/<jobId>/errors-NNNNN.jsonl} (a range's refused rows, range-local line numbers),
 * {@code batch/output/<model>/<jobId>/part-NNNNN.csv|jsonl} (one per range, each CSV part with its own
 * header line) and {@code batch/output/<model>/<jobId>/errors-NNNNN.jsonl} (file line numbers; only for
 * ranges that refused rows).
 */
public final class BatchJobs {
    /** The {@code source} of batch events. */
    public static final String EVENT_SOURCE = "mlserve.batch";
    static final String INPUT_PREFIX = "batch/input/";

    private final BlobStore blobs;
    private final JobStore jobs;
    private final ModelCache models;
    private final PredictionLog log;
    private final EventPublisher events;
    private final Clock clock;
    private final BatchConfig config;
    private final LogShards shards;

    /**
     * @param blobs S3
     * @param jobs the jobs table
     * @param models loaded models (registry-checked)
     * @param log the prediction log (a sample of rows)
     * @param events where BatchJobCompleted / BatchJobFailed go
     * @param clock time source
     * @param config settings
     */
    public BatchJobs(BlobStore blobs, JobStore jobs, ModelCache models, PredictionLog log, EventPublisher events, Clock clock,
            BatchConfig config) {
        this(blobs, jobs, models, log, events, clock, config, version -> LogShards.MIN);
    }

    /**
     * @param blobs S3
     * @param jobs the jobs table
     * @param models loaded models (registry-checked)
     * @param log the prediction log (a sample of rows, or every row of a {@code logAll} job)
     * @param events where BatchJobCompleted / BatchJobFailed go
     * @param clock time source
     * @param config settings
     * @param shards each version's log shard count (the writer's), for the {@code prediction_id} column
     */
    public BatchJobs(BlobStore blobs, JobStore jobs, ModelCache models, PredictionLog log, EventPublisher events, Clock clock,
            BatchConfig config, LogShards shards) {
        this.shards = shards;
        this.blobs = blobs;
        this.jobs = jobs;
        this.models = models;
        this.log = log;
        this.events = events;
        this.clock = clock;
        this.config = config;
    }

    /**
     * One job per bucket + key + ETag. An upload whose key is not {@code batch/input/<model>/<file>}
     * still gets a job, which ends FAILED at once with the reason; the answer then says
     * {@code duplicate: true} (with {@code failed: true}) so the state machine stops.
     *
     * @return {@code {"jobId", "duplicate", "bucket", "key"}}
     */
    public Map<String, Object> claim(String bucket, String key, String etag) {
        var jobId = JobIds.batch(bucket, key, etag, null);
        String model = null;
        String problem = null;
        if (!key.startsWith(INPUT_PREFIX)) {
            problem = "the file s3://" + bucket + "/" + key + " is outside batch/input/: uploads start jobs only under "
                    + "batch/input/<model>/<file>.csv|.jsonl";
        } else {
            var rest = key.substring(INPUT_PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                problem = "the key must be batch/input/<model>/<file>.csv|.jsonl, got " + key;
            } else {
                try {
                    model = ModelRef.checkName(rest.substring(0, slash));
                } catch (InvalidInputException e) {
                    problem = "'" + abbreviate(rest.substring(0, slash)) + "' (from the key) is not a model name: " + e.getMessage();
                }
            }
        }
        var job = Job.queued(jobId, Job.BATCH, model != null ? model : "unknown", null, "s3://" + bucket + "/" + key, now());
        var stored = jobs.claim(job);
        boolean duplicate = stored != job;
        var out = new LinkedHashMap<String, Object>();
        out.put("jobId", jobId);
        out.put("duplicate", duplicate || problem != null);
        out.put("bucket", bucket);
        out.put("key", key);
        if (problem != null) {
            if (!duplicate) {
                fail(jobId, problem);
            }
            out.put("failed", true);
        }
        return out;
    }

    /**
     * Resolves the version, checks the file (size, format, header), writes the plan and starts the job.
     *
     * @return {@code {"jobId", "manifestBucket", "manifestKey", "ranges"}}
     * @throws BatchInputException when the file or model makes the job impossible
     */
    public Map<String, Object> plan(String jobId) {
        var job = job(jobId);
        if (job.status().finished()) {
            throw new IllegalStateException("job " + jobId + " has already ended (" + job.status() + ")");
        }
        var input = S3Uri.parse(job.input());
        var format = Format.of(input.key());
        var version = job.version() != null ? job.version() : production(job.model());
        var model = load(job.model(), version);
        var info = blobs.head(input.bucket(), input.key())
                .orElseThrow(() -> new BatchInputException("the input " + job.input() + " no longer exists"));
        if (info.size() == 0) {
            throw new BatchInputException("the file is empty");
        }
        if (format == Format.CSV) {
            CsvLayout.read(blobs, input.bucket(), input.key(), model.manifest(), config.maxRecordBytes());
        }
        long rangeBytes = rangeBytes(job);
        var ranges = ByteRange.plan(jobId, info.size(), rangeBytes);
        var plan = new ArrayList<Map<String, Object>>(ranges.size());
        for (var r : ranges) {
            var item = new LinkedHashMap<String, Object>();
            item.put("jobId", r.jobId());
            item.put("index", r.index());
            item.put("start", r.start());
            item.put("end", r.end());
            plan.add(item);
        }
        var manifestKey = workPrefix(jobId) + "ranges.json";
        blobs.put(config.dataBucket(), manifestKey, Json.write(plan).getBytes(StandardCharsets.UTF_8), "application/json");
        jobs.start(jobId, version, ranges.size());
        var out = new LinkedHashMap<String, Object>();
        out.put("jobId", jobId);
        out.put("manifestBucket", config.dataBucket());
        out.put("manifestKey", manifestKey);
        out.put("ranges", ranges.size());
        return out;
    }

    /**
     * Predicts one range, writes its part and error lines, then records it (once).
     *
     * @return the range's counts and whether this run recorded them ({@code counted})
     */
    public Map<String, Object> range(ByteRange range) {
        var job = job(range.jobId());
        var out = new LinkedHashMap<String, Object>();
        out.put("jobId", range.jobId());
        out.put("index", range.index());
        if (job.status().finished() || job.version() == null) {
            out.put("skipped", "job is " + job.status());
            return out;
        }
        var input = S3Uri.parse(job.input());
        var format = Format.of(input.key());
        var model = load(job.model(), job.version());
        var partKey = outputPrefix(job) + "part-" + range.paddedIndex() + format.extension;
        var errorsKey = workPrefix(job.jobId()) + "errors-" + range.paddedIndex() + ".jsonl";
        var logTime = Instant.parse(job.startedAt()).plusMillis(range.index());
        boolean logAll = job.details() != null && Boolean.TRUE.equals(job.details().get(JobService.LOG_ALL));
        var worker = new RangeWorker(model, log, new LogSampler(job.jobId(), logAll ? 1.0 : config.sampleRate()), range, logTime,
                config.chunkRows(), logAll ? shards.shards(model.ref()) : 0);
        var errors = new LazyLines(() -> blobs.create(config.dataBucket(), errorsKey, "application/x-ndjson"));
        BlobOutput part = blobs.create(config.dataBucket(), partKey, format.contentType);
        RangeWorker.Counts counts;
        try (var in = blobs.openFrom(input.bucket(), input.key(), Math.max(0, range.start() - 1))) {
            counts = format == Format.CSV
                    ? worker.csv(in, CsvLayout.read(blobs, input.bucket(), input.key(), model.manifest(), config.maxRecordBytes()),
                            job.chunksTotal() == 1, config.maxRecordBytes(), part, errors)
                    : worker.jsonl(in, config.maxRecordBytes(), part, errors);
            part.close();
            errors.close();
        } catch (IOException e) {
            part.abort();
            errors.abort();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            part.abort();
            errors.abort();
            throw e;
        }
        var result = new RangeResult(range.index(), counts.rowsRead(), counts.rowsPredicted(), counts.rowsRejected(), counts.lines(),
                uri(config.dataBucket(), partKey), errors.any() ? uri(config.dataBucket(), errorsKey) : null);
        boolean counted = jobs.completeRange(range.jobId(), result);
        out.put("rowsRead", counts.rowsRead());
        out.put("rowsPredicted", counts.rowsPredicted());
        out.put("rowsRejected", counts.rowsRejected());
        out.put("lines", counts.lines());
        out.put("counted", counted);
        return out;
    }

    /**
     * Checks every range is counted and the counts add up, writes the error files with file line
     * numbers, ends the job SUCCEEDED and publishes {@code BatchJobCompleted}.
     *
     * @return {@code {"jobId", "status", rows…}}
     * @throws IllegalStateException when a range is missing or counts disagree (the job then fails)
     * @throws BatchInputException when the file had no rows at all
     */
    public Map<String, Object> finish(String jobId) {
        var job = job(jobId);
        if (job.status().finished()) {
            return Map.of("jobId", jobId, "status", job.status().name());
        }
        var ranges = jobs.ranges(jobId);
        if (ranges.size() != job.chunksTotal()) {
            throw new IllegalStateException("only " + ranges.size() + " of " + job.chunksTotal() + " ranges were recorded");
        }
        var offsets = ErrorLines.offsets(ranges);
        long read = 0;
        long predicted = 0;
        long rejected = 0;
        for (var r : ranges) {
            if (r.rowsRead() != r.rowsPredicted() + r.rowsRejected()) {
                throw new IllegalStateException("range " + r.index() + " read " + r.rowsRead() + " rows but predicted " + r.rowsPredicted()
                        + " and rejected " + r.rowsRejected());
            }
            read += r.rowsRead();
            predicted += r.rowsPredicted();
            rejected += r.rowsRejected();
        }
        if (read != job.rowsRead() || predicted != job.rowsPredicted() || rejected != job.rowsRejected()) {
            throw new IllegalStateException("the job's counters (" + job.rowsRead() + "/" + job.rowsPredicted() + "/" + job.rowsRejected()
                    + ") disagree with its ranges (" + read + "/" + predicted + "/" + rejected + ")");
        }
        if (read == 0) {
            throw new BatchInputException("the file has no rows" + (Format.of(S3Uri.parse(job.input()).key()) == Format.CSV
                    ? " after its header line" : ""));
        }
        var outputs = new ArrayList<String>();
        var errorFiles = new ArrayList<String>();
        long errorLines = 0;
        for (var r : ranges) {
            outputs.add(r.output());
            if (r.errors() == null) {
                continue;
            }
            var source = S3Uri.parse(r.errors());
            var key = outputPrefix(job) + "errors-" + ByteRange.pad(r.index()) + ".jsonl";
            var target = blobs.create(config.dataBucket(), key, "application/x-ndjson");
            try (var in = new BufferedReader(new InputStreamReader(blobs.openFrom(source.bucket(), source.key(), 0), StandardCharsets.UTF_8));
                    var out = new BufferedWriter(new OutputStreamWriter(target, StandardCharsets.UTF_8), 64 * 1024)) {
                errorLines += ErrorLines.renumber(in, out, offsets[r.index()]);
            } catch (IOException e) {
                target.abort();
                throw new UncheckedIOException(e);
            }
            errorFiles.add(uri(config.dataBucket(), key));
        }
        if (errorLines != rejected) {
            throw new IllegalStateException("the error files hold " + errorLines + " lines for " + rejected + " rejected rows");
        }
        jobs.finish(jobId, JobStatus.SUCCEEDED, outputs, errorFiles, null, now());
        var detail = detail(job, JobStatus.SUCCEEDED);
        detail.put("rowsRead", read);
        detail.put("rowsPredicted", predicted);
        detail.put("rowsRejected", rejected);
        detail.put("outputs", outputs);
        detail.put("errors", errorFiles);
        events.publish("BatchJobCompleted", detail);
        var out = new LinkedHashMap<String, Object>(detail);
        out.remove("outputs");
        out.remove("errors");
        return out;
    }

    /**
     * Ends a job FAILED with a reason for a person and publishes {@code BatchJobFailed} (once).
     *
     * @param jobId the job
     * @param error the Step Functions error name ({@code Error}), may be null
     * @param cause the error's cause (a Lambda error's JSON, or text), may be null
     * @return {@code {"jobId", "status", "failureReason"}}
     */
    public Map<String, Object> fail(String jobId, String error, String cause) {
        return fail(jobId, reason(error, cause));
    }

    private Map<String, Object> fail(String jobId, String reason) {
        var out = new LinkedHashMap<String, Object>();
        out.put("jobId", jobId);
        var job = jobs.find(jobId).orElse(null);
        if (job == null) {
            out.put("status", "UNKNOWN");
            return out;
        }
        if (!job.status().finished()) {
            jobs.finish(jobId, JobStatus.FAILED, List.of(), List.of(), reason, now());
            var detail = detail(job, JobStatus.FAILED);
            detail.put("failureReason", reason);
            events.publish("BatchJobFailed", detail);
        }
        var ended = jobs.find(jobId).orElse(job);
        out.put("status", ended.status().name());
        if (ended.failureReason() != null) {
            out.put("failureReason", ended.failureReason());
        }
        return out;
    }

    /**
     * The failure reason a person reads: our own input errors as they are, anything else as
     * "what failed: its message", never a stack trace.
     */
    static String reason(String error, String cause) {
        return FailureReason.of(error, cause, "batch", Set.of("BatchInputException"));
    }

    private Map<String, Object> detail(Job job, JobStatus status) {
        var detail = new LinkedHashMap<String, Object>();
        detail.put("jobId", job.jobId());
        detail.put("model", job.model());
        if (job.version() != null) {
            detail.put("version", job.version());
        }
        detail.put("status", status.name());
        detail.put("input", job.input());
        return detail;
    }

    private Job job(String jobId) {
        return jobs.find(jobId).orElseThrow(() -> new IllegalStateException("no job " + jobId));
    }

    private String production(String model) {
        try {
            return models.resolve(ModelRef.checkName(model), null, null).ref().version();
        } catch (NotFoundException e) {
            throw new BatchInputException("model '" + model + "' has no production version: register and promote one, or start the "
                    + "job with a version");
        } catch (InvalidInputException e) {
            throw new BatchInputException("'" + model + "' is not a model name");
        }
    }

    private LoadedModel load(String model, String version) {
        try {
            return models.load(new ModelRef(model, version));
        } catch (NotFoundException e) {
            throw new BatchInputException("model '" + model + "' version '" + version + "' is not registered");
        } catch (ModelRejectedException e) {
            throw new BatchInputException("model '" + model + "' version '" + version + "' cannot be served: " + e.getMessage());
        }
    }

    private long rangeBytes(Job job) {
        var asked = job.details() == null ? null : job.details().get("rangeBytes");
        if (asked instanceof Number n && n.longValue() > 0) {
            return Math.max(ByteRange.MIN_RANGE_BYTES, n.longValue());
        }
        return config.rangeBytes();
    }

    private static String workPrefix(String jobId) {
        return "batch/work/" + jobId + "/";
    }

    private static String outputPrefix(Job job) {
        return "batch/output/" + job.model() + "/" + job.jobId() + "/";
    }

    private static String uri(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }

    private String now() {
        return clock.instant().toString();
    }

    private static String abbreviate(String s) {
        return abbreviate(s, 64);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** Input formats, by file extension. */
    enum Format {
        CSV(".csv", "text/csv"),
        JSONL(".jsonl", "application/x-ndjson");

        final String extension;
        final String contentType;

        Format(String extension, String contentType) {
            this.extension = extension;
            this.contentType = contentType;
        }

        static Format of(String key) {
            var lower = key.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".csv")) {
                return CSV;
            }
            if (lower.endsWith(".jsonl")) {
                return JSONL;
            }
            throw new BatchInputException("the input must be a .csv or .jsonl file, got " + key.substring(key.lastIndexOf('/') + 1));
        }
    }

    /** An {@code s3://bucket/key} URI. */
    record S3Uri(String bucket, String key) {
        static S3Uri parse(String uri) {
            if (uri == null || !uri.startsWith("s3://") || uri.indexOf('/', 5) < 0) {
                throw new BatchInputException("the job's input is not an s3:// URI: " + uri);
            }
            int slash = uri.indexOf('/', 5);
            return new S3Uri(uri.substring(5, slash), uri.substring(slash + 1));
        }
    }
}
