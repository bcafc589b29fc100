package io.mlserve.core.store;

import io.mlserve.core.model.ModelRef;
import java.util.Map;
import java.util.Optional;

/**
 * Where model packages live (S3 in production). The store may keep several object versions of one file
 * (a versioned bucket): registration records the ones it validated and every later read asks for exactly
 * those, so overwriting or deleting the files afterwards changes nothing that serves.
 */
public interface ModelStore {
    /** The model file's name, also its key in an object-version map. */
    String MODEL_FILE = "model.onnx";
    /** The manifest's name, also its key in an object-version map. */
    String MANIFEST_FILE = "manifest.json";

    /**
     * A model package as stored.
     *
     * @param manifestJson manifest.json bytes
     * @param onnx model.onnx bytes
     * @param objectVersions the object version id each file was read at ({@link #MODEL_FILE}, {@link #MANIFEST_FILE});
     *     null when the store keeps no object versions (an unversioned bucket, a fake)
     */
    record StoredModel(byte[] manifestJson, byte[] onnx, Map<String, String> objectVersions) {
        /** A package read from a store without object versions. */
        public StoredModel(byte[] manifestJson, byte[] onnx) {
            this(manifestJson, onnx, null);
        }
    }

    /**
     * Reads a version's files as they are now (registration: before any version is pinned).
     *
     * @param ref model name and version
     * @return the package, empty when that version does not exist
     */
    default Optional<StoredModel> fetch(ModelRef ref) {
        return fetch(ref, null);
    }

    /**
     * Reads a version's files at the pinned object versions.
     *
     * @param ref model name and version
     * @param objectVersions file → object version id to read ({@link #MODEL_FILE}, {@link #MANIFEST_FILE}); null, or a
     *     file missing from the map, reads the current object (versions registered before pinning)
     * @return the package, empty when a file (at its pinned version) does not exist — for a pinned file that means
     *     its object version was permanently deleted
     */
    Optional<StoredModel> fetch(ModelRef ref, Map<String, String> objectVersions);

    /**
     * Whether a version's files still exist at the pinned object versions, without reading them (a promotion check).
     *
     * @param ref model name and version
     * @param objectVersions as for {@link #fetch(ModelRef, Map)}
     * @return false when any file is gone
     */
    default boolean available(ModelRef ref, Map<String, String> objectVersions) {
        return fetch(ref, objectVersions).isPresent();
    }

    /**
     * @param objectVersions a version's pins, or null
     * @param file {@link #MODEL_FILE} or {@link #MANIFEST_FILE}
     * @return the object version id to read for that file, or null for the current object
     */
    static String pinOf(Map<String, String> objectVersions, String file) {
        return objectVersions == null ? null : objectVersions.get(file);
    }
}
