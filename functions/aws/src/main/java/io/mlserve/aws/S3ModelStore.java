package io.mlserve.aws;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.ModelStore;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Model packages in S3: {@code models/<name>/<version>/model.onnx} and {@code manifest.json}. */
public final class S3ModelStore implements ModelStore {
    private final S3Client s3;
    private final String bucket;

    /**
     * @param s3 client
     * @param bucket the models bucket
     */
    public S3ModelStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /**
     * @param ref model version
     * @return key prefix of that version's folder, ending in '/'
     */
    public static String versionPrefix(ModelRef ref) {
        return "models/" + ref.name() + "/" + ref.version() + "/";
    }

    @Override
    public Optional<StoredModel> fetch(ModelRef ref) {
        var prefix = versionPrefix(ref);
        var manifest = get(prefix + "manifest.json");
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        var onnx = get(prefix + "model.onnx");
        return onnx.map(bytes -> new StoredModel(manifest.get(), bytes));
    }

    /**
     * Writes a model version's files (used by the publisher; functions only read).
     *
     * @param ref model version
     * @param manifestJson manifest bytes
     * @param onnx model bytes
     */
    public void putVersion(ModelRef ref, byte[] manifestJson, byte[] onnx) {
        var prefix = versionPrefix(ref);
        s3.putObject(b -> b.bucket(bucket).key(prefix + "model.onnx"), RequestBody.fromBytes(onnx));
        // the manifest goes last: a reader that sees it finds the model next to it
        s3.putObject(b -> b.bucket(bucket).key(prefix + "manifest.json").contentType("application/json"),
                RequestBody.fromBytes(manifestJson));
    }

    private Optional<byte[]> get(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }
}
