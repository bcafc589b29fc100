package io.mlserve.aws;

import io.mlserve.core.baseline.Baseline;
import io.mlserve.core.baseline.BaselineStore;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Baselines beside their version: {@code models/<name>/<version>/baseline.json} in the models bucket. */
public final class S3BaselineStore implements BaselineStore {
    /** The baseline's file name in a version's folder. */
    public static final String FILE = "baseline.json";

    private final S3Client s3;
    private final String bucket;

    /**
     * @param s3 client
     * @param bucket the models bucket
     */
    public S3BaselineStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /**
     * @param ref model version
     * @return the baseline's key
     */
    public static String key(ModelRef ref) {
        return S3ModelStore.versionPrefix(ref) + FILE;
    }

    @Override
    public void put(ModelRef ref, Baseline baseline) {
        s3.putObject(b -> b.bucket(bucket).key(key(ref)).contentType("application/json"),
                RequestBody.fromString(Json.write(baseline), StandardCharsets.UTF_8));
    }

    @Override
    public Optional<Baseline> find(ModelRef ref) {
        try (var in = s3.getObject(b -> b.bucket(bucket).key(key(ref)))) {
            return Optional.of(Json.MAPPER.readValue(in, Baseline.class));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + bucket + "/" + key(ref) + " failed", e);
        }
    }
}
