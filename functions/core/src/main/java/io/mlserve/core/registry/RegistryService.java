package io.mlserve.core.registry;

import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.error.NotFoundException;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.serving.SampleCheck;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.ModelStore;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Registration and rollout: a version is validated before it is registered, and every alias change
 * is one conditional write with its audit entry, so concurrent calls never half-apply.
 */
public final class RegistryService {
    private static final Pattern LOCATION = Pattern.compile("^s3://([^/]+)/models/([^/]+)/([^/]+)/?$");

    private final ModelRegistry registry;
    private final ModelStore store;
    private final ModelLoader loader;
    private final String modelsBucket;
    private final Clock clock;
    private final int defaultLogShards;

    /** Log shards of a version registered without a count, unless the stack says otherwise ({@code LOG_SHARDS}). */
    public static final int DEFAULT_LOG_SHARDS = 4;
    /** Error code of a registration whose {@code logShards} is out of range (422). */
    public static final String INVALID_LOG_SHARDS = "INVALID_LOG_SHARDS";

    /**
     * With {@value #DEFAULT_LOG_SHARDS} log shards per version unless registration names a count.
     *
     * @param registry registry storage
     * @param store model packages
     * @param loader used to validate a package before registration
     * @param modelsBucket the only bucket versions may live in
     * @param clock time source
     */
    public RegistryService(ModelRegistry registry, ModelStore store, ModelLoader loader, String modelsBucket, Clock clock) {
        this(registry, store, loader, modelsBucket, clock, DEFAULT_LOG_SHARDS);
    }

    /**
     * @param registry registry storage
     * @param store model packages
     * @param loader used to validate a package before registration
     * @param modelsBucket the only bucket versions may live in
     * @param clock time source
     * @param defaultLogShards the prediction-log shard count of a version registered without one
     *     ({@link LogShards#MIN}..{@link LogShards#MAX})
     */
    public RegistryService(ModelRegistry registry, ModelStore store, ModelLoader loader, String modelsBucket, Clock clock,
            int defaultLogShards) {
        if (defaultLogShards < LogShards.MIN || defaultLogShards > LogShards.MAX) {
            throw new IllegalArgumentException("the default log shard count must be " + LogShards.MIN + ".." + LogShards.MAX
                    + ", got " + defaultLogShards);
        }
        this.registry = registry;
        this.store = store;
        this.loader = loader;
        this.modelsBucket = modelsBucket;
        this.clock = clock;
        this.defaultLogShards = defaultLogShards;
    }

    /**
     * Validates and registers an uploaded version as a candidate.
     *
     * @param name model name from the path
     * @param location {@code s3://<models bucket>/models/<name>/<version>/}
     * @param actor who asked
     * @return the registered version
     * @throws InvalidInputException for a malformed location
     * @throws ValidationFailedException when the package is missing, corrupt or mismatched (422)
     * @throws RegistryConflictException when the version is already registered
     */
    public RegisteredVersion register(String name, String location, String actor) {
        return register(name, location, actor, (ref, manifest, onnx) -> {});
    }

    /** A last check of a validated version before it is registered (e.g. that its reference data makes a baseline). */
    @FunctionalInterface
    public interface BeforeRegister {
        /**
         * @param ref the version
         * @param manifest its validated manifest
         * @param onnx its ONNX bytes
         * @throws MlServeException to refuse the registration (nothing is registered)
         */
        void check(ModelRef ref, ModelManifest manifest, byte[] onnx);
    }

    /**
     * {@link #register(String, String, String)} with a last check that runs after the version's own validation and
     * before anything is registered: an exception from it leaves the registry unchanged.
     *
     * @param name model name from the path
     * @param location {@code s3://<models bucket>/models/<name>/<version>/}
     * @param actor who asked
     * @param beforeRegister the last check
     * @return the registered version
     */
    public RegisteredVersion register(String name, String location, String actor, BeforeRegister beforeRegister) {
        return register(name, location, null, actor, beforeRegister);
    }

