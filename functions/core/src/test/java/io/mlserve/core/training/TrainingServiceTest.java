package io.mlserve.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.jobs.JobLauncher;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.Task;
import io.mlserve.core.schedule.ScheduledTask;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.InMemoryScheduleStore;
import io.mlserve.core.testing.InMemoryTrainingLock;
import io.mlserve.core.testing.InMemoryTrainingSpecStore;
import io.mlserve.core.testing.MutableClock;
import io.mlserve.core.training.TrainingService.Skipped;
import io.mlserve.core.training.TrainingService.Started;
import io.mlserve.core.training.TrainingService.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingServiceTest {
    private static final String BUCKET = "data";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));
    private final InMemoryTrainingSpecStore specs = new InMemoryTrainingSpecStore();
    private final InMemoryTrainingLock lock = new InMemoryTrainingLock();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryScheduleStore schedules = new InMemoryScheduleStore();
    private final List<String> launched = new ArrayList<>();
    private JobLauncher launcher = launched::add;
    private final TrainingService service = new TrainingService(specs, lock, jobs, id -> launcher.launch(id), schedules, BUCKET, clock);

    private static TrainingSpec spec(String schedule) {
        return new TrainingSpec("s3://data/training/churn/", "churned",
                List.of(new Feature("tenure", FeatureType.FLOAT, null, null, null, null, null)), Task.CLASSIFICATION,
                List.of(new TrainingSpec.Candidate(Algorithm.LOGISTIC_REGRESSION, Map.of()), new TrainingSpec.Candidate(Algorithm.CART, Map.of())),
                Metric.ACCURACY, new TrainingSpec.Split(0.2, 7), new TrainingSpec.Promotion(TrainingSpec.PromotionPolicy.IF_BETTER, 0.01),
                schedule);
    }

    private static JsonNode body(String schedule) {
        return TrainingSpecs.toJson(spec(schedule));
    }

    private void given(String model, TrainingSpec spec) {
        specs.put(model, new TrainingSpecStore.StoredSpec(spec, "2026-11-24T00:00:00Z", "admin-key"));
    }

    @Test
    void putSpec_shouldStoreTheSpec_andCreateItsSchedule_whenTheSpecHasOne() {
        var view = service.putSpec("churn", body("rate(1 day)"), "key:ops");

        var parsed = TrainingSpecs.parse(body("rate(1 day)"), BUCKET); // with the algorithms' default params
        assertThat(view.spec()).isEqualTo(parsed);
        assertThat(view.updatedBy()).isEqualTo("key:ops");
        assertThat(view.updatedAt()).isEqualTo("2026-11-25T09:00:00Z");
        assertThat(view.activeSchedule()).isEqualTo("rate(1 day)");
        assertThat(schedules.expression(new ScheduledTask("train", "churn"))).contains("rate(1 day)");
        assertThat(specs.find("churn")).hasValueSatisfying(s -> assertThat(s.spec()).isEqualTo(parsed));
    }

    @Test
    void putSpec_shouldDeleteTheSchedule_whenTheNewSpecHasNone() {
        service.putSpec("churn", body("rate(1 day)"), "key:ops");

        var view = service.putSpec("churn", body(null), "key:ops");

        assertThat(view.activeSchedule()).isNull();
        assertThat(schedules.expression(new ScheduledTask("train", "churn"))).isEmpty();
    }

    @Test
    void putSpec_shouldStoreNothing_whenTheScheduleCannotBeSet() {
        // GIVEN a scheduler that refuses
        var refusing = new TrainingService(specs, lock, jobs, launched::add, new io.mlserve.core.schedule.ScheduleStore() {
            @Override
            public void put(ScheduledTask task, String expression) {
                throw new IllegalStateException("access denied");
            }

            @Override
            public void delete(ScheduledTask task) {}

            @Override
            public java.util.Optional<String> expression(ScheduledTask task) {
                return java.util.Optional.empty();
            }
        }, BUCKET, clock);

        // WHEN / THEN
        assertThatThrownBy(() -> refusing.putSpec("churn", body("rate(1 day)"), "key:ops")).isInstanceOf(IllegalStateException.class);
        assertThat(specs.find("churn")).isEmpty();
    }

    @Test
    void getSpec_shouldAnswer404_whenTheModelHasNoSpec() {
        assertThatThrownBy(() -> service.getSpec("churn"))
                .isInstanceOfSatisfying(MlServeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
                    assertThat(e.code()).isEqualTo("TRAINING_SPEC_NOT_FOUND");
                });
    }

    @Test
    void getSpec_shouldShowTheScheduleThatExists_notOnlyTheOneTheSpecNames() {
        given("churn", spec("rate(1 day)"));

        var view = service.getSpec("churn");

        assertThat(view.spec().schedule()).isEqualTo("rate(1 day)");
        assertThat(view.activeSchedule()).isNull(); // nothing was ever put in the scheduler
        assertThat(view.updatedBy()).isEqualTo("admin-key");
    }

    @Test
    void start_shouldClaimAQueuedTrainJobWithTheSpec_andLaunchIt() {
        // GIVEN
        given("churn", spec(null));

        // WHEN
        var job = service.start("churn", Trigger.API, "key:ops");

        // THEN
        assertThat(job.jobId()).matches("t-[0-9a-f]{32}");
        assertThat(job.type()).isEqualTo("train");
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.input()).isEqualTo("s3://data/training/churn/");
        assertThat(job.startedAt()).isEqualTo("2026-11-25T09:00:00.000Z");
        assertThat(job.details()).containsEntry("trigger", "api").containsEntry("actor", "key:ops");
        // a plain mapper: the shared one leaves nulls out, and "schedule": null is part of the stored spec
        assertThat((JsonNode) new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(job.details().get("spec")))
                .isEqualTo(TrainingSpecs.toJson(spec(null)));
        assertThat(jobs.find(job.jobId())).contains(job);
        assertThat(launched).containsExactly(job.jobId());
        assertThat(lock.holder("churn")).contains(job.jobId());
    }

    @Test
    void start_shouldRefuseWithTheRunningJobsId_whenTheModelIsAlreadyTraining() {
        // GIVEN
        given("churn", spec(null));
        var running = service.start("churn", Trigger.API, "key:ops");

        // WHEN / THEN
        assertThatThrownBy(() -> service.start("churn", Trigger.API, "key:ops"))
                .isInstanceOfSatisfying(MlServeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
                    assertThat(e.code()).isEqualTo("TRAINING_RUNNING");
                    assertThat(((Map<?, ?>) e.details()).get("jobId")).isEqualTo(running.jobId());
                });
        assertThat(launched).containsExactly(running.jobId());
        assertThat(jobs.list("churn", null, 10, null).jobs()).hasSize(1);
    }

    @Test
    void start_shouldTakeTheLockOver_whenItsHolderHasEndedWithoutReleasingIt() {
        // GIVEN a job that ended but left its lock
        given("churn", spec(null));
        var ended = service.start("churn", Trigger.API, "key:ops");
        jobs.finish(ended.jobId(), JobStatus.FAILED, List.of(), List.of(), "boom", "2026-11-25T09:01:00.000Z");

        // WHEN
        var next = service.start("churn", Trigger.API, "key:ops");

        // THEN
        assertThat(lock.holder("churn")).contains(next.jobId());
        assertThat(launched).containsExactly(ended.jobId(), next.jobId());
    }

    @Test
    void start_shouldStartAgain_afterTheRunningJobReleasedTheLock() {
        given("churn", spec(null));
        var first = service.start("churn", Trigger.API, "key:ops");
        lock.release("churn", first.jobId());

        var second = service.start("churn", Trigger.API, "key:ops");

        assertThat(second.jobId()).isNotEqualTo(first.jobId());
    }

    @Test
    void start_shouldFailTheJobAndReleaseTheLock_whenTheStateMachineCannotBeStarted() {
        // GIVEN
        given("churn", spec(null));
        launcher = id -> {
            throw new IllegalStateException("states unreachable");
        };

        // WHEN / THEN
        assertThatThrownBy(() -> service.start("churn", Trigger.API, "key:ops"))
                .isInstanceOfSatisfying(MlServeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
                    assertThat(e.code()).isEqualTo("TRAINING_UNAVAILABLE");
                });
        var job = jobs.list("churn", null, 10, null).jobs().get(0);
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failureReason()).contains("could not be started");
        assertThat(lock.holder("churn")).isEmpty();
    }

    @Test
    void start_shouldAnswer404_whenTheModelHasNoSpec() {
        assertThatThrownBy(() -> service.start("churn", Trigger.API, "key:ops"))
                .isInstanceOfSatisfying(MlServeException.class, e -> assertThat(e.code()).isEqualTo("TRAINING_SPEC_NOT_FOUND"));
        assertThat(lock.holder("churn")).isEmpty();
    }

    @Test
    void startFromSchedule_shouldCountTheSkippedTriggerOnTheRunningJob_whenTheModelIsAlreadyTraining() {
        // GIVEN
        given("churn", spec("rate(1 day)"));
        var running = service.start("churn", Trigger.API, "key:ops");

        // WHEN
        var first = service.startFromSchedule("churn", Trigger.SCHEDULE);
        var second = service.startFromSchedule("churn", Trigger.DRIFT);

        // THEN
        assertThat(first).isEqualTo(new Skipped(running.jobId(), "model 'churn' is already training (job " + running.jobId() + ")"));
        assertThat(second).isInstanceOf(Skipped.class);
        assertThat(jobs.find(running.jobId()).orElseThrow().details()).containsEntry("skippedTriggers", 2L);
        assertThat(jobs.list("churn", null, 10, null).jobs()).hasSize(1);
    }

    @Test
    void startFromSchedule_shouldStartAJobWithTheScheduleAsTrigger() {
        given("churn", spec("rate(1 day)"));

        var outcome = service.startFromSchedule("churn", Trigger.SCHEDULE);

        assertThat(outcome).isInstanceOf(Started.class);
        var job = jobs.find(((Started) outcome).jobId()).orElseThrow();
        assertThat(job.details()).containsEntry("trigger", "schedule").containsEntry("actor", "schedule");
    }

    @Test
    void startFromSchedule_shouldDeleteALeftoverSchedule_whenTheSpecNoLongerHasOne() {
        // GIVEN a schedule whose delete failed when the spec dropped it
        given("churn", spec(null));
        schedules.put(new ScheduledTask("train", "churn"), "rate(1 hour)");

        // WHEN
        var outcome = service.startFromSchedule("churn", Trigger.SCHEDULE);

        // THEN
        assertThat(outcome).isInstanceOf(Skipped.class);
        assertThat(schedules.expression(new ScheduledTask("train", "churn"))).isEmpty();
        assertThat(launched).isEmpty();
    }

    @Test
    void trigger_shouldReadItsSpelling_andRefuseOthers() {
        assertThat(Trigger.fromName("Schedule")).isEqualTo(Trigger.SCHEDULE);
        assertThatThrownBy(() -> Trigger.fromName("cron")).isInstanceOfSatisfying(MlServeException.class,
                e -> assertThat(e.code()).isEqualTo("INVALID_TRIGGER"));
    }

    @Test
    void inMemoryLock_shouldBeTakenOver_whenOlderThanTheStaleLimit() {
        assertThat(lock.acquire("churn", "t-1", clock.instant())).isEmpty();
        assertThat(lock.acquire("churn", "t-2", clock.instant().plus(Duration.ofMinutes(59)))).contains("t-1");
        assertThat(lock.acquire("churn", "t-2", clock.instant().plus(Duration.ofMinutes(61)))).isEmpty();
    }
}
