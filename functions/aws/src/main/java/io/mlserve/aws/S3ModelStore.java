package io.mlserve.aws;

import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.ModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Model packages in S3: {@code models/<name>/<version>/model.onnx} and {@code manifest.json}. */
public final class S3ModelStore implements ModelStore {
    /** Default cap on model.onnx: a function holds the bytes and the session in memory at once. */
    public static final long DEFAULT_MAX_MODEL_BYTES = 256L * 1024 * 1024;
    /** Cap on manifest.json: a contract, never megabytes. */
    static final long MAX_MANIFEST_BYTES = 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final long maxModelBytes;

    /**
     * @param s3 client
     * @param bucket the models bucket
     */
    public S3ModelStore(S3Client s3, String bucket) {
        this(s3, bucket, DEFAULT_MAX_MODEL_BYTES);
    }

    /**
     * @param s3 client
     * @param bucket the models bucket
     * @param maxModelBytes largest model.onnx read; a larger one is rejected before it is downloaded
     */
    public S3ModelStore(S3Client s3, String bucket, long maxModelBytes) {
        this.s3 = s3;
        this.bucket = bucket;
        this.maxModelBytes = maxModelBytes;
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
        var manifest = get(ref, prefix + "manifest.json", MAX_MANIFEST_BYTES);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        var onnx = get(ref, prefix + "model.onnx", maxModelBytes);
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

    /** Reads an object after checking its size from the response headers, before its body is read. */
    private Optional<byte[]> get(ModelRef ref, String key, long maxBytes) {
        try (var in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            Long length = in.response().contentLength();
            if (length != null && length > maxBytes) {
                in.abort();
                throw new ModelRejectedException(ref.name(), ref.version(), List.of(key.substring(key.lastIndexOf('/') + 1)
                        + " is " + length + " bytes; the limit is " + maxBytes));
            }
            var bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new ModelRejectedException(ref.name(), ref.version(), List.of(key.substring(key.lastIndexOf('/') + 1)
                        + " is larger than the limit of " + maxBytes + " bytes"));
            }
            return Optional.of(bytes);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + bucket + "/" + key + " failed", e);
        }
    }
}
