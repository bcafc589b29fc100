package io.mlserve.aws;

import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.ModelFileVersions;
import io.mlserve.core.store.ModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Model packages in S3: {@code models/<name>/<version>/model.onnx} and {@code manifest.json}. In the versioned models
 * bucket every read reports the object version it got, and reads of a registered version ask for its pinned ones.
 */
public final class S3ModelStore implements ModelStore, ModelFileVersions {
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
    public Optional<StoredModel> fetch(ModelRef ref, Map<String, String> objectVersions) {
        var prefix = versionPrefix(ref);
        var manifest = get(ref, prefix + MANIFEST_FILE, ModelStore.pinOf(objectVersions, MANIFEST_FILE), MAX_MANIFEST_BYTES);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        var onnx = get(ref, prefix + MODEL_FILE, ModelStore.pinOf(objectVersions, MODEL_FILE), maxModelBytes);
        if (onnx.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new StoredModel(manifest.get().bytes(), onnx.get().bytes(),
                readVersions(onnx.get().versionId(), manifest.get().versionId())));
    }

    /** HEADs each file at its pinned object version: nothing is downloaded. */
    @Override
    public boolean available(ModelRef ref, Map<String, String> objectVersions) {
        var prefix = versionPrefix(ref);
        return exists(prefix + MANIFEST_FILE, ModelStore.pinOf(objectVersions, MANIFEST_FILE))
                && exists(prefix + MODEL_FILE, ModelStore.pinOf(objectVersions, MODEL_FILE));
    }

    /** S3 lists the versions of a key newest first; delete markers are listed apart and left out. */
    @Override
    public List<String> objectVersions(ModelRef ref, String file) {
        var key = versionPrefix(ref) + file;
        var ids = new ArrayList<String>();
        s3.listObjectVersionsPaginator(b -> b.bucket(bucket).prefix(key)).versions().forEach(v -> {
            if (v.key().equals(key)) {
                ids.add(v.versionId());
            }
        });
        return ids;
    }

    @Override
    public Optional<byte[]> read(ModelRef ref, String file, String versionId) {
        return get(ref, versionPrefix(ref) + file, versionId, file.equals(MODEL_FILE) ? maxModelBytes : MAX_MANIFEST_BYTES)
                .map(ObjectRead::bytes);
    }

    /** An unversioned bucket answers without version ids: nothing to pin then. */
    private static Map<String, String> readVersions(String onnxVersion, String manifestVersion) {
        if (onnxVersion == null || manifestVersion == null) {
            return null;
        }
        var read = new LinkedHashMap<String, String>();
        read.put(MODEL_FILE, onnxVersion);
        read.put(MANIFEST_FILE, manifestVersion);
        return read;
    }

    private boolean exists(String key, String versionId) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key).versionId(versionId));
            return true;
        } catch (S3Exception e) {
            if (gone(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * NoSuchKey, NoSuchVersion (a permanently deleted object version; a HEAD's 404 has no body to name it), or a delete
     * marker asked for by version id (405): the object is not there to read. A missing bucket is a setup fault, not a
     * missing model: it is thrown.
     */
    private static boolean gone(S3Exception e) {
        var code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return e instanceof NoSuchKeyException || (e.statusCode() == 404 && !"NoSuchBucket".equals(code)) || e.statusCode() == 405;
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

    private record ObjectRead(byte[] bytes, String versionId) {}

    /** Reads an object (at an object version, when given) after checking its size from the response headers, before its body is read. */
    private Optional<ObjectRead> get(ModelRef ref, String key, String versionId, long maxBytes) {
        try (var in = s3.getObject(b -> b.bucket(bucket).key(key).versionId(versionId))) {
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
            return Optional.of(new ObjectRead(bytes, in.response().versionId()));
        } catch (S3Exception e) {
            if (gone(e)) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + bucket + "/" + key + " failed", e);
        }
    }
}
