package io.mlserve.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.ModelStore;
import java.io.IOException;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Model packages in S3: {@code models/<name>/<version>/model.onnx|manifest.json} and aliases at
 * {@code models/<name>/aliases/<alias>.json} holding {@code {"version": "…"}}.
 */
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

    /**
     * @param name model name
     * @param alias alias name
     * @return key of the alias object
     */
    public static String aliasKey(String name, String alias) {
        return "models/" + name + "/aliases/" + alias + ".json";
    }

    @Override
    public Optional<String> aliasVersion(String name, String alias) {
        return get(aliasKey(name, alias)).map(bytes -> {
            try {
                JsonNode node = Json.MAPPER.readTree(bytes);
                var version = node.path("version").asText(null);
                if (version == null) {
                    throw new IllegalStateException("alias " + aliasKey(name, alias) + " has no 'version'");
                }
                return version;
            } catch (IOException e) {
                throw new IllegalStateException("alias " + aliasKey(name, alias) + " is not JSON", e);
            }
        });
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

    /**
     * Points an alias at a version.
     *
     * @param name model name
     * @param alias alias name
     * @param version target version
     */
    public void putAlias(String name, String alias, String version) {
        s3.putObject(b -> b.bucket(bucket).key(aliasKey(name, alias)).contentType("application/json"),
                RequestBody.fromString(Json.write(java.util.Map.of("version", version))));
    }

    private Optional<byte[]> get(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }
}
