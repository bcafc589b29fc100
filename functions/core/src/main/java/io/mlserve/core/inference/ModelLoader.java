package io.mlserve.core.inference;

import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.model.ModelManifest;

/** Turns model bytes into a {@link Predictor}, after checking them against the manifest. */
public interface ModelLoader {

    /**
     * @param manifest a manifest that passed {@link io.mlserve.core.model.ManifestChecks}
     * @param onnxBytes the model bytes (sha256 already verified)
     * @return a ready predictor
     * @throws ModelRejectedException when the graph's signature does not match the manifest
     */
    Predictor load(ModelManifest manifest, byte[] onnxBytes);
}
