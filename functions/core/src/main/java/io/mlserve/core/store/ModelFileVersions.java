package io.mlserve.core.store;

import io.mlserve.core.model.ModelRef;
import java.util.List;
import java.util.Optional;

/**
 * The object versions a versioned model store keeps of one file of a model version: what the one-off backfill
 * searches for the bytes registration checked.
 */
public interface ModelFileVersions {

    /**
     * @param ref model version
     * @param file {@link ModelStore#MODEL_FILE} or {@link ModelStore#MANIFEST_FILE}
     * @return the object version ids of that file, newest first (delete markers left out); empty when it has none
     */
    List<String> objectVersions(ModelRef ref, String file);

    /**
     * @param ref model version
     * @param file {@link ModelStore#MODEL_FILE} or {@link ModelStore#MANIFEST_FILE}
     * @param versionId one of {@link #objectVersions}
     * @return that object version's bytes, empty when it no longer exists
     */
    Optional<byte[]> read(ModelRef ref, String file, String versionId);
}
