package io.mlserve.core.serving;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.inference.InstanceParser;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.VersionUnavailableException;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionId;
import io.mlserve.core.store.PredictionIds;
import io.mlserve.core.store.PredictionLog;
import io.mlserve.core.store.PredictionRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Online predictions: resolve the model, validate instances, predict, log every row, answer. */
public final class PredictionService {
    private final ModelCache models;
    private final InstanceParser parser;
    private final PredictionLog log;
    private final ServingEvents events;
    private final Clock clock;
    private final LogShards shards;

    /**
     * What the predict API answers. In JSON each entry of {@code predictions} carries its {@code predictionId}
     * (written by {@link io.mlserve.core.json.PredictionJson}; {@link #entries()} is the same shape for Jackson).
     *
     * @param model model name
     * @param version version that answered
     * @param requestId the request id
     * @param predictions one per instance, in order
     * @param predictionIds the logged row's id of each prediction ({@link PredictionId}), or null
     */
    @JsonPropertyOrder({"model", "version", "requestId", "predictions"})
    public record PredictResponse(String model, String version, String requestId, @JsonIgnore List<Prediction> predictions,
            @JsonIgnore List<String> predictionIds) {

        /** Without prediction ids. */
        public PredictResponse(String model, String version, String requestId, List<Prediction> predictions) {
            this(model, version, requestId, predictions, null);
        }

        /** @return the predictions as JSON shows them: each one's fields, then its {@code predictionId} */
        @JsonProperty("predictions")
        public List<Object> entries() {
            if (predictions == null) {
                return null;
            }
            var out = new ArrayList<Object>(predictions.size());
            for (int i = 0; i < predictions.size(); i++) {
                if (predictionIds == null) {
                    out.add(predictions.get(i));
                    continue;
                }
                var node = Json.MAPPER.<com.fasterxml.jackson.databind.node.ObjectNode>valueToTree(predictions.get(i));
                node.put("predictionId", predictionIds.get(i));
                out.add(node);
            }
            return out;
        }
    }

    /**
     * @param models loaded-model cache
     * @param parser instance validation
     * @param log prediction log
     * @param events metrics sink
     * @param clock time source
     */
    public PredictionService(
            ModelCache models, InstanceParser parser, PredictionLog log, ServingEvents events, Clock clock) {
        this(models, parser, log, events, clock, version -> LogShards.MIN);
    }

    /**
     * @param models loaded-model cache
     * @param parser instance validation
     * @param log prediction log
     * @param events metrics sink
     * @param clock time source
     * @param shards each version's log shard count (the same the log writer uses), for the answered prediction ids
     */
    public PredictionService(
            ModelCache models, InstanceParser parser, PredictionLog log, ServingEvents events, Clock clock, LogShards shards) {
        this.shards = shards;
        this.models = models;
        this.parser = parser;
        this.log = log;
        this.events = events;
        this.clock = clock;
    }

    /**
     * @param name model name from the path
     * @param version pinned version, or null for the aliases (production, canary share)
     * @param callerKey keeps one caller on one side of a canary split, or null
     * @param body parsed request body
     * @param requestId id of this request, written to the log
     * @param source who asked, e.g. {@code api}
     * @return the predictions; every row has been written to the log (or the loss reported)
     */
    public PredictResponse predict(
            String name, String version, String callerKey, JsonNode body, String requestId, String source) {
        var resolved = models.resolve(ModelRef.checkName(name), version == null ? null : ModelRef.checkVersion(version), callerKey);
        LoadedModel model;
        try {
            model = models.load(resolved.ref());
        } catch (MlServeException e) {
            // A registered version that cannot serve (rejected, files missing, pinned files deleted for good) failed this request: the
            // canary guard and the stats must see it. Unknown versions and storage outages are not the version's fault.
            if (e instanceof ModelRejectedException || e instanceof VersionUnavailableException) {
                write(resolved.ref(), requestId, List.of(failure(resolved.ref(), requestId, 0, source, e.code())));
            }
            throw e;
        }
        return predict(resolved, model, parser.parse(body, model.manifest()), requestId, source);
    }

