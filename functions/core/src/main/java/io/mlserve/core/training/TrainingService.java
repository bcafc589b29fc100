package io.mlserve.core.training;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobLauncher;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.jobs.JobStore;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.schedule.ScheduleStore;
import io.mlserve.core.schedule.ScheduledTask;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The control side of training: set and read a model's spec (and with it its run-time schedule), and start a
 * training job — at most one per model at a time — from the API, a schedule or drift. The job's work is the train
 * state machine's; this service only claims the job and launches it.
 *
 * <p>N.B. a trigger that arrives while a job runs is refused ({@code TRAINING_RUNNING}); when it comes from a
 * schedule or from drift, {@link #startFromSchedule} turns that into a recorded no-op: the running job's
 * {@value #SKIPPED_TRIGGERS} detail counts it, and no job item is written.
 */
public final class TrainingService {
    /** {@link Job#type()} of training jobs. */
    public static final String JOB_TYPE = "train";
    /** Training job ids: this prefix and 32 hex digits. */
    public static final String JOB_ID_PREFIX = "t-";
    /** Detail key: what started the job ({@link Trigger}). */
    public static final String TRIGGER = "trigger";
    /** Detail key: who started it (the caller's actor, or the trigger's name for schedules and drift). */
    public static final String ACTOR = "actor";
    /** Detail key: the spec the job trains by, as JSON (so a spec changed mid-job does not change the job). */
    public static final String SPEC = "spec";
    /** Detail key: how many schedule/drift triggers arrived while this job ran (each a no-op). */
    public static final String SKIPPED_TRIGGERS = "skippedTriggers";
    /** Error code of a trigger refused because the model already has a job running (details.jobId names it). */
    public static final String TRAINING_RUNNING = "TRAINING_RUNNING";
    /** Error code of a model without a training spec. */
    public static final String TRAINING_SPEC_NOT_FOUND = "TRAINING_SPEC_NOT_FOUND";
    /** Error code of a job that could not be launched (the state machine was unreachable); the job ends FAILED. */
    public static final String TRAINING_UNAVAILABLE = "TRAINING_UNAVAILABLE";

    /** Fixed width, so the jobs table's time-ordered indexes sort as text (same format as batch jobs). */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** What started a training job, as job details and schedule inputs spell it. */
    public enum Trigger {
        API("api"),
        SCHEDULE("schedule"),
        DRIFT("drift"),
        QUALITY("quality");

        private final String specName;

        Trigger(String specName) {
            this.specName = specName;
        }

        /** @return the spelling in job details and schedule inputs */
        @com.fasterxml.jackson.annotation.JsonValue
        public String specName() {
            return specName;
        }

        /**
         * @param name {@code api}, {@code schedule}, {@code drift} or {@code quality} (any case)
         * @return the trigger
         * @throws InvalidInputException {@code INVALID_TRIGGER} for anything else
         */
        public static Trigger fromName(String name) {
            return Arrays.stream(values()).filter(t -> t.specName.equalsIgnoreCase(name == null ? "" : name.strip())).findFirst()
                    .orElseThrow(() -> new InvalidInputException("INVALID_TRIGGER", "trigger must be api, schedule, drift or quality",
                            Map.of("trigger", String.valueOf(name))));
        }
    }

    /**
     * A model's spec as the API shows it.
     *
     * @param spec the stored spec (defaults filled in)
     * @param updatedAt ISO-8601 time of the last change
     * @param updatedBy who changed it
     * @param activeSchedule the expression of the schedule that exists now for the model's training, or null
     */
    public record SpecView(TrainingSpec spec, String updatedAt, String updatedBy, String activeSchedule) {}

    /** What a schedule (or drift) firing did: {@link Started} or {@link Skipped}. */
    public sealed interface TriggerOutcome permits Started, Skipped {}

    /**
     * A job was claimed and launched.
     *
     * @param jobId the new job
     */
    public record Started(String jobId) implements TriggerOutcome {}

    /**
     * Nothing was started.
     *
     * @param runningJobId the job already running for the model (its {@value #SKIPPED_TRIGGERS} was counted up), or null
     * @param reason why, in words (for the log line)
     */
    public record Skipped(String runningJobId, String reason) implements TriggerOutcome {}

    private final TrainingSpecStore specs;
    private final TrainingLock lock;
    private final JobStore jobs;
    private final JobLauncher launcher;
    private final ScheduleStore schedules;
    private final String dataBucket;
    private final Clock clock;

    /**
     * @param specs where specs live
     * @param lock one job per model
     * @param jobs where jobs live
     * @param launcher starts the train state machine for a claimed job
     * @param schedules run-time schedules
     * @param dataBucket the only bucket a spec's {@code data} may name
     * @param clock time source
     */
    public TrainingService(TrainingSpecStore specs, TrainingLock lock, JobStore jobs, JobLauncher launcher, ScheduleStore schedules,
            String dataBucket, Clock clock) {
        this.specs = specs;
        this.lock = lock;
        this.jobs = jobs;
        this.launcher = launcher;
        this.schedules = schedules;
        this.dataBucket = dataBucket;
        this.clock = clock;
    }

    /**
     * Checks and stores a model's spec, and makes its schedule match it: created or updated when the spec has one,
     * deleted when it has none. The schedule is changed first, so a refused schedule leaves the old spec in place.
     *
     * @param model model name (need not have a version yet: training may make its first)
     * @param body the spec as the API received it
     * @param actor who sets it
     * @return the stored spec
     * @throws InvalidInputException {@code INVALID_MODEL_NAME}, or for a body that is not a JSON object
     * @throws MlServeException {@code INVALID_TRAINING_SPEC} with every problem named
     */
    public SpecView putSpec(String model, JsonNode body, String actor) {
        ModelRef.checkName(model);
        var spec = TrainingSpecs.parse(body, dataBucket);
        var task = new ScheduledTask(ScheduledTask.TRAIN, model);
        if (spec.schedule() != null) {
            schedules.put(task, spec.schedule());
        } else {
            schedules.delete(task);
        }
        var stored = new TrainingSpecStore.StoredSpec(spec, clock.instant().toString(), actor);
        specs.put(model, stored);
        return new SpecView(spec, stored.updatedAt(), stored.updatedBy(), spec.schedule());
    }

    /**
     * @param model model name
     * @return its spec and the schedule that exists for it now
     * @throws MlServeException {@code TRAINING_SPEC_NOT_FOUND} (not found)
     */
    public SpecView getSpec(String model) {
        var stored = stored(model);
        var active = schedules.expression(new ScheduledTask(ScheduledTask.TRAIN, model)).orElse(null);
        return new SpecView(stored.spec(), stored.updatedAt(), stored.updatedBy(), active);
    }

    /**
     * Starts a training job: takes the model's lock, claims a queued job carrying the spec, launches the train
     * state machine. A job whose launch fails is ended FAILED and its lock released.
     *
     * @param model model name
     * @param trigger what starts it
     * @param actor who starts it
     * @return the queued job
     * @throws MlServeException {@code TRAINING_SPEC_NOT_FOUND} (not found), {@code TRAINING_RUNNING} (conflict,
     *     details.jobId = the running job), {@code TRAINING_UNAVAILABLE} (unavailable: the state machine could not be started)
     */
    public Job start(String model, Trigger trigger, String actor) {
        var spec = stored(model).spec();
        var jobId = newJobId();
        var now = clock.instant();
        var holder = lock.acquire(model, jobId, now);
        if (holder.isPresent() && finished(holder.get())) {
            // the holder ended without releasing (its fail step died too): its lock protects nothing any more
            lock.release(model, holder.get());
            holder = lock.acquire(model, jobId, now);
        }
        if (holder.isPresent()) {
            throw new MlServeException(ErrorKind.CONFLICT, TRAINING_RUNNING, "model '" + model + "' is already training (job "
                    + holder.get() + "); try again when it has finished", Map.of("jobId", holder.get(), "model", model));
        }
        Job job;
        try {
            var details = new LinkedHashMap<String, Object>();
            details.put(TRIGGER, trigger.specName());
            details.put(ACTOR, actor);
            details.put(SPEC, specMap(spec));
            var queued = Job.queued(jobId, JOB_TYPE, model, null, spec.data(), TIME.format(now));
            job = jobs.claim(new Job(queued.jobId(), queued.type(), queued.model(), null, queued.status(), queued.input(), 0, 0, 0, 0, 0,
                    queued.outputs(), queued.errors(), queued.startedAt(), null, null, java.util.Collections.unmodifiableMap(details)));
        } catch (RuntimeException e) {
            lock.release(model, jobId);
            throw e;
        }
        try {
            launcher.launch(jobId);
        } catch (RuntimeException e) {
            var reason = "the training state machine could not be started: " + e.getClass().getSimpleName();
            jobs.finish(jobId, JobStatus.FAILED, List.of(), List.of(), reason, TIME.format(clock.instant()));
            lock.release(model, jobId);
            throw new MlServeException(ErrorKind.UNAVAILABLE, TRAINING_UNAVAILABLE, "training could not be started right now; try again",
                    Map.of("jobId", jobId));
        }
        return job;
    }

    /**
     * A schedule's (or drift's) trigger: starts a job like the API does, but a model that is already training, or
     * has no spec any more, is a no-op rather than an error. A running job counts the skipped trigger in its
     * {@value #SKIPPED_TRIGGERS} detail; a schedule left behind by a removed spec is deleted.
     *
     * @param model model name
     * @param trigger {@link Trigger#SCHEDULE}, {@link Trigger#DRIFT} or {@link Trigger#QUALITY}
     * @return what happened (the caller logs it)
     * @throws MlServeException {@code TRAINING_UNAVAILABLE} when the job could not be launched (the caller may retry)
     */
    public TriggerOutcome startFromSchedule(String model, Trigger trigger) {
        var task = new ScheduledTask(ScheduledTask.TRAIN, model);
        var stored = specs.find(model);
        if (stored.isEmpty() || (trigger == Trigger.SCHEDULE && stored.get().spec().schedule() == null)) {
            if (trigger == Trigger.SCHEDULE) {
                schedules.delete(task); // the spec no longer asks for it (a delete that failed earlier, or no spec at all)
            }
            return new Skipped(null, stored.isEmpty() ? "model '" + model + "' has no training spec"
                    : "model '" + model + "' has no schedule in its training spec");
        }
        try {
            return new Started(start(model, trigger, trigger.specName()).jobId());
        } catch (MlServeException e) {
            if (!TRAINING_RUNNING.equals(e.code())) {
                throw e;
            }
            var running = String.valueOf(((Map<?, ?>) e.details()).get("jobId"));
            try {
                jobs.incrementDetail(running, SKIPPED_TRIGGERS);
            } catch (IllegalStateException gone) {
                // the running job's item is gone (expired): the skip is still logged by the caller
            }
            return new Skipped(running, "model '" + model + "' is already training (job " + running + ")");
        }
    }

    /** @return {@value #JOB_ID_PREFIX} and 32 random hex digits */
    public static String newJobId() {
        return JOB_ID_PREFIX + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
    }

    /**
     * @param spec a parsed spec
     * @return its JSON as plain maps and lists (the shape job details hold)
     */
    public static Map<String, Object> specMap(TrainingSpec spec) {
        try {
            // read from the tree, not convertValue: that serialises first, and the mapper leaves nulls out ("schedule": null)
            return Json.MAPPER.readerFor(new TypeReference<LinkedHashMap<String, Object>>() {}).readValue(TrainingSpecs.toJson(spec));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private TrainingSpecStore.StoredSpec stored(String model) {
        ModelRef.checkName(model);
        return specs.find(model).orElseThrow(() -> new MlServeException(ErrorKind.NOT_FOUND, TRAINING_SPEC_NOT_FOUND,
                "model '" + model + "' has no training spec; set one with PUT /models/" + model + "/training", Map.of("model", model)));
    }

    private boolean finished(String jobId) {
        Optional<Job> job = jobs.find(jobId);
        return job.isPresent() && job.get().status().finished();
    }
}
