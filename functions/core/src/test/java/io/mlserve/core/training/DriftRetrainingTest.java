package io.mlserve.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.drift.DriftConfig;
import io.mlserve.core.drift.DriftConfigStore;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.Task;
import io.mlserve.core.testing.InMemoryDriftStores;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.InMemoryScheduleStore;
import io.mlserve.core.testing.InMemoryTrainingLock;
import io.mlserve.core.testing.InMemoryTrainingSpecStore;
import io.mlserve.core.testing.InMemoryTrainingTriggers;
import io.mlserve.core.testing.MutableClock;
import io.mlserve.core.training.TrainingService.Skipped;
import io.mlserve.core.training.TrainingService.Started;
import io.mlserve.core.training.TrainingService.Trigger;
import io.mlserve.core.training.TrainingService.TriggerOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DriftRetrainingTest {
    private static final String MODEL = "churn";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T09:00:00Z"));
    private final InMemoryTrainingSpecStore specs = new InMemoryTrainingSpecStore();
    private final InMemoryTrainingLock lock = new InMemoryTrainingLock();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryTrainingTriggers triggers = new InMemoryTrainingTriggers();
    private final List<String> launched = Collections.synchronizedList(new ArrayList<>());
    private RuntimeException launchFailure;
    private final TrainingService training = new TrainingService(specs, lock, jobs, id -> {
        if (launchFailure != null) {
            throw launchFailure;
        }
        launched.add(id);
    }, new InMemoryScheduleStore(), "data", clock);
    private final InMemoryDriftStores.Configs configs = new InMemoryDriftStores.Configs();
    private final DriftRetraining guard = new DriftRetraining(training, specs, configs, triggers, clock);

    private void givenSpec() {
        specs.put(MODEL, new TrainingSpecStore.StoredSpec(new TrainingSpec("s3://data/training/churn/", "churned",
                List.of(new Feature("tenure", FeatureType.FLOAT, null, null, null, null, null)), Task.CLASSIFICATION,
                List.of(new TrainingSpec.Candidate(Algorithm.CART, Map.of())), Metric.ACCURACY, new TrainingSpec.Split(0.2, 7),
                new TrainingSpec.Promotion(TrainingSpec.PromotionPolicy.IF_BETTER, 0.0), null), "2026-11-24T00:00:00Z", "admin"));
    }

    private void givenDriftConfig(boolean retrain, int cooldownMinutes) {
        var d = DriftConfig.defaults();
        configs.put(MODEL, new DriftConfigStore.StoredConfig(
                new DriftConfig(d.schedule(), d.window(), d.minSamples(), d.thresholds(), retrain, cooldownMinutes), "2026-11-26T08:00:00Z", "admin"));
    }

    /** Ends the model's running job as the state machine would, so the lock no longer stands in the way. */
    private void finish(String jobId) {
        jobs.finish(jobId, JobStatus.SUCCEEDED, List.of(), List.of(), null, clock.instant().toString());
        lock.release(MODEL, jobId);
    }

    @Test
    void start_shouldStartAJobWithTriggerDrift_whenTheModelHasASpecAndRetrainIsOn() {
        givenSpec();
        givenDriftConfig(true, 60);

        var outcome = guard.start(MODEL, clock.instant());

        assertThat(outcome).isInstanceOf(Started.class);
        var jobId = ((Started) outcome).jobId();
        assertThat(launched).containsExactly(jobId);
        assertThat(jobs.find(jobId).orElseThrow().details()).containsEntry("trigger", "drift").containsEntry("actor", "drift");
        assertThat(triggers.lastDriftStart(MODEL)).contains(clock.instant());
    }

    @Test
    void start_shouldSkip_whenTheModelHasNoTrainingSpec() {
        givenDriftConfig(true, 60);

        var outcome = guard.start(MODEL, clock.instant());

        assertThat(outcome).isInstanceOfSatisfying(Skipped.class, s -> assertThat(s.reason()).contains("no training spec"));
        assertThat(launched).isEmpty();
        assertThat(triggers.lastDriftStart(MODEL)).isEmpty();
    }

    @Test
    void start_shouldSkip_whenRetrainIsOff_orNoDriftConfigWasSet() {
        givenSpec();

        var unset = guard.start(MODEL, clock.instant()); // the defaults: retrain false
        givenDriftConfig(false, 0);
        var off = guard.start(MODEL, clock.instant());

        for (var outcome : List.of(unset, off)) {
            assertThat(outcome).isInstanceOfSatisfying(Skipped.class, s -> assertThat(s.reason()).contains("retrain off"));
        }
        assertThat(launched).isEmpty();
    }

    @Test
    void start_shouldSkipASecondEventWithinTheCooldown_andStartOneAfterIt() {
        // GIVEN a drift start whose job has already ended (so only the cooldown can stop the next one)
        givenSpec();
        givenDriftConfig(true, 60);
        var first = (Started) guard.start(MODEL, clock.instant());
        finish(first.jobId());

        // WHEN another event comes 59 minutes later, and another at 60
        clock.advance(Duration.ofMinutes(59));
        var inCooldown = guard.start(MODEL, clock.instant());
        clock.advance(Duration.ofMinutes(1));
        var after = guard.start(MODEL, clock.instant());

        // THEN
        assertThat(inCooldown).isInstanceOfSatisfying(Skipped.class, s -> {
            assertThat(s.runningJobId()).isNull();
            assertThat(s.reason()).contains("cooldown", "2026-11-26T09:00:00Z", "2026-11-26T10:00:00Z");
        });
        assertThat(after).isInstanceOf(Started.class);
        assertThat(launched).hasSize(2);
        assertThat(triggers.lastDriftStart(MODEL)).contains(Instant.parse("2026-11-26T10:00:00Z"));
    }

    @Test
    void start_shouldNotUseUpTheCooldown_whenTheModelIsAlreadyTraining() {
        // GIVEN a job started by the API, still running
        givenSpec();
        givenDriftConfig(true, 60);
        var running = training.start(MODEL, Trigger.API, "key:ops");

        // WHEN drift fires meanwhile, then again once that job has ended
        var during = guard.start(MODEL, clock.instant());
        finish(running.jobId());
        clock.advance(Duration.ofMinutes(1));
        var after = guard.start(MODEL, clock.instant());

        // THEN the first is a counted no-op that leaves no drift start behind; the second starts a job
        assertThat(during).isInstanceOfSatisfying(Skipped.class, s -> assertThat(s.runningJobId()).isEqualTo(running.jobId()));
        assertThat(jobs.find(running.jobId()).orElseThrow().details()).containsEntry(TrainingService.SKIPPED_TRIGGERS, 1L);
        assertThat(after).isInstanceOf(Started.class);
        assertThat(triggers.lastDriftStart(MODEL)).contains(clock.instant());
    }

    @Test
    void start_shouldUndoTheClaim_whenTheJobCannotBeLaunched() {
        givenSpec();
        givenDriftConfig(true, 60);
        launchFailure = new IllegalStateException("state machine unreachable");

        assertThatThrownBy(() -> guard.start(MODEL, clock.instant())).isInstanceOfSatisfying(MlServeException.class,
                e -> assertThat(e.code()).isEqualTo(TrainingService.TRAINING_UNAVAILABLE));

        assertThat(triggers.lastDriftStart(MODEL)).isEmpty();
        launchFailure = null;
        assertThat(guard.start(MODEL, clock.instant())).isInstanceOf(Started.class);
    }

    @Test
    void start_shouldStartOneJob_whenTwoEventsArriveAtOnce() throws Exception {
        // GIVEN two events racing for the same claim (the jobs would not collide on the lock alone: both could start in turn)
        givenSpec();
        givenDriftConfig(true, 30);
        var ready = new CountDownLatch(2);
        var go = new CountDownLatch(1);
        Callable<TriggerOutcome> event = () -> {
            ready.countDown();
            go.await();
            return guard.start(MODEL, clock.instant());
        };

        // WHEN
        var pool = Executors.newFixedThreadPool(2);
        List<Future<TriggerOutcome>> outcomes;
        try {
            var a = pool.submit(event);
            var b = pool.submit(event);
            ready.await();
            go.countDown();
            outcomes = List.of(a, b);
            for (var f : outcomes) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        // THEN
        var results = new ArrayList<TriggerOutcome>();
        for (var f : outcomes) {
            results.add(f.get());
        }
        assertThat(results).filteredOn(Started.class::isInstance).hasSize(1);
        assertThat(results).filteredOn(Skipped.class::isInstance).singleElement()
                .satisfies(s -> assertThat(((Skipped) s).reason()).contains("cooldown"));
        assertThat(launched).hasSize(1);
    }
}
