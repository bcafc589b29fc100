package io.mlserve.aws;

import io.mlserve.core.feedback.ActualSpecs;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.registry.ModelRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Feedback's view of a version: registered in the registry, and its {@code manifest.json} from the models bucket
 * (the pinned object version when registration recorded one) — the manifest only, never the model.
 */
public final class RegistryActualSpecs implements ActualSpecs {
    private static final String MANIFEST = "manifest.json";
    private final ModelRegistry registry;
    private final S3Client s3;
    private final String modelsBucket;

    /**
     * @param registry registered versions
     * @param s3 client
     * @param modelsBucket the models bucket
     */
    public RegistryActualSpecs(ModelRegistry registry, S3Client s3, String modelsBucket) {
        this.registry = registry;
        this.s3 = s3;
        this.modelsBucket = modelsBucket;
    }

    @Override
    public Optional<ModelManifest> manifest(ModelRef version) {
        var registered = registry.version(version.name(), version.version());
        if (registered.isEmpty()) {
            return Optional.empty();
        }
        var pinned = registered.get().objectVersions() == null ? null : registered.get().objectVersions().get(MANIFEST);
        var key = S3ModelStore.versionPrefix(version) + MANIFEST;
        try {
            var bytes = s3.getObjectAsBytes(b -> b.bucket(modelsBucket).key(key).versionId(pinned)).asByteArray();
            return Optional.of(ModelManifest.parse(bytes));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("s3://" + modelsBucket + "/" + key + " is not a manifest", e);
        }
    }
}
