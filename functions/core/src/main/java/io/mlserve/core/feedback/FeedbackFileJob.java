package io.mlserve.core.feedback;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.mlserve.core.batch.BlobStore;
import io.mlserve.core.batch.LazyLines;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobIds;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.jobs.JobStore;
import io.mlserve.core.jobs.RangeResult;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Bulk feedback: a CSV dropped at {@code feedback/<model>/<file>.csv} in the data bucket becomes a job of type
 * {@value Job#FEEDBACK} in the jobs table (one per bucket + key + ETag, so a re-sent event is the same job), read in
 * blocks of {@value FeedbackService#MAX_ITEMS} lines through the same {@link FeedbackService} as the API. Columns are
 * found by name in the header: {@code predictionId} (or {@code prediction_id}, a batch output's column, so a batch
 * output with an added {@code actual} column can be sent back as it is), {@code actual}, optionally
 * {@code observedAt}; other columns are ignored. Every rejected line goes to the errors file
 * {@code feedback-errors/<model>/<jobId>/errors.jsonl} as {@code {"line", "predictionId", "problem": {"code",
 * "message"}}}; the job's counts: {@code rowsRead = rowsAccepted + rowsRejected} ({@code rowsDuplicate} of the
 * accepted were already recorded).
 *
 * <p>N.B. a file is read by one invocation: {@link #MAX_FILE_BYTES_DEFAULT} by default keeps it well inside the
 * function's timeout. A file that cannot be a feedback file (wrong place, too big, no header columns) fails the job with
 * the reason; lines are never half-written — each is accepted, or rejected in the errors file.
 */
public final class FeedbackFileJob {
    /** Where feedback files are dropped: {@code feedback/<model>/<file>.csv}. */
    public static final String INPUT_PREFIX = "feedback/";
    /** Where error files go (outside {@link #INPUT_PREFIX}, so writing one starts nothing). */
    public static final String ERRORS_PREFIX = "feedback-errors/";
    /** Largest file taken by default: 64 MiB, about 400,000 lines. */
    public static final long MAX_FILE_BYTES_DEFAULT = 64L * 1024 * 1024;
    /** {@link Job#details()} keys of the counts. */
    public static final String ROWS_ACCEPTED = "rowsAccepted";
    public static final String ROWS_DUPLICATE = "rowsDuplicate";

    private final FeedbackService feedback;
    private final BlobStore blobs;
    private final JobStore jobs;
    private final Clock clock;
    private final long maxFileBytes;

    /**
     * @param feedback the checks and the store
     * @param blobs S3
     * @param jobs the jobs table
     * @param clock time source
     * @param maxFileBytes largest file taken
     */
    public FeedbackFileJob(FeedbackService feedback, BlobStore blobs, JobStore jobs, Clock clock, long maxFileBytes) {
        this.feedback = feedback;
        this.blobs = blobs;
        this.jobs = jobs;
        this.clock = clock;
        this.maxFileBytes = maxFileBytes;
    }

    /**
     * Runs the job for one uploaded file, once: a file whose job has already ended is skipped.
     *
     * @param bucket the data bucket
     * @param key the object's key
     * @param etag its ETag
     * @return the job as it ended (or as it was, when skipped)
     */
    public Job run(String bucket, String key, String etag) {
        var jobId = JobIds.feedback(bucket, key, etag);
        var input = "s3://" + bucket + "/" + key;
        String model;
        String problem = null;
        try {
            model = model(key);
        } catch (IllegalArgumentException e) {
            model = "unknown";
            problem = e.getMessage();
        }
        var claimed = jobs.claim(Job.queued(jobId, Job.FEEDBACK, model, null, input, now()));
        if (claimed.status().finished()) {
            return claimed;
        }
        if (problem != null) {
            return end(jobId, JobStatus.FAILED, List.of(), problem);
        }
        jobs.start(jobId, null, 1);
        try {
            var size = blobs.head(bucket, key).orElseThrow(() -> new IllegalArgumentException("the file " + input + " no longer exists"))
                    .size();
            if (size > maxFileBytes) {
                throw new IllegalArgumentException("the file is " + size + " bytes; feedback files may be at most " + maxFileBytes
                        + " bytes: split it into several files");
            }
            var errorsKey = ERRORS_PREFIX + model + "/" + jobId + "/errors.jsonl";
            var counts = read(model, bucket, key, errorsKey);
            var errorsUri = counts.rejected > 0 ? "s3://" + bucket + "/" + errorsKey : null;
            jobs.completeRange(jobId, new RangeResult(0, counts.read, 0, counts.rejected, counts.lines, null, errorsUri));
            var details = new LinkedHashMap<String, Object>();
            details.put(ROWS_ACCEPTED, counts.accepted);
            details.put(ROWS_DUPLICATE, counts.duplicates);
            jobs.updateDetails(jobId, details);
            return end(jobId, JobStatus.SUCCEEDED, errorsUri == null ? List.of() : List.of(errorsUri), null);
        } catch (IllegalArgumentException | InvalidInputException e) {
            return end(jobId, JobStatus.FAILED, List.of(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            return end(jobId, JobStatus.FAILED, List.of(), "the file could not be processed: " + e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
    }

    /** @return the model named by {@code feedback/<model>/<file>.csv} */
    static String model(String key) {
        if (!key.startsWith(INPUT_PREFIX)) {
            throw new IllegalArgumentException("feedback files go under " + INPUT_PREFIX + "<model>/<file>.csv, got " + key);
        }
        var rest = key.substring(INPUT_PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1 || !rest.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new IllegalArgumentException("the key must be " + INPUT_PREFIX + "<model>/<file>.csv, got " + key);
        }
        var name = rest.substring(0, slash);
        try {
            return ModelRef.checkName(name);
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException("'" + (name.length() > 64 ? name.substring(0, 64) + "…" : name)
                    + "' (from the key) is not a model name");
        }
    }

    private static final class Counts {
        long read;
        long accepted;
        long duplicates;
        long rejected;
        long lines;
    }

    /** The lines of one block, and where each came from. */
    private record Pending(long line, String predictionId, FeedbackResult early) {}

    private Counts read(String model, String bucket, String key, String errorsKey) throws IOException {
        var counts = new Counts();
        var errors = new LazyLines(() -> blobs.create(bucket, errorsKey, "application/x-ndjson")); // at the first rejected line
        try (var reader = CsvReader.builder().ignoreDifferentFieldCount(true)
                .ofCsvRecord(new InputStreamReader(blobs.openFrom(bucket, key, 0), StandardCharsets.UTF_8))) {
            var records = reader.iterator();
            if (!records.hasNext()) {
                throw new IllegalArgumentException("the file is empty: it needs a header line predictionId,actual[,observedAt]");
            }
            var header = records.next();
            int idColumn = -1;
            int actualColumn = -1;
            int observedColumn = -1;
            for (int c = 0; c < header.getFieldCount(); c++) {
                var name = header.getField(c).replace("\uFEFF", "").trim();
                switch (name) {
                    case "predictionId", "prediction_id" -> idColumn = idColumn < 0 ? c : idColumn;
                    case "actual" -> actualColumn = c;
                    case "observedAt", "observed_at" -> observedColumn = c;
                    default -> { } // other columns (a batch output's inputs and predictions) are ignored
                }
            }
            if (idColumn < 0 || actualColumn < 0) {
                throw new IllegalArgumentException("the header must name the columns predictionId (or prediction_id) and actual, got "
                        + abbreviate(String.join(",", header.getFields())));
            }
            int needed = Math.max(idColumn, Math.max(actualColumn, observedColumn)) + 1;
            var block = new ArrayList<Pending>(FeedbackService.MAX_ITEMS);
            var lines = new ArrayList<FeedbackService.Line>(FeedbackService.MAX_ITEMS);
            long lastLine = header.getStartingLineNumber();
            while (records.hasNext()) {
                CsvRecord record = records.next();
                lastLine = record.getStartingLineNumber();
                if (record.getFieldCount() == 1 && record.getField(0).isBlank()) {
                    continue;
                }
                counts.read++;
                if (record.getFieldCount() < needed) {
                    block.add(new Pending(lastLine, idColumn < record.getFieldCount() ? record.getField(idColumn) : null,
                            FeedbackResult.rejected("MALFORMED_ITEM", "the line has " + record.getFieldCount() + " fields, the header "
                                    + header.getFieldCount())));
                } else {
                    var id = record.getField(idColumn);
                    block.add(new Pending(lastLine, id, null));
                    lines.add(new FeedbackService.Line(id, record.getField(actualColumn),
                            observedColumn < 0 ? null : record.getField(observedColumn)));
                }
                if (block.size() == FeedbackService.MAX_ITEMS) {
                    flush(model, block, lines, counts, errors);
                }
            }
            flush(model, block, lines, counts, errors);
            counts.lines = lastLine;
            if (counts.read == 0) {
                throw new IllegalArgumentException("the file has no lines after its header");
            }
            errors.close();
            return counts;
        } catch (IOException | RuntimeException e) {
            errors.abort();
            throw e;
        }
    }

    private void flush(String model, List<Pending> block, List<FeedbackService.Line> lines, Counts counts, LazyLines errors)
            throws IOException {
        if (block.isEmpty()) {
            return;
        }
        var report = lines.isEmpty() ? null : feedback.submit(model, lines);
        int next = 0;
        for (var pending : block) {
            var result = pending.early() != null ? pending.early() : report.results().get(next++);
            if (result.accepted()) {
                counts.accepted++;
                if (Boolean.TRUE.equals(result.duplicate())) {
                    counts.duplicates++;
                }
                continue;
            }
            counts.rejected++;
            var line = new LinkedHashMap<String, Object>();
            line.put("line", pending.line());
            line.put("predictionId", pending.predictionId());
            line.put("problem", Map.of("code", result.problem().code(), "message", result.problem().message()));
            errors.write(Json.write(line));
        }
        block.clear();
        lines.clear();
    }

    private Job end(String jobId, JobStatus status, List<String> errors, String reason) {
        jobs.finish(jobId, status, List.of(), errors, reason, now());
        return jobs.find(jobId).orElseThrow();
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    private String now() {
        return clock.instant().toString();
    }
}
