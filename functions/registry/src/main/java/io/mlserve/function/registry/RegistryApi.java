package io.mlserve.function.registry;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.baseline.BaselineService;
import io.mlserve.core.baseline.BaselineService.BaselineSummary;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import io.mlserve.core.registry.Aliases;
import io.mlserve.core.registry.AuditEntry;
import io.mlserve.core.registry.CanaryGuard;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.ModelStore;
import io.mlserve.http.HttpEdge;
import io.mlserve.http.HttpRequest;
import io.mlserve.http.HttpResponse;
import io.mlserve.http.JsonFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/** The registry and prediction-log routes: request bodies read strictly, responses as records. */
final class RegistryApi {
    private static final Set<String> GUARD_FIELDS = Set.of("maxErrorRate", "maxP95LatencyMs", "minRequests", "windowMinutes");

    private final RegistryService registry;
    private final ModelStore store;
    private final PredictionLogApi log;
    private final BaselineService baselines;

    /**
     * What {@code POST /models/{name}/versions} answers when the body carried a {@code reference}.
     *
     * @param version the registered version
     * @param baseline its baseline, computed from the reference data
     */
    record RegisteredWithBaseline(@JsonUnwrapped RegisteredVersion version, BaselineSummary baseline) {}

    /** @param models every model with its aliases */
    record ModelList(List<ModelSummary> models) {}

    /**
     * @param name model
     * @param production production version, or null
     * @param canary canary version, or null
     * @param canaryWeight percent of traffic on the canary
     */
    record ModelSummary(String name, String production, String canary, int canaryWeight) {}

    /** @param versions every registered version */
    record VersionList(List<RegisteredVersion> versions) {}

    /** @param entries the audit trail, oldest first */
    record AuditList(List<AuditEntry> entries) {}

    /**
     * A model for callers: aliases, what the production version expects and answers, and its versions.
     *
     * @param name model
     * @param production production version
     * @param canary canary version
     * @param canaryWeight percent on the canary
     * @param canaryGuard the canary's rollback limits
     * @param manifest the production version's contract, without mlserve's wiring and test samples
     * @param versions every registered version
     */
    record ModelDescription(String name, String production, String canary, int canaryWeight, CanaryGuard canaryGuard,
            @JsonUnwrapped ContractView manifest, List<RegisteredVersion> versions) {}

    /**
     * The caller-facing part of a manifest.
     *
     * @param version version
     * @param task classification or regression
     * @param description free text
     * @param features ordered features with types and allowed values
     * @param output what the outputs mean
     * @param metrics the producer's metrics
     * @param sha256 of model.onnx
     * @param createdAt creation time
     * @param producedBy provenance
     * @param manifestError set instead when the manifest cannot be read
     */
    record ContractView(String version, Task task, String description, List<io.mlserve.core.model.Feature> features,
            OutputSpec output, Map<String, Double> metrics, String sha256, String createdAt, JsonNode producedBy,
            String manifestError) {}

    RegistryApi(RegistryService registry, ModelStore store, PredictionLogApi log, BaselineService baselines) {
        this.registry = registry;
        this.store = store;
        this.log = log;
        this.baselines = baselines;
    }

    /**
     * @param maxRequestBytes largest body accepted
     * @return the registry function's edge
     */
    HttpEdge edge(int maxRequestBytes) {
        return routes(HttpEdge.builder(maxRequestBytes)).build();
    }

    /**
     * @param edge a function's edge under construction
     * @return it, with the registry and prediction-log routes added
     */
    HttpEdge.Builder routes(HttpEdge.Builder edge) {
        return edge
                .route("GET", "/models", request -> HttpResponse.ok(new ModelList(registry.list().stream()
                        .map(e -> new ModelSummary(e.name(), e.aliases().production(), e.aliases().canary(), e.aliases().canaryWeight()))
                        .toList())))
                .route("GET", "/models/{name}", request -> HttpResponse.ok(describe(request.path("name"))))
                .route("GET", "/models/{name}/versions", request ->
                        HttpResponse.ok(new VersionList(registry.describe(request.path("name")).versions())))
                .route("POST", "/models/{name}/versions", this::register)
                .route("PUT", "/models/{name}/aliases/{alias}", this::setAlias)
                .route("GET", "/models/{name}/audit", request -> HttpResponse.ok(new AuditList(registry.audit(request.path("name")))))
                .route("GET", "/models/{name}/stats", request ->
                        HttpResponse.ok(log.stats(ModelRef.checkName(request.path("name")), request.query())))
                .route("GET", "/predictions", request -> HttpResponse.ok(log.predictions(request.query())));
    }