    /**
     * {@link #register(String, String, String, BeforeRegister)} with the version's prediction-log shard count.
     *
     * @param name model name from the path
     * @param location {@code s3://<models bucket>/models/<name>/<version>/}
     * @param logShards how many partitions the version's prediction log is spread over ({@link LogShards#MIN}..
     *     {@link LogShards#MAX}), or null for the stack's default; fixed for the version's lifetime
     * @param actor who asked
     * @param beforeRegister the last check
     * @return the registered version
     * @throws MlServeException {@value #INVALID_LOG_SHARDS} (422) when {@code logShards} is out of range
     */
    public RegisteredVersion register(String name, String location, Integer logShards, String actor, BeforeRegister beforeRegister) {
        ModelRef.checkName(name);
        int shards = logShards == null ? defaultLogShards : checkLogShards(logShards);
        var ref = parseLocation(name, location);
        if (registry.version(ref.name(), ref.version()).isPresent()) {
            throw new RegistryConflictException(name, "version '" + ref.version() + "' of '" + name + "' is already registered");
        }
        ModelStore.StoredModel stored;
        try {
            stored = store.fetch(ref).orElseThrow(() -> new ValidationFailedException(ref,
                    List.of("no model.onnx and manifest.json at " + location)));
        } catch (ModelRejectedException e) { // e.g. larger than the functions may load
            throw new ValidationFailedException(ref, e.problems());
        }
        ModelManifest manifest;
        try {
            manifest = ModelManifest.parse(stored.manifestJson());
        } catch (IOException | IllegalArgumentException e) {
            throw new ValidationFailedException(ref, List.of("manifest.json is not a valid manifest: " + io.mlserve.core.json.Json.describe(e)));
        }
        try {
            ManifestChecks.requireValid(ref, manifest, stored.onnx());
            try (var predictor = loader.load(manifest, stored.onnx())) {
                SampleCheck.requireSamplesMatch(manifest, predictor);
            }
        } catch (ModelRejectedException e) {
            throw new ValidationFailedException(ref, e.problems());
        }
        beforeRegister.check(ref, manifest, stored.onnx());
        var version = new RegisteredVersion(ref.name(), ref.version(), VersionStatus.CANDIDATE, canonical(ref),
                manifest.sha256(), manifest.task().manifestName(), manifest.metrics(), now(), actor, null, shards);
        registry.register(version, audit(name, "REGISTERED", ref.version(), null, null, actor, "validated: signature, sha256, "
                + (manifest.samples() == null ? 0 : manifest.samples().size()) + " sample(s)"));
        return version;
    }

    /**
     * Points production at a version (promotion and rollback are the same call). Promoting the
     * canary ends the canary.
     *
     * @param name model name
     * @param version target version
     * @param actor who asked
     * @return the new aliases
     */
    public Aliases setProduction(String name, String version, String actor) {
        var target = requireVersion(name, version);
        var current = registry.aliases(name);
        if (version.equals(current.production())) {
            return current;
        }
        boolean endsCanary = version.equals(current.canary());
        var updated = new Aliases(version, endsCanary ? null : current.canary(), endsCanary ? 0 : current.canaryWeight(),
                endsCanary ? null : current.guard(), current.revision() + 1, now());
        var changes = new ArrayList<RegisteredVersion>();
        changes.add(target.withStatus(VersionStatus.SERVING));
        if (current.production() != null && !Objects.equals(current.production(), updated.canary())) {
            registry.version(name, current.production()).ifPresent(v -> changes.add(v.withStatus(VersionStatus.ARCHIVED)));
        }
        registry.updateAliases(name, current, updated, changes,
                audit(name, "PRODUCTION_SET", version, current.production(), null, actor, null));
        return updated;
    }

    /**
     * Sends a share of traffic to a version.
     *
     * @param name model name
     * @param version canary version
     * @param weight percent of traffic, 0–100
     * @param guard automatic rollback limits, or null for the defaults
     * @param actor who asked
     * @return the new aliases
     */
    public Aliases setCanary(String name, String version, Integer weight, CanaryGuard guard, String actor) {
        if (weight == null || weight < 0 || weight > 100) {
            throw new InvalidInputException("INVALID_WEIGHT", "weight must be an integer from 0 to 100",
                    Map.of("weight", String.valueOf(weight)));
        }
        var target = requireVersion(name, version);
        var current = registry.aliases(name);
        if (current.production() == null) {
            throw new InvalidInputException("NO_PRODUCTION", "set a production version before a canary", Map.of("model", name));
        }
        if (version.equals(current.production())) {
            throw new InvalidInputException("CANARY_IS_PRODUCTION", "version '" + version + "' is already production",
                    Map.of("version", version));
        }
        var updated = new Aliases(current.production(), version, weight, (guard == null ? CanaryGuard.DEFAULT : guard).withDefaults(),
                current.revision() + 1, now());
        var changes = new ArrayList<RegisteredVersion>();
        changes.add(target.withStatus(VersionStatus.SERVING));
        if (current.canary() != null && !current.canary().equals(version)) {
            registry.version(name, current.canary()).ifPresent(v -> changes.add(v.withStatus(VersionStatus.ARCHIVED)));
        }
        registry.updateAliases(name, current, updated, changes,
                audit(name, "CANARY_SET", version, current.canary(), weight, actor, null));
        return updated;
    }

