package io.mlserve.core.testing;

import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.InputSpec;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import java.util.List;
import java.util.Map;

/** Small manifests for tests. */
public final class Manifests {
    private Manifests() {}

    /** A classifier with one of each feature type, per-feature layout. */
    public static ModelManifest mixed(String sha256) {
        return new ModelManifest(1, "mixed", "1", Task.CLASSIFICATION, "test",
                List.of(
                        new Feature("amount", FeatureType.FLOAT, 0.0, 100.0, null, null, null),
                        new Feature("ratio", FeatureType.DOUBLE, null, null, null, null, null),
                        new Feature("count", FeatureType.INT64, 0.0, null, null, null, null),
                        new Feature("plan", FeatureType.STRING, null, null, List.of("basic", "pro"), null, null)),
                new InputSpec(InputSpec.Layout.PER_FEATURE, null, null, null),
                new OutputSpec(List.of("no", "yes"), "probabilities", null, null, null),
                Map.of("accuracy", 0.9), sha256, "2026-11-23T00:00:00Z", null, null);
    }
}
