package io.mlserve.core.registry;

import java.util.Map;

/**
 * One version of a model in the registry.
 *
 * @param name model name
 * @param version version
 * @param status candidate, serving or archived
 * @param location S3 folder holding model.onnx and manifest.json
 * @param sha256 of model.onnx
 * @param task classification or regression
 * @param metrics the producer's metrics
 * @param createdAt ISO-8601 registration time
 * @param createdBy who registered it: {@code upload}, {@code training-job:<id>}, …
 */
public record RegisteredVersion(
        String name,
        String version,
        VersionStatus status,
        String location,
        String sha256,
        String task,
        Map<String, Double> metrics,
        String createdAt,
        String createdBy) {

    /**
     * @param newStatus the status to set
     * @return a copy with that status
     */
    public RegisteredVersion withStatus(VersionStatus newStatus) {
        return new RegisteredVersion(name, version, newStatus, location, sha256, task, metrics, createdAt, createdBy);
    }
}
