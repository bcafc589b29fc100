package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.ModelStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Object versions against the emulator's S3 (e2e phase): a read reports the versions it got, a pinned read gets the
 * pinned bytes through overwrites and delete markers, and a permanently deleted pin reads as gone (GET and HEAD).
 */
class S3ModelStoreIT {
    private static final String BUCKET = "tmp-models-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String PLAIN_BUCKET = BUCKET + "-plain";
    private static S3Client s3;

    @BeforeAll
    static void createBuckets() {
        s3 = S3Client.builder()
                .endpointOverride(URI.create(System.getenv().getOrDefault("AWS_ENDPOINT_URL", "http://localhost:4566")))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
        s3.createBucket(b -> b.bucket(PLAIN_BUCKET));
    }

    @AfterAll
    static void close() {
        if (s3 != null) {
            s3.close();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void fetch_shouldReadThePinnedObjectVersions_throughOverwritesAndDeleteMarkers_untilDeletedForGood() {
        // GIVEN a version written and read once: the read names the object versions it got
        var store = new S3ModelStore(s3, BUCKET);
        var ref = new ModelRef("m", "1");
        store.putVersion(ref, bytes("{\"v\":1}"), bytes("onnx-1"));
        var first = store.fetch(ref).orElseThrow();
        var pins = first.objectVersions();
        assertThat(pins).containsOnlyKeys("model.onnx", "manifest.json").doesNotContainValue(null);

        // WHEN the files are overwritten, then deleted the plain way
        store.putVersion(ref, bytes("{\"v\":2}"), bytes("onnx-2"));
        assertThat(store.fetch(ref).orElseThrow().onnx()).isEqualTo(bytes("onnx-2"));
        s3.deleteObject(b -> b.bucket(BUCKET).key("models/m/1/model.onnx"));

        // THEN the current read finds nothing, the pinned one the first bytes
        assertThat(store.fetch(ref)).isEmpty();
        var pinned = store.fetch(ref, pins).orElseThrow();
        assertThat(pinned.onnx()).isEqualTo(bytes("onnx-1"));
        assertThat(pinned.manifestJson()).isEqualTo(bytes("{\"v\":1}"));
        assertThat(pinned.objectVersions()).isEqualTo(pins);
        assertThat(store.available(ref, pins)).isTrue();
        assertThat(store.objectVersions(ref, ModelStore.MODEL_FILE)).hasSize(2).last().isEqualTo(pins.get("model.onnx"));
        assertThat(store.read(ref, ModelStore.MODEL_FILE, pins.get("model.onnx"))).get().isEqualTo(bytes("onnx-1"));

        // AND once the pinned object version is deleted for good it is gone for GET and HEAD alike
        s3.deleteObject(b -> b.bucket(BUCKET).key("models/m/1/model.onnx").versionId(pins.get("model.onnx")));
        assertThat(store.fetch(ref, pins)).isEmpty();
        assertThat(store.available(ref, pins)).isFalse();
        assertThat(store.available(ref, Map.of("model.onnx", "no-such-version", "manifest.json", pins.get("manifest.json"))))
                .isFalse();
    }

    @Test
    void fetch_shouldReportNoObjectVersions_inAnUnversionedBucket() {
        var store = new S3ModelStore(s3, PLAIN_BUCKET);
        var ref = new ModelRef("m", "1");
        s3.putObject(b -> b.bucket(PLAIN_BUCKET).key("models/m/1/model.onnx"), RequestBody.fromBytes(bytes("onnx")));
        s3.putObject(b -> b.bucket(PLAIN_BUCKET).key("models/m/1/manifest.json"), RequestBody.fromBytes(bytes("{}")));

        var stored = store.fetch(ref).orElseThrow();

        assertThat(stored.onnx()).isEqualTo(bytes("onnx"));
        assertThat(stored.objectVersions()).isNull(); // nothing to pin: the registration records none
    }
}
