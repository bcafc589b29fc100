package io.mlserve.core.store;

import io.mlserve.core.model.ModelRef;
import java.util.Optional;

/** Where model packages live (S3 in production). Versions are immutable once written. */
public interface ModelStore {

    /**
     * A model package as stored.
     *
     * @param manifestJson manifest.json bytes
     * @param onnx model.onnx bytes
     */
    record StoredModel(byte[] manifestJson, byte[] onnx) {}

    /**
     * @param ref model name and version
     * @return the package, empty when that version does not exist
     */
    Optional<StoredModel> fetch(ModelRef ref);
}
