package io.mlserve.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.MlServeException;
import io.mlserve.core.registry.AuditEntry;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.registry.VersionStatus;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobServiceTest {
    private static final String BUCKET = "data";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore();
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry().serving("iris", "1");
    private final Map<String, String> objects = new HashMap<>(Map.of("in/a.csv", "\"etag-a\""));
    private final List<String> launched = new ArrayList<>();
    private final JobService service = new JobService(store, registry, (bucket, key) -> bucket.equals(BUCKET)
            ? Optional.ofNullable(objects.get(key)) : Optional.empty(), launched::add, BUCKET, clock);

    @Test
    void submitBatch_shouldClaimOnce_andLaunchIdempotently_whenTheSameObjectIsAskedForTwice() {
        // WHEN
        var first = service.submitBatch("iris", "s3://data/in/a.csv", null, null);
        clock.advance(Duration.ofSeconds(1));
        var second = service.submitBatch("iris", "s3://data/in/a.csv", null, null);

        // THEN one job, launched once, version left for plan to resolve
        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.job()).isEqualTo(first.job());
        assertThat(first.job().jobId()).isEqualTo(JobIds.batch(BUCKET, "in/a.csv", "etag-a", null));
        assertThat(first.job().version()).isNull();
        assertThat(first.job().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(first.job().startedAt()).isEqualTo("2026-11-25T09:00:00.000Z");
        assertThat(launched).containsExactly(first.job().jobId(), first.job().jobId()); // relaunch of a QUEUED API job is idempotent
    }

    @Test
    void submitBatch_shouldTellTheSecondClaimFromTheFirst_whenBothArriveInTheSameMillisecond() {
        var first = service.submitBatch("iris", "s3://data/in/a.csv", null, null);
        var second = service.submitBatch("iris", "s3://data/in/a.csv", null, null);

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
    }

    @Test
    void submitBatch_shouldNotLaunch_whenTheJobAlreadyRuns() {
        var first = service.submitBatch("iris", "s3://data/in/a.csv", null, null);
        store.start(first.job().jobId(), "1", 3);
        launched.clear();

        var again = service.submitBatch("iris", "s3://data/in/a.csv", null, null);

        assertThat(again.created()).isFalse();
        assertThat(again.job().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(launched).isEmpty();
    }

    @Test
    void submitBatch_shouldNotLaunch_whenAnUploadClaimedTheJob() {
        // GIVEN the upload's state machine claimed the object first (its own execution runs it)
        var jobId = JobIds.batch(BUCKET, "in/a.csv", "etag-a", null);
        store.claim(Job.queued(jobId, Job.BATCH, "iris", null, "s3://data/in/a.csv", "2026-11-25T08:59:59.000Z"));

        var submission = service.submitBatch("iris", "s3://data/in/a.csv", null, null);

        assertThat(submission.created()).isFalse();
        assertThat(launched).isEmpty();
    }

    @Test
    void submitBatch_shouldKeepThePinnedVersionAndRangeBytes_andMakeAnotherJob() {
        registry.serving("iris", "2");

        var pinned = service.submitBatch("iris", "s3://data/in/a.csv", "1", 4096L);
        var production = service.submitBatch("iris", "s3://data/in/a.csv", null, null);

        assertThat(pinned.job().version()).isEqualTo("1");
        assertThat(pinned.job().details()).containsEntry(JobService.RANGE_BYTES, 4096L);
        assertThat(pinned.job().jobId()).isEqualTo(JobIds.batch(BUCKET, "in/a.csv", "etag-a", "1")).isNotEqualTo(production.job().jobId());
        assertThat(production.created()).isTrue();
    }

    @Test
    void submitBatch_shouldRefuse_whenTheObjectHasAJobForAnotherModel() {
        registry.serving("other", "1");
        service.submitBatch("iris", "s3://data/in/a.csv", null, null);

        assertThatThrownBy(() -> service.submitBatch("other", "s3://data/in/a.csv", null, null))
                .isInstanceOfSatisfying(MlServeException.class, e -> assertThat(e.code()).isEqualTo("CONFLICT"));
    }

    @Test
    void submitBatch_shouldAnswerModelNotFound_whenTheModelHasNoProductionVersion() {
        registry.register(new RegisteredVersion("fresh", "1", VersionStatus.CANDIDATE, "s3://b/models/fresh/1/", null, "classification",
                Map.of(), "2026-11-25T00:00:00Z", "t"), new AuditEntry("fresh", "2026-11-25T00:00:00Z", "REGISTERED", "1", null, null, "t", null));

        assertThat(code(() -> service.submitBatch("fresh", "s3://data/in/a.csv", null, null))).isEqualTo("MODEL_NOT_FOUND");
        assertThat(code(() -> service.submitBatch("nope", "s3://data/in/a.csv", null, null))).isEqualTo("MODEL_NOT_FOUND");
        // a pinned candidate is fine: it is registered
        assertThat(service.submitBatch("fresh", "s3://data/in/a.csv", "1", null).created()).isTrue();
        assertThat(store.list(null, null, 10, null).jobs()).hasSize(1);
    }

    @Test
    void submitBatch_shouldRefuseBadInputs_beforeClaimingAnything() {
        assertThat(code(() -> service.submitBatch("iris", "s3://other/in/a.csv", null, null))).isEqualTo("INVALID_INPUT");
        assertThat(code(() -> service.submitBatch("iris", "s3://data/", null, null))).isEqualTo("INVALID_INPUT");
        assertThat(code(() -> service.submitBatch("iris", "s3://data/in/", null, null))).isEqualTo("INVALID_INPUT");
        assertThat(code(() -> service.submitBatch("iris", "s3://database/in/a.csv", null, null))).isEqualTo("INVALID_INPUT");
        assertThat(code(() -> service.submitBatch("iris", "https://data/in/a.csv", null, null))).isEqualTo("INVALID_INPUT");
        assertThat(code(() -> service.submitBatch("iris", "s3://data/in/\na.csv", null, null))).isEqualTo("INVALID_INPUT");
        assertThat(code(() -> service.submitBatch("iris", "s3://data/" + "k".repeat(1025), null, null))).isEqualTo("INVALID_INPUT");
        assertThat(code(() -> service.submitBatch("iris", "s3://data/in/missing.csv", null, null))).isEqualTo("INPUT_NOT_FOUND");
        assertThat(code(() -> service.submitBatch("iris", "s3://data/in/a.csv", "7", null))).isEqualTo("VERSION_NOT_FOUND");
        assertThat(code(() -> service.submitBatch("iris", "s3://data/in/a.csv", "../1", null))).isEqualTo("INVALID_VERSION");
        assertThat(code(() -> service.submitBatch("Iris!", "s3://data/in/a.csv", null, null))).isEqualTo("INVALID_MODEL_NAME");
        assertThat(code(() -> service.submitBatch("iris", "s3://data/in/a.csv", null, 1023L))).isEqualTo("INVALID_FIELD");
        assertThat(store.list(null, null, 10, null).jobs()).isEmpty();
        assertThat(launched).isEmpty();
    }

    @Test
    void submitBatch_shouldAnswerRegistryUnavailable_whenTheRegistryCannotBeRead() {
        registry.failing = true;

        assertThat(code(() -> service.submitBatch("iris", "s3://data/in/a.csv", null, null))).isEqualTo("REGISTRY_UNAVAILABLE");
    }

    @Test
    void submitBatch_shouldLeaveTheJobQueued_andLaunchItOnRetry_whenTheEngineFailedFirst() {
        // GIVEN an engine that fails once
        var attempts = new ArrayList<String>();
        var flaky = new JobService(store, registry, (b, k) -> Optional.of("e"), jobId -> {
            attempts.add(jobId);
            if (attempts.size() == 1) {
                throw new IllegalStateException("unreachable");
            }
        }, BUCKET, clock);

        // WHEN the caller retries after the failure
        assertThatThrownBy(() -> flaky.submitBatch("iris", "s3://data/in/a.csv", null, null)).isInstanceOf(IllegalStateException.class);
        var retry = flaky.submitBatch("iris", "s3://data/in/a.csv", null, null);

        // THEN the same job, launched on the retry
        assertThat(retry.job().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(attempts).hasSize(2).containsOnly(retry.job().jobId());
    }

    @Test
    void find_shouldAnswerJobNotFound_forUnknownAndMalformedIds() {
        var job = service.submitBatch("iris", "s3://data/in/a.csv", null, null).job();

        assertThat(service.find(job.jobId())).isEqualTo(job);
        assertThat(code(() -> service.find("b-000000000000000000000000"))).isEqualTo("JOB_NOT_FOUND");
        assertThat(code(() -> service.find("../etc/passwd"))).isEqualTo("JOB_NOT_FOUND");
        assertThat(code(() -> service.find("x".repeat(500)))).isEqualTo("JOB_NOT_FOUND");
    }

    private static String code(Runnable call) {
        try {
            call.run();
        } catch (MlServeException e) {
            return e.code();
        }
        throw new AssertionError("no error");
    }
}
