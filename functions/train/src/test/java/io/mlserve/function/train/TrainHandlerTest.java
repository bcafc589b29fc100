package io.mlserve.function.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.baseline.Baseline;
import io.mlserve.core.baseline.BaselineStore;
import io.mlserve.core.drift.DriftConfig;
import io.mlserve.core.drift.DriftConfigStore;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.core.store.ModelStore;
import io.mlserve.core.testing.InMemoryBlobStore;
import io.mlserve.core.testing.InMemoryDriftStores;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.InMemoryModelRegistry;
import io.mlserve.core.testing.InMemoryScheduleStore;
import io.mlserve.core.testing.InMemoryTrainingDataSource;
import io.mlserve.core.testing.InMemoryTrainingLock;
import io.mlserve.core.testing.InMemoryTrainingSpecStore;
import io.mlserve.core.testing.InMemoryTrainingTriggers;
import io.mlserve.core.training.DriftRetraining;
import io.mlserve.core.training.TrainingDataException;
import io.mlserve.core.training.TrainingJobSteps;
import io.mlserve.core.training.TrainingService;
import io.mlserve.core.training.TrainingSpecStore;
import io.mlserve.core.training.TrainingSpecs;
import io.mlserve.onnx.OnnxModelLoader;
import io.mlserve.tribuo.TribuoModelTrainer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The train function's dispatch with the real trainer (Tribuo) and the real ONNX Runtime loader, over in-memory
 * stores: a schedule firing starts a job, the steps train two candidates, register and promote version 1.
 */
class TrainHandlerTest {
    private static final String MODELS = "models-bucket";
    private static final String MODEL = "churn";

    private final Clock clock = Clock.systemUTC();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final InMemoryTrainingLock lock = new InMemoryTrainingLock();
    private final InMemoryTrainingDataSource data = new InMemoryTrainingDataSource();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final InMemoryModelRegistry registryStore = new InMemoryModelRegistry();
    private final ModelStore models = (ref, pins) -> blobs.head(MODELS, "models/" + ref.name() + "/" + ref.version() + "/manifest.json")
            .map(info -> new ModelStore.StoredModel(blobs.read(MODELS, "models/" + ref.name() + "/" + ref.version() + "/manifest.json"),
                    blobs.read(MODELS, "models/" + ref.name() + "/" + ref.version() + "/model.onnx")));
    private final OnnxModelLoader loader = new OnnxModelLoader(1);
    private final RegistryService registry = new RegistryService(registryStore, models, loader, MODELS, clock);
    private final Map<ModelRef, Baseline> baselines = new HashMap<>();
    private final List<String> events = new ArrayList<>();
    private final List<String> launched = new ArrayList<>();
    private final InMemoryTrainingSpecStore specs = new InMemoryTrainingSpecStore();
    private final TrainingJobSteps steps = new TrainingJobSteps(jobs, lock, data, new TribuoModelTrainer(), loader, blobs, MODELS, models,
            registry, new BaselineStore() {
                @Override
                public void put(ModelRef ref, Baseline baseline) {
                    baselines.put(ref, baseline);
                }

                @Override
                public Optional<Baseline> find(ModelRef ref) {
                    return Optional.ofNullable(baselines.get(ref));
                }
            }, (type, detail) -> {
                events.add(type);
                return "id";
            }, clock, "test");
    private final TrainingService service = new TrainingService(specs, lock, jobs, launched::add, new InMemoryScheduleStore(), "data",
            clock);
    private final InMemoryDriftStores.Configs driftConfigs = new InMemoryDriftStores.Configs();
    private final InMemoryTrainingTriggers triggers = new InMemoryTrainingTriggers();
    private boolean qualityRetrain;
    private final TrainHandler handler = new TrainHandler(steps, service,
            new DriftRetraining(service, specs, driftConfigs, triggers, clock),
            new io.mlserve.core.training.RetrainingGuard(service, specs, triggers, io.mlserve.core.training.TrainingService.Trigger.QUALITY,
                    model -> new io.mlserve.core.training.RetrainingGuard.Policy(qualityRetrain, 60, "quality config"), clock));

