package io.mlserve.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.baseline.Baseline;
import io.mlserve.core.baseline.BaselineStore;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.core.registry.VersionStatus;
import io.mlserve.core.serving.SampleCheck;
import io.mlserve.core.store.ModelStore;
import io.mlserve.core.testing.InMemoryBlobStore;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryTrainingDataSource;
import io.mlserve.core.testing.InMemoryTrainingLock;
import io.mlserve.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrainingJobStepsTest {
    private static final String DATA_BUCKET = "data-bucket";
    private static final String MODELS_BUCKET = "models-bucket";
    private static final String MODEL = "toy";
    private static final String PREFIX = "training/toy/";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryTrainingLock lock = new InMemoryTrainingLock();
    private final InMemoryTrainingDataSource data = new InMemoryTrainingDataSource();
    private final ToyModels.Loader loader = new ToyModels.Loader();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final InMemoryModelRegistry registryStore = new InMemoryModelRegistry();
    private final ModelStore models = (ref, pins) -> blobs.head(MODELS_BUCKET, "models/" + ref.name() + "/" + ref.version() + "/manifest.json")
            .map(info -> new ModelStore.StoredModel(blobs.read(MODELS_BUCKET, "models/" + ref.name() + "/" + ref.version() + "/manifest.json"),
                    blobs.read(MODELS_BUCKET, "models/" + ref.name() + "/" + ref.version() + "/model.onnx")));
    private final RegistryService registry = new RegistryService(registryStore, models, loader, MODELS_BUCKET, clock);
    private final Map<ModelRef, Baseline> baselineItems = new HashMap<>();
    private final BaselineStore baselines = new BaselineStore() {
        @Override
        public void put(ModelRef ref, Baseline baseline) {
            baselineItems.put(ref, baseline);
        }

        @Override
        public Optional<Baseline> find(ModelRef ref) {
            return Optional.ofNullable(baselineItems.get(ref));
        }
    };
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final TrainingJobSteps steps = new TrainingJobSteps(jobs, lock, data, new ToyModels.ToyTrainer(), loader, blobs, MODELS_BUCKET,
            models, registry, baselines, (type, detail) -> {
                var event = new LinkedHashMap<String, Object>(detail);
                event.put("detailType", type);
                events.add(event);
                return "event-" + events.size();
            }, clock, "1.2.3");

    @BeforeEach
    void data() {
        data.put(PREFIX + "part-1.csv", ToyModels.csv(120));
        data.put(PREFIX + "part-2.csv", ToyModels.csv(80));
        data.put(PREFIX + "notes.txt", "not data");
    }

    // --- prepare ---

    @Test
    void prepare_shouldFingerprintTheCsvObjectsAndStartTheJob() {
        var jobId = claim(spec("logistic-regression", "cart"));

        var out = steps.prepare(jobId);

        assertThat(out).containsEntry("jobId", jobId).containsEntry("candidates", List.of(0, 1));
        var job = jobs.find(jobId).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(job.rowsRead()).isEqualTo(202);
        assertThat(job.rowsRejected()).isEqualTo(2);
        assertThat(job.chunksTotal()).isEqualTo(3);
        assertThat(job.chunksDone()).isEqualTo(1);
        var fingerprint = (Map<?, ?>) job.details().get("dataFingerprint");
        assertThat(fingerprint.get("rows")).isEqualTo(200);
        assertThat(fingerprint.get("rowsRejected")).isEqualTo(2L);
        @SuppressWarnings("unchecked")
        var objects = (List<Object>) fingerprint.get("objects");
        assertThat(objects.stream().map(o -> (Object) ((Map<?, ?>) o).get("key")).toList()).containsExactly(PREFIX + "part-1.csv", PREFIX + "part-2.csv");
        assertThat(objects).allSatisfy(o -> assertThat((String) ((Map<?, ?>) o).get("etag")).hasSize(32));
    }

    @Test
    void prepare_shouldRejectTheData_whenThePrefixHasNoCsvObjects() {
        data.delete(PREFIX + "part-1.csv");
        data.delete(PREFIX + "part-2.csv");
        var jobId = claim(spec("logistic-regression"));

        assertThatThrownBy(() -> steps.prepare(jobId)).isInstanceOf(TrainingDataException.class)
                .hasMessageContaining("no .csv objects under s3://data-bucket/training/toy/");
    }

    // --- candidate ---

    @Test
    void candidate_shouldStageTheModelWithItsHeldOutMetrics() {
        var jobId = prepared(spec("logistic-regression", "cart"));

        var result = steps.candidate(jobId, 1);

        assertThat(result).containsEntry("index", 1).containsEntry("algorithm", "cart").containsEntry("status", "SUCCEEDED")
                .containsEntry("trainingMs", 42L).doesNotContainKey("error");
        var metrics = (Map<?, ?>) result.get("metrics");
        assertThat((Double) metrics.get("accuracy")).isLessThan(1.0).isGreaterThan(0.5);
        var staged = "staging/" + jobId + "/1/";
        assertThat(blobs.keys(MODELS_BUCKET, staged)).containsExactlyInAnyOrder(staged + "manifest.json", staged + "model.onnx");
        assertThat(blobs.text(MODELS_BUCKET, staged + "manifest.json")).contains("\"accuracy\":" + metrics.get("accuracy"));
        assertThat(jobs.find(jobId).orElseThrow().chunksDone()).isEqualTo(2);
    }

    @Test
    void candidate_shouldReturnFailed_whenTheTrainerOrTheLibraryFails() {
        var jobId = prepared(spec("random-forest", "liblinear"));

        var diverged = steps.candidate(jobId, 0);
        var blewUp = steps.candidate(jobId, 1);

        assertThat(diverged).containsEntry("status", "FAILED").containsEntry("error", "random-forest diverged (toy)");
        assertThat(blewUp).containsEntry("status", "FAILED");
        assertThat((String) blewUp.get("error")).contains("liblinear blew up (toy)");
        assertThat(blobs.keys(MODELS_BUCKET, "staging/")).isEmpty();
    }

    @Test
    void candidate_shouldReturnFailed_whenTheOnnxGraphDisagreesWithTheTrainer() {
        var jobId = prepared(spec("libsvm"));

        var result = steps.candidate(jobId, 0);

        assertThat(result).containsEntry("status", "FAILED");
        assertThat((String) result.get("error")).contains("ONNX export disagrees with the trainer").contains(String.valueOf(SampleCheck.TOLERANCE));
    }

    @Test
    void candidate_shouldReturnFailed_whenTheDataChangedAfterPrepare() {
        var jobId = prepared(spec("logistic-regression"));
        data.put(PREFIX + "part-2.csv", ToyModels.csv(90));

        var result = steps.candidate(jobId, 0);

        assertThat(result).containsEntry("status", "FAILED");
        assertThat((String) result.get("error")).contains("data changed during the job").contains("part-2.csv");
    }

    // --- select ---

    @Test
    void select_shouldRegisterAndPromoteTheBestCandidate_whenTheModelHasNoVersionYet() {
        // GIVEN two candidates, the first better
        var jobId = prepared(spec("logistic-regression", "cart"));
        var results = List.of(steps.candidate(jobId, 1), steps.candidate(jobId, 0));

        // WHEN
        var out = steps.select(jobId, results);

        // THEN version 1 is registered, promoted, with samples, provenance and a baseline
        assertThat(out).containsEntry("status", "SUCCEEDED").containsEntry("version", "1").containsEntry("promoted", true);
        var aliases = registry.describe(MODEL).aliases();
        assertThat(aliases.production()).isEqualTo("1");
        var version = registryStore.version(MODEL, "1").orElseThrow();
        assertThat(version.status()).isEqualTo(VersionStatus.SERVING);
        assertThat(registry.audit(MODEL)).allSatisfy(a -> assertThat(a.actor()).isEqualTo("training"));
        var manifest = manifest("1");
        assertThat(manifest.version()).isEqualTo("1");
        assertThat(manifest.samples()).hasSize(TrainingJobSteps.SAMPLE_ROWS);
        assertThat(manifest.metrics()).containsEntry("accuracy", 1.0);
        assertThat(manifest.producedBy().get("codeVersion").asText()).isEqualTo("1.2.3");
        assertThat(manifest.producedBy().get("jobId").asText()).isEqualTo(jobId);
        assertThat(manifest.producedBy().get("seed").asLong()).isEqualTo(7);
        assertThat(manifest.producedBy().get("algorithm").asText()).isEqualTo("logistic-regression");
        assertThat(manifest.producedBy().get("candidates")).hasSize(2);
        assertThat(manifest.producedBy().get("dataFingerprint").get("objects")).hasSize(2);
        assertThat(manifest.producedBy().get("spec").get("target").asText()).isEqualTo("label");
        var baseline = baselineItems.get(new ModelRef(MODEL, "1"));
        assertThat(baseline.source()).isEqualTo("training");
        assertThat(baseline.rows()).isEqualTo(((Number) jobs.find(jobId).orElseThrow().details().get("testRows")).longValue());
        var job = jobs.find(jobId).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.version()).isEqualTo("1");
        assertThat(job.outputs()).containsExactly("s3://models-bucket/models/toy/1/");
        assertThat(job.details()).containsEntry("champion", 0).containsEntry("version", "1").containsEntry("promoted", true)
                .containsEntry("servingVersion", null);
        assertThat(((List<?>) job.details().get("candidates")).stream().map(c -> (Object) ((Map<?, ?>) c).get("index")).toList())
                .containsExactly(0, 1);
        assertThat(events).extracting(e -> e.get("detailType")).containsExactly("ModelTrained", "ModelPromoted");
        assertThat(events.get(0)).containsEntry("version", "1").containsEntry("metric", "accuracy").containsEntry("value", 1.0);
        assertThat(events.get(1)).containsEntry("previous", null).containsEntry("jobId", jobId);
        assertThat(lock.holder(MODEL)).isEmpty();
    }

    @Test
    void select_shouldRegisterButNotPromote_whenTheChallengerIsWorseThanTheServingVersion() {
        // GIVEN version 1 (threshold 0.5, perfect) serves; the only candidate is worse
        publish("1", 0.5);
        var jobId = prepared(spec("cart"));

        var out = steps.select(jobId, List.of(steps.candidate(jobId, 0)));

        assertThat(out).containsEntry("version", "2").containsEntry("promoted", false);
        assertThat(registry.describe(MODEL).aliases().production()).isEqualTo("1");
        assertThat(registryStore.version(MODEL, "2").orElseThrow().status()).isEqualTo(VersionStatus.CANDIDATE);
        var details = jobs.find(jobId).orElseThrow().details();
        assertThat(details).containsEntry("servingVersion", "1").containsEntry("promoted", false);
        assertThat(((Map<?, ?>) details.get("servingMetrics")).get("accuracy")).isEqualTo(1.0);
        assertThat((String) details.get("promotionReason")).contains("serving version 1").contains("<= margin");
        assertThat(events).extracting(e -> e.get("detailType")).containsExactly("ModelTrained");
    }

    @Test
    void select_shouldPromote_whenTheChallengerBeatsTheServingVersionByMoreThanTheMargin() {
        publish("1", 0.8);
        var jobId = prepared(spec("logistic-regression"));

        var out = steps.select(jobId, List.of(steps.candidate(jobId, 0)));

        assertThat(out).containsEntry("version", "2").containsEntry("promoted", true);
        assertThat(registry.describe(MODEL).aliases().production()).isEqualTo("2");
        assertThat(events.get(1)).containsEntry("detailType", "ModelPromoted").containsEntry("previous", "1");
    }

    @Test
    void select_shouldNotPromote_whenThePolicyIsNever_evenForAFirstVersion() {
        var spec = spec("logistic-regression");
        spec.put("promotion", Map.of("policy", "never"));
        var jobId = prepared(spec);

        var out = steps.select(jobId, List.of(steps.candidate(jobId, 0)));

        assertThat(out).containsEntry("version", "1").containsEntry("promoted", false)
                .containsEntry("promotionReason", "promotion policy is never");
        assertThat(registry.describe(MODEL).aliases().production()).isNull();
    }

    @Test
    void select_shouldSkipAVersionNumberWhoseFolderHoldsSomeoneElsesUpload() {
        var foreign = ToyModels.bytes(0.1);
        blobs.putObject(MODELS_BUCKET, "models/toy/1/model.onnx", foreign);
        blobs.putText(MODELS_BUCKET, "models/toy/1/manifest.json", Json.write(ToyModels.manifest(MODEL, "1", foreign)));
        var jobId = prepared(spec("logistic-regression"));

        var out = steps.select(jobId, List.of(steps.candidate(jobId, 0)));

        assertThat(out).containsEntry("version", "2");
        assertThat(blobs.read(MODELS_BUCKET, "models/toy/1/model.onnx")).isEqualTo(foreign);
    }

    @Test
    void select_shouldNotRegisterTwice_whenRetriedAfterRegistering() {
        var jobId = prepared(spec("logistic-regression"));
        var results = List.of(steps.candidate(jobId, 0));
        steps.select(jobId, results);

        var again = steps.select(jobId, results);

        assertThat(again).containsEntry("status", "SUCCEEDED");
        assertThat(registryStore.versions(MODEL)).hasSize(1);
    }

    @Test
    void select_shouldFailWithEveryReason_whenNoCandidateSucceeded() {
        // GIVEN two failed candidates and one the Map caught (no result of its own)
        var jobId = prepared(spec("random-forest", "libsvm", "logistic-regression"));
        var caught = Map.<String, Object>of("index", 2, "status", "FAILED", "error",
                Map.of("Error", "Sandbox.Timedout", "Cause", "{\"errorMessage\": \"Task timed out after 900.00 seconds\"}"));

        // WHEN
        var error = org.junit.jupiter.api.Assertions.assertThrows(TrainingFailedException.class,
                () -> steps.select(jobId, List.of(steps.candidate(jobId, 0), steps.candidate(jobId, 1), caught)));
        steps.fail(jobId, TrainingFailedException.class.getName(), error.getMessage());

        // THEN the job fails with each candidate's reason; nothing is registered; the lock is free
        assertThat(error.getMessage()).startsWith("every candidate failed: ").contains("random-forest diverged (toy)")
                .contains("ONNX export disagrees").contains("the train function did not finish (Sandbox.Timedout)");
        var job = jobs.find(jobId).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.failureReason()).isEqualTo(error.getMessage());
        assertThat((List<?>) job.details().get("candidates")).hasSize(3);
        assertThat(registryStore.modelNames()).isEmpty();
        assertThat(lock.holder(MODEL)).isEmpty();
        assertThat(events).isEmpty();
    }

    // --- fail ---

    @Test
    void fail_shouldEndTheJobWithTheDataProblems_notAStackTrace() {
        var jobId = claim(spec("logistic-regression"));
        var cause = Json.write(Map.of("errorType", TrainingDataException.class.getName(),
                "errorMessage", "the training data cannot be used: column 'x' has no usable value",
                "stackTrace", List.of("io.mlserve.core.training.TrainingTable.read(TrainingTable.java:1)")));

        var out = steps.fail(jobId, TrainingDataException.class.getName(), cause);

        assertThat(out).containsEntry("status", "FAILED")
                .containsEntry("failureReason", "the training data cannot be used: column 'x' has no usable value");
        assertThat(lock.holder(MODEL)).isEmpty();
    }

    @Test
    void reason_shouldNameTheErrorType_forUnexpectedFailures() {
        assertThat(TrainingJobSteps.reason("java.lang.IllegalStateException", "{\"errorMessage\": \"boom\", \"errorType\": \"java.lang.IllegalStateException\"}"))
                .isEqualTo("internal error (IllegalStateException): boom");
        assertThat(TrainingJobSteps.reason("States.Timeout", null)).isEqualTo("the train function did not finish (States.Timeout)");
    }

    // --- helpers ---

    /** A spec over the toy data with these candidates (default params), accuracy, if-better with margin 0. */
    private static Map<String, Object> spec(String... algorithms) {
        var spec = new LinkedHashMap<String, Object>();
        spec.put("data", "s3://" + DATA_BUCKET + "/" + PREFIX);
        spec.put("target", "label");
        spec.put("features", List.of(Map.of("name", "x", "type", "float"), Map.of("name", "color", "type", "string")));
        spec.put("task", "classification");
        spec.put("candidates", java.util.Arrays.stream(algorithms).map(a -> Map.of("algorithm", a)).toList());
        spec.put("metric", "accuracy");
        spec.put("split", Map.of("testFraction", 0.25, "seed", 7));
        spec.put("promotion", Map.of("policy", "if-better", "margin", 0.0));
        return spec;
    }

    private String claim(Map<String, Object> spec) {
        var jobId = TrainingService.newJobId();
        var details = new LinkedHashMap<String, Object>();
        details.put("trigger", "api");
        details.put("actor", "admin-key");
        details.put("spec", spec);
        jobs.claim(new Job(jobId, TrainingService.JOB_TYPE, MODEL, null, JobStatus.QUEUED, (String) spec.get("data"), 0, 0, 0, 0, 0, List.of(),
                List.of(), clock.instant().toString(), null, null, details));
        assertThat(lock.acquire(MODEL, jobId, clock.instant())).isEmpty();
        return jobId;
    }

    private String prepared(Map<String, Object> spec) {
        var jobId = claim(spec);
        steps.prepare(jobId);
        return jobId;
    }

    private ModelManifest manifest(String version) {
        try {
            return ModelManifest.parse(blobs.text(MODELS_BUCKET, "models/toy/" + version + "/manifest.json").getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Registers and promotes a toy version by hand, as an upload would. */
    private void publish(String version, double threshold) {
        var onnx = ToyModels.bytes(threshold);
        blobs.putObject(MODELS_BUCKET, "models/toy/" + version + "/model.onnx", onnx);
        blobs.putText(MODELS_BUCKET, "models/toy/" + version + "/manifest.json", Json.write(ToyModels.manifest(MODEL, version, onnx)));
        registry.register(MODEL, "s3://" + MODELS_BUCKET + "/models/toy/" + version + "/", "upload");
        registry.setProduction(MODEL, version, "upload");
    }
}
