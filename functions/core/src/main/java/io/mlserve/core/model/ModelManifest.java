package io.mlserve.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.json.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What a model's ONNX graph means: features, input layout, outputs, metrics and provenance. The
 * format is described in {@code docs/model-contract.md}.
 *
 * @param schemaVersion manifest format version (1)
 * @param name model name
 * @param version model version
 * @param task classification or regression
 * @param description free text
 * @param features ordered input features
 * @param input how features feed the graph
 * @param output which outputs mean what
 * @param metrics producer's held-out metrics
 * @param sha256 hex SHA-256 of model.onnx
 * @param createdAt ISO-8601 creation time
 * @param producedBy free-form provenance
 * @param samples rows with the producer's own predictions, may be null
 */
public record ModelManifest(
        Integer schemaVersion,
        String name,
        String version,
        Task task,
        String description,
        List<Feature> features,
        InputSpec input,
        OutputSpec output,
        Map<String, Double> metrics,
        String sha256,
        String createdAt,
        JsonNode producedBy,
        List<Sample> samples) {

    /**
     * One row with what the producing framework predicted for it.
     *
     * @param instance feature name to value
     * @param expected the framework's prediction in response shape
     */
    public record Sample(Map<String, Object> instance, JsonNode expected) {}

    /**
     * Reads a manifest without judging it; see {@link ManifestChecks} for that.
     *
     * @param bytes manifest.json bytes
     * @return the manifest
     * @throws IOException when the bytes are not a manifest-shaped JSON object
     */
    public static ModelManifest parse(byte[] bytes) throws IOException {
        return Json.read(bytes, ModelManifest.class);
    }

    /** @return this model's name and version */
    public ModelRef ref() {
        return new ModelRef(name, version);
    }
}
