package io.mlserve.core.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.core.baseline.BaselineBuilder;
import io.mlserve.core.baseline.BaselineStore;
import io.mlserve.core.batch.BlobStore;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.jobs.FailureReason;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.jobs.JobStore;
import io.mlserve.core.jobs.RangeResult;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.EventPublisher;
import io.mlserve.core.registry.RegistryConflictException;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.core.serving.SampleCheck;
import io.mlserve.core.store.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A training job's steps, as the TrainJobs state machine calls them: {@link #prepare} → {@link #candidate}
 * (one per spec candidate, in parallel) → {@link #select}, and {@link #fail} from any Catch. Every step
 * re-reads the data it needs (checked against the ETags {@code prepare} fingerprinted), so steps share nothing
 * but the job item and the staged candidates.
 *
 * <p>Models bucket layout: {@code staging/<jobId>/<index>/model.onnx|manifest.json} (each trained candidate),
 * {@code models/<name>/<version>/model.onnx|manifest.json|baseline.json} (the registered champion).
 *
 * <p>Progress: the job's units are the data read (unit {@code candidates}, counting rows read and rejected) and one
 * per candidate (units {@code 0..candidates-1}), recorded once each through {@link JobStore#completeRange}.
 */
public final class TrainingJobSteps {
    /** The {@code source} of training events. */
    public static final String EVENT_SOURCE = "mlserve.training";
    /** The job type of training jobs. */
    public static final String JOB_TYPE = "train";
    /** The registry actor of everything training registers and promotes. */
    public static final String ACTOR = "training";
    /** Held-out rows a registered version carries as its manifest samples. */
    public static final int SAMPLE_ROWS = 5;
    static final String SUCCEEDED = "SUCCEEDED";
    static final String FAILED = "FAILED";
    private static final int MAX_REASON = 1000;
    private static final int VERSION_ATTEMPTS = 5;

    private final JobStore jobs;
    private final TrainingLock lock;
    private final TrainingDataSource data;
    private final Trainer trainer;
    private final ModelLoader loader;
    private final BlobStore blobs;
    private final String modelsBucket;
    private final ModelStore models;
    private final RegistryService registry;
    private final BaselineStore baselines;
    private final EventPublisher events;
    private final Clock clock;
    private final String codeVersion;

    /**
     * @param jobs the jobs table
     * @param lock the per-model training lock (released when the job ends)
     * @param data the training data (the data bucket)
     * @param trainer fits and exports one candidate
     * @param loader loads ONNX graphs (the check against the trainer, the serving version's evaluation)
     * @param blobs writes staged candidates and the new version's files
     * @param modelsBucket the bucket {@code blobs} writes to, where versions live
     * @param models reads registered versions (the serving version)
     * @param registry registers and promotes (validation included)
     * @param baselines stores the new version's baseline beside it
     * @param events ModelTrained / ModelPromoted (source {@value #EVENT_SOURCE})
     * @param clock time source
     * @param codeVersion the build that trains (manifest provenance)
     */
    public TrainingJobSteps(JobStore jobs, TrainingLock lock, TrainingDataSource data, Trainer trainer, ModelLoader loader, BlobStore blobs,
            String modelsBucket, ModelStore models, RegistryService registry, BaselineStore baselines, EventPublisher events, Clock clock,
            String codeVersion) {
        this.jobs = jobs;
        this.lock = lock;
        this.data = data;
        this.trainer = trainer;
        this.loader = loader;
        this.blobs = blobs;
        this.modelsBucket = modelsBucket;
        this.models = models;
        this.registry = registry;
        this.baselines = baselines;
        this.events = events;
        this.clock = clock;
        this.codeVersion = codeVersion;
    }

    /**
     * Lists and reads the data, checks it can be split, fingerprints it and marks the job running.
     *
     * @param jobId a claimed training job
     * @return {@code {"jobId", "candidates": [0, 1, …]}}: the Map's items
     * @throws TrainingDataException when the data cannot train anything (the job then fails with its problems)
     */
    public Map<String, Object> prepare(String jobId) {
        var job = job(jobId);
        if (job.status().finished()) {
            throw new IllegalStateException("job " + jobId + " has already ended (" + job.status() + ")");
        }
        var spec = spec(job);
        var listed = data.list(prefix(spec));
        if (listed.isEmpty()) {
            throw new TrainingDataException(List.of("no .csv objects under " + spec.data()));
        }
        var table = read(spec, listed);
        var split = DataSplit.of(table, spec.split(), spec.task());
        var fingerprint = new LinkedHashMap<String, Object>();
        fingerprint.put("objects", listed.stream().map(o -> (Object) ordered("key", o.key(), "etag", o.etag(), "size", o.size())).toList());
        fingerprint.put("rows", table.rows());
        fingerprint.put("rowsRejected", table.rejectedRows());
        int candidates = spec.candidates().size();
        jobs.start(jobId, null, candidates + 1);
        jobs.updateDetails(jobId, ordered("dataFingerprint", fingerprint, "trainRows", split.train().length, "testRows", split.test().length));
        jobs.completeRange(jobId, new RangeResult(candidates, table.rows() + table.rejectedRows(), 0, table.rejectedRows(), 0,
                spec.data(), null));
        var indices = new ArrayList<Object>();
        for (int i = 0; i < candidates; i++) {
            indices.add(i);
        }
        return ordered("jobId", jobId, "candidates", indices);
    }

    /**
     * Trains one candidate, checks its ONNX graph answers the held-out rows as the trainer did (1e-5), measures it
     * there and stages it. A candidate that cannot be trained or checked is a FAILED result, never an error.
     *
     * @param jobId the job
     * @param index the candidate's position in the spec
     * @return {@code {"index", "algorithm", "params", "metrics", "trainingMs", "status", "error"?, "startedAt", "endedAt"}} (the
     *     step's own time window, which shows whether candidates ran side by side)
     */
    public Map<String, Object> candidate(String jobId, int index) {
        var startedAt = now();
        var job = job(jobId);
        var spec = spec(job);
        if (index < 0 || index >= spec.candidates().size()) {
            throw new IllegalArgumentException("job " + jobId + " has no candidate " + index);
        }
        var candidate = spec.candidates().get(index);
        var out = ordered("index", index, "algorithm", candidate.algorithm().specName(), "params", candidate.params());
        if (job.status().finished()) {
            out.put("status", FAILED);
            out.put("error", "the job had already ended (" + job.status() + ")");
            return out;
        }
        try {
            var table = read(spec, fingerprinted(job));
            var split = DataSplit.of(table, spec.split(), spec.task());
            var trained = trainer.train(spec, candidate, table, split, job.model());
            var scored = verify(trained, table, split);
            var metrics = finite(Metrics.compute(spec.task(), scored.actual(table), scored.predictions()));
            var manifest = withMetrics(trained.manifest(), metrics);
            var prefix = stagingPrefix(jobId, index);
            blobs.put(modelsBucket, prefix + "model.onnx", trained.onnx(), "application/octet-stream");
            blobs.put(modelsBucket, prefix + "manifest.json", Json.write(manifest).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "application/json");
            jobs.completeRange(jobId, new RangeResult(index, 0, 0, 0, 0, "s3://" + modelsBucket + "/" + prefix, null));
            out.put("metrics", metrics);
            out.put("trainingMs", trained.trainingMs());
            out.put("status", SUCCEEDED);
        } catch (CandidateFailedException | TrainingDataException e) {
            out.put("status", FAILED);
            out.put("error", abbreviate(e.getMessage(), MAX_REASON));
        } catch (RuntimeException e) { // a library's own failure on this candidate: the others still compete
            out.put("status", FAILED);
            out.put("error", abbreviate("the candidate could not be trained: " + describe(e), MAX_REASON));
        }
        out.put("startedAt", startedAt);
        out.put("endedAt", now());
        return out;
    }

    /**
     * Picks the champion, compares it with the serving version on the same held-out rows, registers it as the next
     * integer version (with samples, provenance and its baseline), promotes it when the policy says so, publishes
     * the events, records everything on the job and ends it SUCCEEDED.
     *
     * @param jobId the job
     * @param results the candidate steps' results (or the Map's caught failures), any order
     * @return {@code {"jobId", "status", "version", "promoted", "promotionReason"}}
     * @throws TrainingFailedException when no candidate succeeded (the job then fails with that reason)
     */
    public Map<String, Object> select(String jobId, List<Map<String, Object>> results) {
        var job = job(jobId);
        if (job.status().finished()) {
            return ordered("jobId", jobId, "status", job.status().name());
        }
        var spec = spec(job);
        var candidates = normalize(spec, results);
        var champion = champion(spec.metric(), candidates);
        if (champion.isEmpty()) {
            jobs.updateDetails(jobId, ordered("candidates", candidates, "champion", null));
            var reasons = candidates.stream().map(c -> "candidate " + c.get("index") + " (" + c.get("algorithm") + "): " + c.get("error"))
                    .toList();
            throw new TrainingFailedException(abbreviate("every candidate failed: " + String.join("; ", reasons), MAX_REASON));
        }
        int championIndex = champion.get();
        var winner = candidates.get(championIndex);
        double championValue = metricValue(winner, spec.metric());

        var table = read(spec, fingerprinted(job));
        var split = DataSplit.of(table, spec.split(), spec.task());
        var serving = evaluateServing(job.model(), spec, table, split);

        var staged = stagingPrefix(jobId, championIndex);
        var onnx = blobs.read(modelsBucket, staged + "model.onnx");
        ModelManifest stagedManifest;
        try {
            stagedManifest = ModelManifest.parse(blobs.read(modelsBucket, staged + "manifest.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("the staged manifest of candidate " + championIndex + " is unreadable", e);
        }
        HeldOutRows scored;
        try (var predictor = loader.load(stagedManifest, onnx)) {
            scored = HeldOutRows.score(table, split.test(), stagedManifest, predictor);
        }
        if (!scored.refused().isEmpty()) {
            throw new IllegalStateException("the champion refuses held-out rows it accepted before: " + scored.refused());
        }

        var registered = register(job, spec, candidates, winner, stagedManifest, onnx, scored, table);
        var version = registered.version();
        var decision = promotion(spec, serving, championValue);
        var details = new LinkedHashMap<String, Object>();
        details.put("candidates", candidates);
        details.put("champion", championIndex);
        details.put("servingVersion", serving.version());
        details.put("servingMetrics", serving.metrics());
        if (serving.notComparable() != null) {
            details.put("servingNotComparable", serving.notComparable());
        }
        details.put("version", version);
        details.put("promoted", decision.promote());
        details.put("promotionReason", decision.reason());
        jobs.updateDetails(jobId, details);
        String previous = null;
        if (decision.promote()) {
            previous = promote(job.model(), version);
        }
        var succeeded = candidates.stream().filter(c -> SUCCEEDED.equals(c.get("status")))
                .map(c -> (Object) ordered("index", c.get("index"), "algorithm", c.get("algorithm"), "metrics", c.get("metrics"))).toList();
        events.publish("ModelTrained", ordered("model", job.model(), "version", version, "jobId", jobId,
                "metric", spec.metric().specName(), "value", championValue, "candidates", succeeded));
        if (decision.promote()) {
            events.publish("ModelPromoted", ordered("model", job.model(), "version", version, "previous", previous, "jobId", jobId,
                    "reason", decision.reason()));
        }
        var location = "s3://" + modelsBucket + "/" + versionPrefix(new ModelRef(job.model(), version));
        jobs.finish(jobId, JobStatus.SUCCEEDED, List.of(location), List.of(), null, now());
        lock.release(job.model(), jobId);
        return ordered("jobId", jobId, "status", JobStatus.SUCCEEDED.name(), "version", version, "promoted", decision.promote(),
                "promotionReason", decision.reason());
    }

    /**
     * Ends a job FAILED with a reason for a person (a data problem's own words, never a stack trace) and releases the
     * model's lock. Nothing is registered.
     *
     * @param jobId the job
     * @param error the Step Functions error name ({@code Error}), may be null
     * @param cause the error's cause (a Lambda error's JSON, or text), may be null
     * @return {@code {"jobId", "status", "failureReason"}}
     */
    public Map<String, Object> fail(String jobId, String error, String cause) {
        var out = ordered("jobId", jobId);
        var job = jobs.find(jobId).orElse(null);
        if (job == null) {
            out.put("status", "UNKNOWN");
            return out;
        }
        if (!job.status().finished()) {
            jobs.finish(jobId, JobStatus.FAILED, List.of(), List.of(), reason(error, cause), now());
        }
        lock.release(job.model(), jobId);
        var ended = jobs.find(jobId).orElse(job);
        out.put("status", ended.status().name());
        if (ended.failureReason() != null) {
            out.put("failureReason", ended.failureReason());
        }
        return out;
    }

    /**
     * The failure reason a person reads: our own training errors as they are, anything else as "what failed: its
     * message", never a stack trace.
     *
     * @param error the error name (a Step Functions {@code Error} or a Java class name), may be null
     * @param cause the cause: a Lambda error's JSON ({@code errorMessage}, {@code errorType}) or text, may be null
     * @return the reason, at most 1000 characters
     */
    public static String reason(String error, String cause) {
        return FailureReason.of(error, cause, "train", Set.of("TrainingDataException", "TrainingFailedException"));
    }

    // --- candidate ---------------------------------------------------------------------------------------------

    /** Scores the held-out rows with the exported graph and requires the trainer's own outputs within 1e-5 (relative above 1). */
    private HeldOutRows verify(TrainedModel trained, TrainingTable table, DataSplit split) {
        var manifest = trained.manifest();
        HeldOutRows scored;
        try (var predictor = loader.load(manifest, trained.onnx())) {
            scored = HeldOutRows.score(table, split.test(), manifest, predictor);
        } catch (io.mlserve.core.error.ModelRejectedException e) {
            throw new CandidateFailedException("the exported ONNX graph does not match its manifest: " + String.join("; ", e.problems()), e);
        }
        if (!scored.refused().isEmpty()) {
            throw new CandidateFailedException("the exported manifest refuses held-out rows: " + String.join("; ", scored.refused()), null);
        }
        var expected = trained.heldOutOutputs();
        if (expected == null || expected.length != scored.predictions().size()) {
            throw new CandidateFailedException("the trainer gave " + (expected == null ? 0 : expected.length) + " held-out outputs for "
                    + scored.predictions().size() + " held-out rows", null);
        }
        var labels = manifest.output().labels();
        for (int i = 0; i < expected.length; i++) {
            var p = scored.predictions().get(i);
            double[] onnx = switch (p) {
                case Prediction.Classification c -> {
                    var probs = new double[labels == null ? 0 : labels.size()];
                    for (int k = 0; k < probs.length; k++) {
                        var value = c.probabilities() == null ? null : c.probabilities().get(String.valueOf(labels.get(k)));
                        probs[k] = value == null ? Double.NaN : value;
                    }
                    yield probs;
                }
                case Prediction.Regression r -> new double[] {r.value() instanceof Number n ? n.doubleValue() : Double.NaN};
            };
            if (onnx.length != expected[i].length) {
                throw new CandidateFailedException("held-out row " + split.test()[i] + ": the ONNX graph gives " + onnx.length
                        + " outputs, the trainer " + expected[i].length, null);
            }
            for (int k = 0; k < onnx.length; k++) {
                // the graph computes in float32: 1e-5 absolute for probabilities and small values, relative beyond 1
                // (a house price of 300,000 is exact to ~0.03 in float32)
                double allowed = SampleCheck.TOLERANCE * Math.max(1.0, Math.abs(expected[i][k]));
                if (!(Math.abs(onnx[k] - expected[i][k]) <= allowed)) {
                    throw new CandidateFailedException("the ONNX export disagrees with the trainer on held-out row " + split.test()[i]
                            + " (output " + k + "): " + onnx[k] + " vs " + expected[i][k] + ", more than " + allowed, null);
                }
            }
        }
        return scored;
    }

    // --- select ------------------------------------------------------------------------------------------------

    /**
     * The serving version's metrics on the same held-out rows.
     *
     * @param version the production version, or null when there is none
     * @param metrics its metrics, or null when it was not evaluated
     * @param notComparable why it could not be evaluated, or null
     */
    record ServingEvaluation(String version, Map<String, Double> metrics, String notComparable) {}

    private ServingEvaluation evaluateServing(String model, TrainingSpec spec, TrainingTable table, DataSplit split) {
        String production;
        RegistryService.ModelEntry entry;
        try {
            entry = registry.describe(model);
            production = entry.aliases().production();
        } catch (NotFoundException e) {
            return new ServingEvaluation(null, null, null);
        }
        if (production == null) {
            return new ServingEvaluation(null, null, null);
        }
        var ref = new ModelRef(model, production);
        // the bytes production serves: its pinned object versions
        var pins = entry.versions().stream().filter(v -> v.version().equals(production)).findFirst()
                .map(io.mlserve.core.registry.RegisteredVersion::objectVersions).orElse(null);
        try {
            var stored = models.fetch(ref, pins).orElse(null);
            if (stored == null) {
                return new ServingEvaluation(production, null, "its files are missing from the models bucket");
            }
            var manifest = ModelManifest.parse(stored.manifestJson());
            if (manifest.task() != spec.task()) {
                return new ServingEvaluation(production, null, "it is a " + manifest.task().manifestName() + " model, the spec trains "
                        + spec.task().manifestName());
            }
            var missing = manifest.features().stream().map(io.mlserve.core.model.Feature::name).filter(f -> !table.hasFeature(f)).toList();
            if (!missing.isEmpty()) {
                return new ServingEvaluation(production, null, "its features " + missing + " are not columns of the training data");
            }
            ManifestChecks.requireValid(ref, manifest, stored.onnx());
            HeldOutRows scored;
            try (var predictor = loader.load(manifest, stored.onnx())) {
                scored = HeldOutRows.score(table, split.test(), manifest, predictor);
            }
            if (!scored.refused().isEmpty()) {
                return new ServingEvaluation(production, null, "it refuses held-out rows (" + String.join("; ", scored.refused()) + ")");
            }
            return new ServingEvaluation(production, finite(Metrics.compute(spec.task(), scored.actual(table), scored.predictions())), null);
        } catch (IOException | RuntimeException e) {
            return new ServingEvaluation(production, null, "it could not be evaluated: " + describe(e));
        }
    }

    /** Writes the champion as the next free integer version and registers it; a version taken meanwhile moves on to the next. */
    private io.mlserve.core.registry.RegisteredVersion register(Job job, TrainingSpec spec, List<Map<String, Object>> candidates,
            Map<String, Object> winner, ModelManifest staged, byte[] onnx, HeldOutRows scored, TrainingTable table) {
        var name = job.model();
        if (job.details().get("version") instanceof String done) { // a retried select: this job registered it already
            var earlier = registeredVersion(name, done);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        int next = nextVersion(name);
        for (int attempt = 0; attempt < VERSION_ATTEMPTS; attempt++, next++) {
            var ref = new ModelRef(name, Integer.toString(next));
            var prefix = versionPrefix(ref);
            var existing = blobs.head(modelsBucket, prefix + "manifest.json");
            if (existing.isPresent() && !writtenByThisJob(prefix, job.jobId())) {
                continue; // someone else's upload (not registered yet): never overwrite it
            }
            var manifest = finalManifest(staged, onnx, ref, spec, candidates, winner, job, scored);
            blobs.put(modelsBucket, prefix + "model.onnx", onnx, "application/octet-stream");
            blobs.put(modelsBucket, prefix + "manifest.json", Json.write(manifest).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "application/json");
            baselines.put(ref, BaselineBuilder.build(ref, "training", spec.data(), now(), manifest.features(), scored.cells(),
                    spec.task(), scored.predictions()));
            try {
                var registered = registry.register(name, "s3://" + modelsBucket + "/" + prefix, ACTOR);
                jobs.updateDetails(job.jobId(), ordered("version", registered.version()));
                return registered;
            } catch (RegistryConflictException e) {
                // registered by someone else between our read and our write: take the next number
            }
        }
        throw new IllegalStateException("no free version number for '" + name + "' after " + VERSION_ATTEMPTS + " attempts");
    }

    private Optional<io.mlserve.core.registry.RegisteredVersion> registeredVersion(String name, String version) {
        try {
            return registry.describe(name).versions().stream().filter(v -> v.version().equals(version)).findFirst();
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    private boolean writtenByThisJob(String prefix, String jobId) {
        try {
            var manifest = ModelManifest.parse(blobs.read(modelsBucket, prefix + "manifest.json"));
            return manifest.producedBy() != null && jobId.equals(manifest.producedBy().path("jobId").asText(null));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** One more than the largest integer version registered (non-integer versions are ignored); 1 for a new model. */
    private int nextVersion(String name) {
        try {
            return registry.describe(name).versions().stream().map(v -> v.version()).filter(v -> v.matches("\\d{1,9}"))
                    .mapToInt(Integer::parseInt).max().orElse(0) + 1;
        } catch (NotFoundException e) {
            return 1;
        }
    }

    private ModelManifest finalManifest(ModelManifest staged, byte[] onnx, ModelRef ref, TrainingSpec spec, List<Map<String, Object>> candidates,
            Map<String, Object> winner, Job job, HeldOutRows scored) {
        var samples = new ArrayList<ModelManifest.Sample>();
        for (int i = 0; i < Math.min(SAMPLE_ROWS, scored.predictions().size()); i++) {
            samples.add(new ModelManifest.Sample(scored.instances().get(i), Json.MAPPER.valueToTree(scored.predictions().get(i))));
        }
        ObjectNode producedBy = staged.producedBy() instanceof ObjectNode o ? o.deepCopy() : Json.MAPPER.createObjectNode();
        if (!producedBy.has("algorithm")) {
            producedBy.put("algorithm", String.valueOf(winner.get("algorithm")));
        }
        if (!producedBy.has("params")) {
            producedBy.set("params", Json.MAPPER.valueToTree(winner.get("params")));
        }
        producedBy.put("seed", spec.split().seed());
        producedBy.put("codeVersion", codeVersion);
        producedBy.put("jobId", job.jobId());
        producedBy.put("trigger", String.valueOf(job.details().get("trigger")));
        producedBy.set("spec", TrainingSpecs.toJson(spec));
        producedBy.set("dataFingerprint", Json.MAPPER.valueToTree(job.details().get("dataFingerprint")));
        producedBy.set("candidates", Json.MAPPER.valueToTree(candidates));
        return new ModelManifest(staged.schemaVersion(), ref.name(), ref.version(), staged.task(), staged.description(), staged.features(),
                staged.input(), staged.output(), staged.metrics(), ManifestChecks.sha256Hex(onnx), now(), producedBy, samples);
    }

    /**
     * Whether the new version becomes production.
     *
     * @param promote true to promote
     * @param reason why, for the job and the event
     */
    record Decision(boolean promote, String reason) {}

    private static Decision promotion(TrainingSpec spec, ServingEvaluation serving, double value) {
        var policy = spec.promotion().policy();
        var metric = spec.metric();
        if (policy == TrainingSpec.PromotionPolicy.NEVER) {
            return new Decision(false, "promotion policy is never");
        }
        if (serving.version() == null) {
            return new Decision(true, "no serving version yet: the first trained version becomes production");
        }
        if (policy == TrainingSpec.PromotionPolicy.ALWAYS) {
            return new Decision(true, "promotion policy is always");
        }
        if (serving.metrics() == null || serving.metrics().get(metric.specName()) == null) {
            return new Decision(true, "the serving version " + serving.version() + " cannot be compared ("
                    + (serving.notComparable() == null ? "no " + metric.specName() + " value" : serving.notComparable())
                    + "): the new version is promoted");
        }
        double current = serving.metrics().get(metric.specName());
        double improvement = metric.improvement(value, current);
        double margin = spec.promotion().margin();
        var comparison = String.format(Locale.ROOT, "%s %.6g vs %.6g for serving version %s: improvement %.6g %s margin %.6g",
                metric.specName(), value, current, serving.version(), improvement, improvement > margin ? ">" : "<=", margin);
        return new Decision(improvement > margin, comparison);
    }

    /** @return the production version before the change */
    private String promote(String name, String version) {
        for (int attempt = 0; ; attempt++) {
            var before = registry.describe(name).aliases().production();
            try {
                registry.setProduction(name, version, ACTOR);
                return before;
            } catch (RegistryConflictException e) { // a concurrent alias change won: read again, try again
                if (attempt >= 2) {
                    throw e;
                }
            }
        }
    }

    /** Candidate results as the job shows them, in spec order; a Map-level failure (no result) becomes a FAILED entry. */
    private static List<Map<String, Object>> normalize(TrainingSpec spec, List<Map<String, Object>> results) {
        var byIndex = new LinkedHashMap<Integer, Map<String, Object>>();
        for (var r : results == null ? List.<Map<String, Object>>of() : results) {
            if (r != null && r.get("index") instanceof Number n) {
                byIndex.put(n.intValue(), r);
            }
        }
        var out = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < spec.candidates().size(); i++) {
            var c = spec.candidates().get(i);
            var r = byIndex.getOrDefault(i, Map.of());
            var entry = ordered("index", i, "algorithm", c.algorithm().specName(), "params", c.params());
            for (var window : List.of("startedAt", "endedAt")) {
                if (r.get(window) instanceof String time) {
                    entry.put(window, time);
                }
            }
            boolean ok = SUCCEEDED.equals(r.get("status")) && r.get("metrics") instanceof Map<?, ?>;
            if (ok) {
                entry.put("metrics", r.get("metrics"));
                entry.put("trainingMs", r.get("trainingMs"));
                entry.put("status", SUCCEEDED);
            } else {
                entry.put("status", FAILED);
                Object error = r.get("error");
                if (error instanceof Map<?, ?> caught) { // the Map's Catch: {"Error", "Cause"}
                    error = reason(String.valueOf(caught.get("Error")), caught.get("Cause") == null ? null : String.valueOf(caught.get("Cause")));
                }
                entry.put("error", error == null ? (r.isEmpty() ? "no result" : "failed") : abbreviate(String.valueOf(error), MAX_REASON));
                if (r.get("trainingMs") != null) {
                    entry.put("trainingMs", r.get("trainingMs"));
                }
            }
            out.add(entry);
        }
        return out;
    }

    /** Best by the metric; ties go to the earlier candidate (spec order). */
    private static Optional<Integer> champion(Metric metric, List<Map<String, Object>> candidates) {
        Integer best = null;
        double bestValue = Double.NaN;
        for (var c : candidates) {
            if (!SUCCEEDED.equals(c.get("status"))) {
                continue;
            }
            double value = metricValue(c, metric);
            if (Double.isNaN(value)) {
                continue;
            }
            if (best == null || metric.improvement(value, bestValue) > 0) {
                best = ((Number) c.get("index")).intValue();
                bestValue = value;
            }
        }
        return Optional.ofNullable(best);
    }

    private static double metricValue(Map<String, Object> candidate, Metric metric) {
        return candidate.get("metrics") instanceof Map<?, ?> m && m.get(metric.specName()) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    // --- shared ------------------------------------------------------------------------------------------------

    private TrainingTable read(TrainingSpec spec, List<TrainingDataSource.DataObject> objects) {
        var streams = new ArrayList<LazyStream>();
        try {
            var files = new ArrayList<TrainingTable.CsvFile>();
            for (var object : objects) {
                var stream = new LazyStream(object);
                streams.add(stream);
                files.add(new TrainingTable.CsvFile(object.key(), stream));
            }
            return TrainingTable.read(spec, files);
        } catch (RuntimeException e) {
            for (var stream : streams) { // the CSV reader wraps what opening threw: the data's own problem comes first
                if (stream.failure != null) {
                    throw stream.failure;
                }
            }
            throw e;
        } finally {
            for (var stream : streams) {
                stream.close();
            }
        }
    }

    /** Opens its object on the first read, so a job over many files holds one connection at a time. */
    private final class LazyStream extends InputStream {
        private final TrainingDataSource.DataObject object;
        private InputStream in;
        private RuntimeException failure;

        LazyStream(TrainingDataSource.DataObject object) {
            this.object = object;
        }

        private InputStream in() {
            if (in == null) {
                try {
                    in = data.open(object);
                } catch (RuntimeException e) {
                    failure = e;
                    throw e;
                }
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in().read(b, off, len);
        }

        @Override
        public void close() {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // read-only stream: nothing was lost
                }
            }
        }
    }

    /** The objects {@code prepare} listed, with their ETags: a later step reads exactly those bytes. */
    private static List<TrainingDataSource.DataObject> fingerprinted(Job job) {
        if (!(job.details().get("dataFingerprint") instanceof Map<?, ?> fingerprint) || !(fingerprint.get("objects") instanceof List<?> objects)) {
            throw new IllegalStateException("job " + job.jobId() + " has no data fingerprint: prepare has not run");
        }
        var out = new ArrayList<TrainingDataSource.DataObject>();
        for (var o : objects) {
            var m = (Map<?, ?>) o;
            out.add(new TrainingDataSource.DataObject(String.valueOf(m.get("key")), String.valueOf(m.get("etag")),
                    ((Number) m.get("size")).longValue()));
        }
        return out;
    }

    private static TrainingSpec spec(Job job) {
        var raw = job.details() == null ? null : job.details().get("spec");
        if (raw == null) {
            throw new IllegalStateException("job " + job.jobId() + " has no training spec");
        }
        JsonNode node = Json.MAPPER.valueToTree(raw);
        var data = node.path("data").asText("");
        return TrainingSpecs.parse(node, bucket(data));
    }

    private static String bucket(String uri) {
        if (!uri.startsWith("s3://") || uri.indexOf('/', 5) < 0) {
            throw new IllegalStateException("the spec's data is not an s3:// prefix: " + uri);
        }
        return uri.substring(5, uri.indexOf('/', 5));
    }

    /** @return the key prefix of the spec's data in its bucket */
    static String prefix(TrainingSpec spec) {
        var data = spec.data();
        return data.substring(data.indexOf('/', 5) + 1);
    }

    static String stagingPrefix(String jobId, int index) {
        return "staging/" + jobId + "/" + index + "/";
    }

    static String versionPrefix(ModelRef ref) {
        return "models/" + ref.name() + "/" + ref.version() + "/";
    }

    private static ModelManifest withMetrics(ModelManifest m, Map<String, Double> metrics) {
        return new ModelManifest(m.schemaVersion(), m.name(), m.version(), m.task(), m.description(), m.features(), m.input(), m.output(),
                metrics, m.sha256(), m.createdAt(), m.producedBy(), m.samples());
    }

    /** DynamoDB and JSON hold no NaN: a metric that is not finite is left out. */
    private static Map<String, Double> finite(Map<String, Double> metrics) {
        var out = new LinkedHashMap<String, Double>();
        metrics.forEach((k, v) -> {
            if (v != null && Double.isFinite(v)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private Job job(String jobId) {
        var job = jobs.find(jobId).orElseThrow(() -> new IllegalStateException("no job " + jobId));
        if (!JOB_TYPE.equals(job.type())) {
            throw new IllegalStateException("job " + jobId + " is a " + job.type() + " job, not a training job");
        }
        return job;
    }

    private String now() {
        return clock.instant().toString();
    }

    private static String describe(Throwable e) {
        var message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String abbreviate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** A map in the order given (key, value, key, value…), nulls allowed: the job and events read as written. */
    static LinkedHashMap<String, Object> ordered(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