    /**
     * Registers a version; with {@code "reference": "s3://<data bucket>/<key>.csv"} also computes its baseline. The
     * reference's URI is checked first and the baseline computed after the version's own validation but before it is
     * registered: bad reference data (400, 404, 422) leaves nothing registered and nothing stored.
     */
    private HttpResponse register(HttpRequest request) {
        var body = request.jsonObject();
        var name = request.path("name");
        var location = JsonFields.requiredText(body, "location");
        var actor = request.caller().actor();
        var logShards = logShards(body);
        if (!body.has("reference")) {
            return HttpResponse.created(registry.register(name, location, logShards, actor, (ref, manifest, onnx) -> {}));
        }
        String key = baselines.referenceKey(body.get("reference"), "reference");
        var computed = new AtomicReference<BaselineService.Computed>();
        var version = registry.register(name, location, logShards, actor,
                (ref, manifest, onnx) -> computed.set(baselines.compute(ref, manifest, onnx, key)));
        return HttpResponse.created(new RegisteredWithBaseline(version, baselines.store(computed.get())));
    }

    private HttpResponse setAlias(HttpRequest request) {
        var name = request.path("name");
        var alias = request.path("alias");
        if (!alias.equals("production") && !alias.equals("canary")) {
            throw new InvalidInputException("UNKNOWN_ALIAS", "aliases are 'production' and 'canary'",
                    Map.of("alias", alias.length() > 64 ? alias.substring(0, 64) : alias));
        }
        var body = request.jsonObject();
        var actor = request.caller().actor();
        Aliases aliases = alias.equals("production")
                ? registry.setProduction(name, JsonFields.requiredText(body, "version"), actor)
                : registry.setCanary(name, JsonFields.requiredText(body, "version"), weight(body), guard(body), actor);
        return HttpResponse.ok(aliases);
    }

    private ModelDescription describe(String name) {
        var entry = registry.describe(name);
        var aliases = entry.aliases();
        ContractView contract = null;
        if (aliases.production() != null) {
            contract = store.fetch(new ModelRef(name, aliases.production())).map(stored -> contract(stored.manifestJson())).orElse(null);
        }
        return new ModelDescription(name, aliases.production(), aliases.canary(), aliases.canaryWeight(), aliases.guard(), contract,
                entry.versions());
    }

    private static ContractView contract(byte[] manifestJson) {
        try {
            var m = ModelManifest.parse(manifestJson);
            return new ContractView(m.version(), m.task(), m.description(), m.features(), m.output(), m.metrics(), m.sha256(),
                    m.createdAt(), m.producedBy(), null);
        } catch (IOException | IllegalArgumentException e) {
            return new ContractView(null, null, null, null, null, null, null, null, null,
                    "manifest.json is unreadable: " + Json.describe(e));
        }
    }

    /** Optional {@code logShards}: an integer 1..64 (422 otherwise, before anything is fetched or validated). */
    private static Integer logShards(JsonNode body) {
        try {
            return JsonFields.optionalInt(body.get("logShards"), LogShards.MIN, LogShards.MAX);
        } catch (IllegalArgumentException e) {
            throw new MlServeException(ErrorKind.UNPROCESSABLE, RegistryService.INVALID_LOG_SHARDS, "'logShards' " + e.getMessage(),
                    Map.of("field", "logShards", "min", LogShards.MIN, "max", LogShards.MAX));
        }
    }

    private static int weight(JsonNode body) {
        try {
            var weight = JsonFields.optionalInt(body.get("weight"), 0, Aliases.MAX_WEIGHT);
            if (weight == null) {
                throw new IllegalArgumentException("must be an integer from 0 to " + Aliases.MAX_WEIGHT);
            }
            return weight;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("INVALID_WEIGHT", "'weight' " + e.getMessage(), Map.of("field", "weight"));
        }
    }

    /** Strict: an object of known fields, each a finite JSON number in range (no strings, NaN or overflow). */
    private static CanaryGuard guard(JsonNode body) {
        var node = body.get("guard");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw CanaryGuard.invalid(List.of("guard must be an object"));
        }
        var problems = new ArrayList<String>();
        JsonFields.unknownFields(node, GUARD_FIELDS).forEach(f -> problems.add("unknown field '" + f + "'"));
        Double maxErrorRate = number(node, "maxErrorRate", 1, problems);
        Double maxP95LatencyMs = number(node, "maxP95LatencyMs", CanaryGuard.MAX_LATENCY_MS, problems);
        Integer minRequests = integer(node, "minRequests", 1, CanaryGuard.MAX_MIN_REQUESTS, problems);
        Integer windowMinutes = integer(node, "windowMinutes", 1, CanaryGuard.MAX_WINDOW_MINUTES, problems);
        if (!problems.isEmpty()) {
            throw CanaryGuard.invalid(problems);
        }
        return new CanaryGuard(maxErrorRate, maxP95LatencyMs, minRequests, windowMinutes);
    }

    private static Double number(JsonNode guard, String field, double max, List<String> problems) {
        try {
            return JsonFields.optionalNumber(guard.get(field), 0, max);
        } catch (IllegalArgumentException e) {
            problems.add(field + " " + e.getMessage());
            return null;
        }
    }

    private static Integer integer(JsonNode guard, String field, int min, int max, List<String> problems) {
        try {
            return JsonFields.optionalInt(guard.get(field), min, max);
        } catch (IllegalArgumentException e) {
            problems.add(field + " " + e.getMessage());
            return null;
        }
    }
}
