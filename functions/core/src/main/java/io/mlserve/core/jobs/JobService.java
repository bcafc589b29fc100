package io.mlserve.core.jobs;

import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The jobs API's use cases: start a bulk prediction on an object of the data bucket (checked, claimed
 * once per bucket + key + ETag [+ version], then launched), read one job, page through jobs.
 *
 * <p>N.B. a job the API claimed but could not launch (the engine was unreachable) stays QUEUED; asking
 * for the same input again launches it (launching is idempotent by job id), so a retry heals it.
 */
public final class JobService {
    /** Smallest byte range a caller may ask for. */
    public static final long MIN_RANGE_BYTES = 1024;
    /** Largest byte range a caller may ask for. */
    public static final long MAX_RANGE_BYTES = Integer.MAX_VALUE;
    /** {@link Job#details()} key of the range size the caller asked for (plan reads it). */
    public static final String RANGE_BYTES = "rangeBytes";
    /** {@link Job#details()} key of a batch job that logs every row (and writes each row's {@code prediction_id}). */
    public static final String LOG_ALL = "logAll";
    /** {@link Job#details()} key naming who claimed the job: {@value #LAUNCHED_BY_API} for this service. */
    public static final String CLAIMED_BY = "claimedBy";
    /** {@link #CLAIMED_BY} value of jobs this service claimed (and so must launch). */
    public static final String LAUNCHED_BY_API = "api";
    /** {@link Job#details()} key of a random token that tells this call's claim from an earlier one. */
    public static final String CLAIM_TOKEN = "claimToken";

    /** Job ids: the batch ones are {@code b-} + hex; other types may use other letters. Anything else cannot exist. */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");
    private static final int MAX_KEY_BYTES = 1024;
    /** Fixed width, so the store's time-ordered indexes sort as text. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final JobStore store;
    private final ModelRegistry registry;
    private final InputObjects inputs;
    private final JobLauncher launcher;
    private final String dataBucket;
    private final Clock clock;

    /**
     * @param store where jobs live
     * @param registry registered versions and aliases
     * @param inputs the data bucket's objects
     * @param launcher starts a claimed job
     * @param dataBucket the only bucket inputs may come from
     * @param clock time source
     */
    public JobService(JobStore store, ModelRegistry registry, InputObjects inputs, JobLauncher launcher, String dataBucket, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.inputs = inputs;
        this.launcher = launcher;
        this.dataBucket = dataBucket;
        this.clock = clock;
    }

    /**
     * What a submission did.
     *
     * @param job the job (new, or the one that already existed)
     * @param created true when this call created it
     */
    public record Submission(Job job, boolean created) {}

    /**
     * Starts a bulk prediction over {@code input}, or finds the job that already covers it.
     *
     * @param model model name (from the path)
     * @param input {@code s3://<data bucket>/<key>}
     * @param version a registered version to pin, or null for production when the job starts
     * @param rangeBytes byte-range size, {@value #MIN_RANGE_BYTES} or more, or null for the batch default
     * @return the job and whether this call created it
     * @throws InvalidInputException {@code INVALID_MODEL_NAME}, {@code INVALID_VERSION}, {@code INVALID_INPUT}, {@code INVALID_FIELD}
     * @throws NotFoundException {@code MODEL_NOT_FOUND} (no production version to use), {@code VERSION_NOT_FOUND}
     * @throws MlServeException {@code INPUT_NOT_FOUND} (404), {@code CONFLICT} (the object has a job for another model),
     *     {@code REGISTRY_UNAVAILABLE} (503)
     */
    public Submission submitBatch(String model, String input, String version, Long rangeBytes) {
        return submitBatch(model, input, version, rangeBytes, false);
    }

