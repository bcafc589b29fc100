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
     * @param name model name
     * @param alias alias name, e.g. {@code production}
     * @return the version the alias points at, empty when the model or alias does not exist
     */
    Optional<String> aliasVersion(String name, String alias);

    /**
     * @param ref model name and version
     * @return the package, empty when that version does not exist
     */
    Optional<StoredModel> fetch(ModelRef ref);
}
