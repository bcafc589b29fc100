package io.mlserve.core.training;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.training.TrainingService.Skipped;
import io.mlserve.core.training.TrainingService.Started;
import io.mlserve.core.training.TrainingService.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guard with the quality signal: its own cooldown, independent of drift's. */
class RetrainingGuardTest {
    private static final String MODEL = "churn";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T09:00:00Z"));
    private final InMemoryTrainingSpecStore specs = new InMemoryTrainingSpecStore();
    private final InMemoryTrainingLock lock = new InMemoryTrainingLock();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryTrainingTriggers triggers = new InMemoryTrainingTriggers();
    private final TrainingService training = new TrainingService(specs, lock, jobs, id -> { }, new InMemoryScheduleStore(), "data", clock);
    private boolean retrain = true;
    private final RetrainingGuard quality = new RetrainingGuard(training, specs, triggers, Trigger.QUALITY,
            model -> new RetrainingGuard.Policy(retrain, 60, "quality config"), clock);
    private final InMemoryDriftStores.Configs driftConfigs = new InMemoryDriftStores.Configs();
    private final DriftRetraining drift = new DriftRetraining(training, specs, driftConfigs, triggers, clock);

    private void givenSpec() {
        var d = io.mlserve.core.drift.DriftConfig.defaults();
        driftConfigs.put(MODEL, new io.mlserve.core.drift.DriftConfigStore.StoredConfig(new io.mlserve.core.drift.DriftConfig(d.schedule(),
                d.window(), d.minSamples(), d.thresholds(), true, 60), "t", "admin"));
        specs.put(MODEL, new TrainingSpecStore.StoredSpec(new TrainingSpec("s3://data/training/churn/", "churned",
                List.of(new Feature("tenure", FeatureType.FLOAT, null, null, null, null, null)), Task.CLASSIFICATION,
                List.of(new TrainingSpec.Candidate(Algorithm.CART, Map.of())), Metric.ACCURACY, new TrainingSpec.Split(0.2, 7),
                new TrainingSpec.Promotion(TrainingSpec.PromotionPolicy.IF_BETTER, 0.0), null), "2026-11-24T00:00:00Z", "admin"));
    }

    private void finish(String jobId) {
        jobs.finish(jobId, JobStatus.SUCCEEDED, List.of(), List.of(), null, clock.instant().toString());
        lock.release(MODEL, jobId);
    }

    @Test
    void start_shouldStartOnceWithinCooldown_whenQualityDegradesRepeatedly() {
        // GIVEN
        givenSpec();

        // WHEN the first event starts a job, which finishes; a second event comes 30 minutes later, a third after 61
        var first = quality.start(MODEL, clock.instant());
        finish(((Started) first).jobId());
        clock.advance(Duration.ofMinutes(30));
        var second = quality.start(MODEL, clock.instant());
        clock.advance(Duration.ofMinutes(31));
        var third = quality.start(MODEL, clock.instant());

        // THEN
        assertThat(jobs.find(((Started) first).jobId())).get().satisfies(j ->
                assertThat(j.details()).containsEntry(TrainingService.TRIGGER, "quality").containsEntry(TrainingService.ACTOR, "quality"));
        assertThat(second).isInstanceOfSatisfying(Skipped.class, s -> assertThat(s.reason())
                .contains("retraining cooldown: quality started training at 2026-12-04T09:00:00Z"));
        assertThat(third).isInstanceOf(Started.class);
    }

    @Test
    void start_shouldKeepCooldownsApart_whenDriftAndQualityBothFire() {
        givenSpec();

        var byQuality = quality.start(MODEL, clock.instant());
        finish(((Started) byQuality).jobId());
        var byDrift = drift.start(MODEL, clock.instant());

        assertThat(byDrift).isInstanceOf(Started.class);
        assertThat(triggers.lastStart("quality", MODEL)).contains(clock.instant());
        assertThat(triggers.lastDriftStart(MODEL)).contains(clock.instant());
    }

    @Test
    void start_shouldSkip_whenRetrainIsOff() {
        givenSpec();
        retrain = false;

        assertThat(quality.start(MODEL, clock.instant())).isInstanceOfSatisfying(Skipped.class,
                s -> assertThat(s.reason()).isEqualTo("model 'churn' has retrain off in its quality config"));
        assertThat(triggers.lastStart("quality", MODEL)).isEmpty();
    }
}