    /**
     * The same, optionally logging every row instead of a sample.
     *
     * @param model model name (from the path)
     * @param input {@code s3://<data bucket>/<key>}
     * @param version a registered version to pin, or null for production when the job starts
     * @param rangeBytes byte-range size, or null for the batch default
     * @param logAll true: every predicted row goes to the prediction log and the output carries each row's
     *     {@code prediction_id} (for feedback); a job of its own, apart from the same file's sampled job
     * @return the job and whether this call created it
     */
    public Submission submitBatch(String model, String input, String version, Long rangeBytes, boolean logAll) {
        ModelRef.checkName(model);
        if (version != null) {
            ModelRef.checkVersion(version);
        }
        if (rangeBytes != null && (rangeBytes < MIN_RANGE_BYTES || rangeBytes > MAX_RANGE_BYTES)) {
            throw new InvalidInputException("INVALID_FIELD", "'rangeBytes' must be an integer from " + MIN_RANGE_BYTES + " to "
                    + MAX_RANGE_BYTES, Map.of("field", RANGE_BYTES));
        }
        var key = key(input);
        requireUsable(model, version);
        var etag = inputs.etag(dataBucket, key).orElseThrow(() -> new MlServeException(ErrorKind.NOT_FOUND, "INPUT_NOT_FOUND",
                "no object at " + input, Map.of("input", input)));

        var jobId = JobIds.batch(dataBucket, key, etag, version, logAll);
        var details = new LinkedHashMap<String, Object>();
        details.put(CLAIMED_BY, LAUNCHED_BY_API);
        var token = UUID.randomUUID().toString();
        details.put(CLAIM_TOKEN, token);
        if (rangeBytes != null) {
            details.put(RANGE_BYTES, rangeBytes);
        }
        if (logAll) {
            details.put(LOG_ALL, true);
        }
        // version stays null unless pinned: plan resolves production once, when the job starts
        var queued = Job.queued(jobId, Job.BATCH, model, version, input, now());
        var candidate = new Job(queued.jobId(), queued.type(), queued.model(), queued.version(), queued.status(), queued.input(), 0, 0, 0,
                0, 0, queued.outputs(), queued.errors(), queued.startedAt(), null, null, Map.copyOf(details));
        var stored = store.claim(candidate);
        if (!Objects.equals(stored.model(), model)) {
            throw new MlServeException(ErrorKind.CONFLICT, "CONFLICT", "this object already has job " + stored.jobId() + " for model '"
                    + stored.model() + "'; pin a version or copy the object to ask for another model",
                    Map.of("jobId", stored.jobId(), "model", String.valueOf(stored.model())));
        }
        // claimed by this call: its token came back (a store hands back a copy, not this instance); a store that
        // kept no token is judged by the claim time
        var storedToken = stored.details() == null ? null : stored.details().get(CLAIM_TOKEN);
        boolean created = stored.status() == JobStatus.QUEUED && (storedToken == null
                ? Objects.equals(stored.startedAt(), candidate.startedAt()) : token.equals(storedToken));
        if (created || (stored.status() == JobStatus.QUEUED && LAUNCHED_BY_API.equals(stored.details().get(CLAIMED_BY)))) {
            launcher.launch(jobId);
        }
        return new Submission(stored, created);
    }

    /**
     * @param jobId a job id
     * @return the job
     * @throws MlServeException {@code JOB_NOT_FOUND} (404)
     */
    public Job find(String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw jobNotFound(jobId == null ? "" : jobId);
        }
        return store.find(jobId).orElseThrow(() -> jobNotFound(jobId));
    }

    /**
     * @param query checked filters and paging
     * @return one page, newest first
     * @throws InvalidInputException {@code INVALID_CURSOR} for a cursor the store did not make for these filters
     */
    public JobPage list(JobQuery query) {
        return store.list(query.model(), query.status(), query.limit(), query.cursor());
    }

    /** @return the key of an input in the data bucket */
    private String key(String input) {
        var prefix = "s3://" + dataBucket + "/";
        if (input == null || !input.startsWith(prefix)) {
            throw invalidInput(input, "'input' must be " + prefix + "<key>");
        }
        var key = input.substring(prefix.length());
        if (key.isEmpty() || key.endsWith("/")) {
            throw invalidInput(input, "'input' must name an object (a key, not a folder) in s3://" + dataBucket + "/");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw invalidInput(input, "'input' has a key S3 cannot hold (at most 1024 bytes, no control characters)");
        }
        return key;
    }

    /** The model can serve the job: a pinned version is registered, or there is a production version now. */
    private void requireUsable(String model, String version) {
        if (version != null) {
            readRegistry(() -> registry.version(model, version)).orElseThrow(() -> NotFoundException.version(model, version));
        } else if (readRegistry(() -> registry.aliases(model)).production() == null) {
            throw NotFoundException.model(model);
        }
    }

    private static <T> T readRegistry(Supplier<T> read) {
        try {
            return read.get();
        } catch (MlServeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MlServeException(ErrorKind.UNAVAILABLE, "REGISTRY_UNAVAILABLE", "the model registry cannot be read right now; try again",
                    null);
        }
    }

    private static InvalidInputException invalidInput(String input, String message) {
        var shown = input == null ? "" : input.length() > 256 ? input.substring(0, 256) + "…" : input;
        return new InvalidInputException("INVALID_INPUT", message, Map.of("input", shown));
    }

    private static MlServeException jobNotFound(String jobId) {
        var shown = jobId.length() > 128 ? jobId.substring(0, 128) + "…" : jobId;
        return new MlServeException(ErrorKind.NOT_FOUND, "JOB_NOT_FOUND", "no job '" + shown + "'", Map.of("jobId", shown));
    }

    private String now() {
        return TIME.format(clock.instant());
    }
}