    /**
     * Takes all traffic off the canary (the guard calls this; so can a user).
     *
     * @param name model name
     * @param expected the aliases the decision was based on
     * @param actor who asked
     * @param reason what was measured
     * @return the new aliases
     */
    public Aliases rollBackCanary(String name, Aliases expected, String actor, String reason) {
        var updated = new Aliases(expected.production(), expected.canary(), 0, expected.guard(), expected.revision() + 1, now());
        registry.updateAliases(name, expected, updated, List.of(),
                audit(name, "CANARY_ROLLED_BACK", expected.canary(), expected.canary(), 0, actor, reason));
        return updated;
    }

    /**
     * @param name model name
     * @return its registry entry: aliases and versions
     * @throws NotFoundException when nothing is registered under that name
     */
    public ModelEntry describe(String name) {
        ModelRef.checkName(name);
        var versions = registry.versions(name);
        if (versions.isEmpty()) {
            throw NotFoundException.model(name);
        }
        return new ModelEntry(name, registry.aliases(name), versions);
    }

    /** @return every model with its aliases */
    public List<ModelEntry> list() {
        return registry.modelNames().stream().sorted().map(n -> new ModelEntry(n, registry.aliases(n), null)).toList();
    }

    /**
     * @param name model name
     * @return its audit trail, oldest first
     */
    public List<AuditEntry> audit(String name) {
        describe(name);
        return registry.audit(name);
    }

    /**
     * A model's registry entry.
     *
     * @param name model name
     * @param aliases production / canary
     * @param versions all versions (null in listings)
     */
    public record ModelEntry(String name, Aliases aliases, List<RegisteredVersion> versions) {}

    /**
     * @param logShards a requested prediction-log shard count
     * @return it, when {@link LogShards#MIN}..{@link LogShards#MAX}
     * @throws MlServeException {@value #INVALID_LOG_SHARDS} (422) otherwise
     */
    public static int checkLogShards(int logShards) {
        if (logShards < LogShards.MIN || logShards > LogShards.MAX) {
            throw new MlServeException(ErrorKind.UNPROCESSABLE, INVALID_LOG_SHARDS,
                    "logShards must be an integer from " + LogShards.MIN + " to " + LogShards.MAX,
                    Map.of("logShards", logShards, "min", LogShards.MIN, "max", LogShards.MAX));
        }
        return logShards;
    }

    private RegisteredVersion requireVersion(String name, String version) {
        ModelRef.checkName(name);
        if (version == null) {
            throw new InvalidInputException("MISSING_VERSION", "the body must name a 'version'", null);
        }
        ModelRef.checkVersion(version);
        return registry.version(name, version).orElseThrow(() -> NotFoundException.version(name, version));
    }

    private ModelRef parseLocation(String name, String location) {
        var m = location == null ? null : LOCATION.matcher(location);
        if (m == null || !m.matches()) {
            throw new InvalidInputException("INVALID_LOCATION",
                    "location must be s3://" + modelsBucket + "/models/" + name + "/<version>/", Map.of("location", String.valueOf(location)));
        }
        if (!m.group(1).equals(modelsBucket) || !m.group(2).equals(name)) {
            throw new InvalidInputException("INVALID_LOCATION",
                    "versions of '" + name + "' live under s3://" + modelsBucket + "/models/" + name + "/",
                    Map.of("location", location));
        }
        return new ModelRef(name, ModelRef.checkVersion(m.group(3)));
    }

    private String canonical(ModelRef ref) {
        return "s3://" + modelsBucket + "/models/" + ref.name() + "/" + ref.version() + "/";
    }

    private String now() {
        return clock.instant().toString();
    }

    private AuditEntry audit(String name, String action, String version, String previous, Integer weight, String actor, String reason) {
        return new AuditEntry(name, now(), action, version, previous, weight, actor, reason);
    }

    /** A package that cannot be registered: missing, corrupt or mismatched ({@link ErrorKind#UNPROCESSABLE}). */
    public static final class ValidationFailedException extends MlServeException {
        private static final long serialVersionUID = 1L;

        ValidationFailedException(ModelRef ref, List<String> problems) {
            super(ErrorKind.UNPROCESSABLE, "VALIDATION_FAILED", "version '" + ref.version() + "' of '" + ref.name() + "' was not registered: "
                    + String.join("; ", problems), Map.of("model", ref.name(), "version", ref.version(), "problems", problems));
        }
    }
}