    /**
     * The same, from the body text: the common request is read straight into the predictor's columns (see
     * {@link InstanceParser#parse(String, io.mlserve.core.model.ModelManifest)}). Errors come in the same
     * order as when the caller parses the body first: a body that is not JSON is {@code MALFORMED_JSON}
     * whatever the model.
     *
     * @param name model name from the path
     * @param version pinned version, or null for the aliases (production, canary share)
     * @param callerKey keeps one caller on one side of a canary split, or null
     * @param body the request body text, may be null
     * @param requestId id of this request, written to the log
     * @param source who asked, e.g. {@code api}
     * @return the predictions; every row has been written to the log (or the loss reported)
     */
    public PredictResponse predict(String name, String version, String callerKey, String body, String requestId, String source) {
        ModelCache.Resolved resolved;
        try {
            resolved = models.resolve(ModelRef.checkName(name), version == null ? null : ModelRef.checkVersion(version), callerKey);
        } catch (RuntimeException e) {
            Json.parseRequest(body); // a malformed body is the first thing to report
            throw e;
        }
        LoadedModel model;
        try {
            model = models.load(resolved.ref());
        } catch (MlServeException e) {
            Json.parseRequest(body);
            if (e instanceof ModelRejectedException || e instanceof VersionUnavailableException) {
                write(resolved.ref(), requestId, List.of(failure(resolved.ref(), requestId, 0, source, e.code())));
            }
            throw e;
        }
        return predict(resolved, model, parser.parse(body, model.manifest()), requestId, source);
    }

    private PredictResponse predict(ModelCache.Resolved resolved, LoadedModel model, InstanceParser.ParsedInstances parsed,
            String requestId, String source) {
        // A canary request that dies mid-work (timeout, out of memory) cannot log itself: a marker written
        // first is left behind and counts as a failed request; it is removed when the request finishes.
        var marker = resolved.canary() ? PredictionRecord.inFlight(model.ref(), requestId, clock.instant(), source) : null;
        if (marker != null) {
            log.write(List.of(marker));
        }
        long started = System.nanoTime();
        List<Prediction> predictions;
        try {
            predictions = model.predictor().predict(parsed.batch());
        } catch (RuntimeException e) {
            // The model failed, not the caller: record it so the version's error rate (canary guard, stats) sees it.
            write(model.ref(), requestId, List.of(failure(model.ref(), requestId, (System.nanoTime() - started) / 1e6, source,
                    "INFERENCE_FAILED")));
            retract(marker);
            throw e;
        }
        double inferenceMs = (System.nanoTime() - started) / 1e6;
        var at = clock.instant();
        var records = new ArrayList<PredictionRecord>(predictions.size());
        int shardCount = shards.shards(model.ref());
        for (int i = 0; i < predictions.size(); i++) {
            var record = new PredictionRecord(
                    model.ref(), requestId, i, at, parsed.rows().get(i), predictions.get(i).asMap(), inferenceMs, source, null);
            records.add(record);
        }
        // each row's log key, so feedback finds it with one lookup; encoded when the answer is written
        var ids = new PredictionIds(model.ref(), shardCount, at, requestId, predictions.size());
        write(model.ref(), requestId, records);
        retract(marker);
        events.predicted(model.ref(), predictions.size(), inferenceMs);
        return new PredictResponse(model.ref().name(), model.ref().version(), requestId, predictions, ids);
    }

    private PredictionRecord failure(ModelRef ref, String requestId, double latencyMs, String source, String code) {
        return new PredictionRecord(ref, requestId, 0, clock.instant(), Map.of(), null, latencyMs, source, code);
    }

    private void retract(PredictionRecord marker) {
        if (marker != null) {
            log.retract(marker);
        }
    }

    private void write(ModelRef model, String requestId, List<PredictionRecord> records) {
        var written = log.write(records);
        if (!written.complete()) {
            events.predictionLogIncomplete(model, requestId, written.failed(), written.lastError());
        }
    }

    /** @return versions loaded in this container */
    public List<LoadedModel> loadedModels() {
        return models.loaded();
    }
}
