package io.mlserve.core.feedback;

import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import java.util.Optional;

/** The manifests of registered versions, which say what an actual must look like (its task, its classes). */
public interface ActualSpecs {

    /**
     * @param version a model version
     * @return its manifest, or empty when that version is not registered
     */
    Optional<ModelManifest> manifest(ModelRef version);
}
