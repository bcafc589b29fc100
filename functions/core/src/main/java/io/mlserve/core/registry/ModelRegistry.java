package io.mlserve.core.registry;

import java.util.List;
import java.util.Optional;

/** Registry storage (DynamoDB in production). Every write is conditional: no lost updates. */
public interface ModelRegistry {

    /**
     * @param name model name
     * @return its aliases, {@link Aliases#NONE} when it has none
     */
    Aliases aliases(String name);

    /**
     * @param name model name
     * @param version version
     * @return that version, if registered
     */
    Optional<RegisteredVersion> version(String name, String version);

    /**
     * @param name model name
     * @return every registered version, oldest first
     */
    List<RegisteredVersion> versions(String name);

    /** @return the names of all models with at least one registered version */
    List<String> modelNames();

    /**
     * Registers a new version with its audit entry, atomically.
     *
     * @param version the version (status candidate)
     * @param audit what to record
     * @throws RegistryConflictException when that version already exists
     */
    void register(RegisteredVersion version, AuditEntry audit);

    /**
     * Replaces the aliases if nobody changed them since {@code expected.revision()}, together with
     * the status changes of the versions concerned and an audit entry — all or nothing.
     *
     * @param name model name
     * @param expected the aliases read before deciding the change
     * @param updated the new aliases (revision = expected + 1)
     * @param statusChanges versions whose status changes with this alias change
     * @param audit what to record
     * @throws RegistryConflictException when the aliases changed in between
     */
    void updateAliases(String name, Aliases expected, Aliases updated, List<RegisteredVersion> statusChanges, AuditEntry audit);

    /**
     * @param name model name
     * @return its audit trail, oldest first
     */
    List<AuditEntry> audit(String name);

    /**
     * Records the object versions of a version registered before pinning (the one-off backfill), with an audit
     * entry, atomically — only if the version is still registered with the same sha256 and not pinned yet.
     *
     * @param version the version as read
     * @param objectVersions file → object version id ({@code model.onnx}, {@code manifest.json})
     * @param audit what to record
     * @throws RegistryConflictException when the version is gone, already pinned, or changed
     */
    void pinObjectVersions(RegisteredVersion version, java.util.Map<String, String> objectVersions, AuditEntry audit);
}
