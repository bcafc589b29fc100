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
 * @param objectVersions the S3 object version id of each file registration checked ({@code model.onnx},
 *     {@code manifest.json}), which every function then fetches; null for versions registered before pinning
 *     (until the backfill command records them) or in stores without object versions
 * @param logShards how many partitions this version's prediction log is spread over (fixed at registration so
 *     every reader knows exactly which exist); null for versions registered before sharding, read as 1
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
        String createdBy,
        Map<String, String> objectVersions,
        Integer logShards) {

    /** A version without pinned object versions or a shard count (as registered before both existed). */
    public RegisteredVersion(String name, String version, VersionStatus status, String location, String sha256, String task,
            Map<String, Double> metrics, String createdAt, String createdBy) {
        this(name, version, status, location, sha256, task, metrics, createdAt, createdBy, null, null);
    }

    /**
     * @param newStatus the status to set
     * @return a copy with that status
     */
    public RegisteredVersion withStatus(VersionStatus newStatus) {
        return new RegisteredVersion(name, version, newStatus, location, sha256, task, metrics, createdAt, createdBy,
                objectVersions, logShards);
    }

    /**
     * @param pins the object version id of each file ({@code model.onnx}, {@code manifest.json})
     * @return a copy pinned to those object versions
     */
    public RegisteredVersion withObjectVersions(Map<String, String> pins) {
        return new RegisteredVersion(name, version, status, location, sha256, task, metrics, createdAt, createdBy, pins, logShards);
    }

    /** @return this version's model name and version */
    public io.mlserve.core.model.ModelRef ref() {
        return new io.mlserve.core.model.ModelRef(name, version);
    }

    /** @return the log's shard count for this version (1 when none was recorded) */
    public int logShardCount() {
        return logShards == null ? 1 : logShards;
    }
}