    @Test
    void handle_shouldTrainRegisterAndPromote_fromAScheduleFiringThroughEveryStep() {
        // GIVEN a spec with two candidates and 300 rows of data
        putSpec("rate(1 day)");
        data.put("training/churn/data.csv", csv(300, new Random(3)));

        // WHEN the schedule fires and the machine runs the steps
        var started = handler.handle(Map.of("action", "start", "kind", "train", "model", MODEL, "trigger", "schedule"));
        var jobId = (String) started.get("jobId");
        var prepared = handler.handle(Map.of("step", "prepare", "jobId", jobId));
        var results = new ArrayList<Object>();
        for (var index : (List<?>) prepared.get("candidates")) {
            results.add(Json.MAPPER.convertValue(handler.handle(Map.of("step", "candidate", "jobId", jobId, "index", index)), Map.class));
        }
        var selected = handler.handle(Map.of("step", "select", "jobId", jobId, "results", results));

        // THEN
        assertThat(started).containsEntry("started", true);
        assertThat(launched).containsExactly(jobId);
        assertThat(results).hasSize(2).allSatisfy(r -> assertThat(((Map<?, ?>) r).get("status")).isEqualTo("SUCCEEDED"));
        assertThat(selected).containsEntry("status", "SUCCEEDED").containsEntry("version", "1").containsEntry("promoted", true);
        var job = jobs.find(jobId).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.details()).containsEntry("trigger", "schedule");
        assertThat(registry.describe(MODEL).aliases().production()).isEqualTo("1");
        assertThat(baselines).containsKey(new ModelRef(MODEL, "1"));
        assertThat(events).containsExactly("ModelTrained", "ModelPromoted");
        var manifest = manifest("1");
        assertThat(manifest.samples()).hasSize(TrainingJobSteps.SAMPLE_ROWS);
        assertThat(manifest.producedBy().get("candidates")).hasSize(2);
        assertThat(lock.holder(MODEL)).isEmpty();
    }

    @Test
    void handle_shouldCountASkippedFiring_whenTheModelIsAlreadyTraining() {
        putSpec("rate(1 day)");
        var first = handler.handle(Map.of("action", "start", "kind", "train", "model", MODEL, "trigger", "schedule"));

        var second = handler.handle(Map.of("action", "start", "kind", "train", "model", MODEL, "trigger", "schedule"));

        assertThat(second).containsEntry("started", false).containsEntry("runningJobId", first.get("jobId"));
        assertThat(jobs.find((String) first.get("jobId")).orElseThrow().details()).containsEntry("skippedTriggers", 1L);
    }

    @Test
    void handle_shouldStartWithTriggerDrift_forADriftDetectedEvent_whenRetrainIsOn() {
        putSpec(null);
        retrain(true);

        var out = handler.handle(driftDetected());

        assertThat(out).containsEntry("started", true).containsEntry("trigger", "drift");
        assertThat(jobs.find((String) out.get("jobId")).orElseThrow().details()).containsEntry("trigger", "drift");
        assertThat(triggers.lastDriftStart(MODEL)).isPresent();
    }

    @Test
    void handle_shouldStartOnceWithinCooldown_forModelQualityDegradedEvents() {
        // GIVEN a spec and retrain on in the quality config
        putSpec(null);
        qualityRetrain = true;
        var event = Map.<String, Object>of("detail-type", "ModelQualityDegraded", "source", "mlserve.quality", "time", "2026-11-26T09:00:00Z",
                "detail", Map.of("model", MODEL, "version", "1", "broken", Map.of("minAccuracy", Map.of("value", 0.7, "floor", 0.9))));

        // WHEN two events arrive, the job of the first having ended before the second
        var first = handler.handle(event);
        var jobId = (String) first.get("jobId");
        jobs.finish(jobId, JobStatus.SUCCEEDED, List.of(), List.of(), null, clock.instant().toString());
        lock.release(MODEL, jobId);
        var second = handler.handle(event);

        // THEN
        assertThat(first).containsEntry("started", true).containsEntry("trigger", "quality");
        assertThat(jobs.find(jobId).orElseThrow().details()).containsEntry("trigger", "quality");
        assertThat(second).containsEntry("started", false);
        assertThat((String) second.get("reason")).contains("cooldown: quality started training");
        assertThat(triggers.lastDriftStart(MODEL)).isEmpty();
    }

    @Test
    void handle_shouldSkipADriftDetectedEvent_whenRetrainIsOff_orWithinTheCooldown() {
        // GIVEN no drift config (retrain off by default)
        putSpec(null);
        var off = handler.handle(driftDetected());

        // WHEN retrain is turned on: the first event starts a job; once it has ended, a second within the cooldown does not
        retrain(true);
        var first = handler.handle(driftDetected());
        var jobId = (String) first.get("jobId");
        jobs.finish(jobId, JobStatus.SUCCEEDED, List.of(), List.of(), null, clock.instant().toString());
        lock.release(MODEL, jobId);
        var second = handler.handle(driftDetected());

        // THEN
        assertThat(off).containsEntry("started", false);
        assertThat((String) off.get("reason")).contains("retrain off");
        assertThat(first).containsEntry("started", true);
        assertThat(second).containsEntry("started", false).doesNotContainKey("runningJobId");
        assertThat((String) second.get("reason")).contains("cooldown");
        assertThat(launched).containsExactly(jobId);
    }

    @Test
    void handle_shouldFailTheJobWithTheDataProblem_fromTheCatchsErrorObject() {
        // GIVEN a job whose data has no .csv object: prepare throws, the machine's Catch calls fail
        putSpec(null);
        var jobId = (String) handler.handle(Map.of("action", "start", "model", MODEL, "trigger", "api")).get("jobId");
        assertThatThrownBy(() -> handler.handle(Map.of("step", "prepare", "jobId", jobId))).isInstanceOf(TrainingDataException.class);

        var out = handler.handle(Map.of("step", "fail", "jobId", jobId, "error", Map.of("Error", TrainingDataException.class.getName(),
                "Cause", "{\"errorMessage\":\"the training data cannot be used: no .csv objects under s3://data/training/churn/\","
                        + "\"errorType\":\"" + TrainingDataException.class.getName() + "\",\"stackTrace\":[\"x.y(Z.java:1)\"]}")));

        assertThat(out).containsEntry("status", "FAILED")
                .containsEntry("failureReason", "the training data cannot be used: no .csv objects under s3://data/training/churn/");
        assertThat(lock.holder(MODEL)).isEmpty();
    }

    @Test
    void handle_shouldRefuseAnUnknownStep() {
        assertThatThrownBy(() -> handler.handle(Map.of("step", "bake", "jobId", "t-1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown step 'bake'");
    }

    private void putSpec(String schedule) {
        var spec = Json.MAPPER.createObjectNode();
        spec.put("data", "s3://data/training/churn/");
        spec.put("target", "churned");
        spec.set("features", Json.MAPPER.valueToTree(List.of(Map.of("name", "tenure", "type", "float"),
                Map.of("name", "charges", "type", "double"), Map.of("name", "contract", "type", "string"))));
        spec.put("task", "classification");
        spec.set("candidates", Json.MAPPER.valueToTree(List.of(Map.of("algorithm", "logistic-regression"), Map.of("algorithm", "cart"))));
        spec.put("metric", "accuracy");
        if (schedule != null) {
            spec.put("schedule", schedule);
        }
        specs.put(MODEL, new TrainingSpecStore.StoredSpec(TrainingSpecs.parse(spec, "data"), clock.instant().toString(), "admin"));
    }

    /** Churn-like rows: short tenure on a monthly contract churns. */
    private static String csv(int rows, Random random) {
        var sb = new StringBuilder("tenure,charges,contract,churned\n");
        String[] contracts = {"monthly", "yearly", "two-year"};
        for (int i = 0; i < rows; i++) {
            double tenure = random.nextInt(72);
            double charges = 20 + random.nextDouble() * 100;
            var contract = contracts[random.nextInt(3)];
            boolean churned = tenure < 20 && contract.equals("monthly") || random.nextDouble() < 0.05;
            sb.append(tenure).append(',').append(String.format(java.util.Locale.ROOT, "%.2f", charges)).append(',').append(contract)
                    .append(',').append(churned ? "yes" : "no").append('\n');
        }
        return sb.toString();
    }

    private ModelManifest manifest(String version) {
        try {
            return ModelManifest.parse(blobs.text(MODELS, "models/churn/" + version + "/manifest.json").getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private void retrain(boolean on) {
        var d = DriftConfig.defaults();
        driftConfigs.put(MODEL, new DriftConfigStore.StoredConfig(
                new DriftConfig(d.schedule(), d.window(), d.minSamples(), d.thresholds(), on, 60), "2026-11-26T08:00:00Z", "admin"));
    }

    private static Map<String, Object> driftDetected() {
        return Map.of("detail-type", "DriftDetected", "source", "mlserve.drift", "time", "2026-11-26T09:00:00Z",
                "detail", Map.of("model", MODEL, "version", "1", "driftedFeatures", List.of("tenure")));
    }
}
