package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Streaming reads and writes against the emulator's S3 (e2e phase): ranged GETs, single and multipart uploads, abort. */
class S3BlobStoreIT {
    private static final String BUCKET = "tmp-blobs-" + UUID.randomUUID().toString().substring(0, 8);
    private static S3Client s3;
    private static S3BlobStore blobs;

    @BeforeAll
    static void createBucket() {
        s3 = S3Client.builder()
                .endpointOverride(URI.create(System.getenv().getOrDefault("AWS_ENDPOINT_URL", "http://localhost:4566")))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        s3.createBucket(b -> b.bucket(BUCKET));
        blobs = new S3BlobStore(s3, 5 * 1024 * 1024);
    }

    @AfterAll
    static void close() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void create_shouldPutSmallObjects_andUploadBigOnesInParts_thenReadFromAnyOffset() throws IOException {
        blobs.put(BUCKET, "small.txt", "hello".getBytes(), "text/plain");
        assertThat(blobs.head(BUCKET, "small.txt")).get().satisfies(i -> assertThat(i.size()).isEqualTo(5));
        try (var in = blobs.openFrom(BUCKET, "small.txt", 2)) {
            assertThat(new String(in.readAllBytes())).isEqualTo("llo");
        }
        try (var in = blobs.openFrom(BUCKET, "small.txt", 5)) {
            assertThat(in.readAllBytes()).isEmpty();
        }

        var big = new byte[12 * 1024 * 1024 + 17]; // three parts of 5 MiB
        new Random(7).nextBytes(big);
        try (var out = blobs.create(BUCKET, "big.bin", "application/octet-stream")) {
            for (int off = 0; off < big.length; off += 100_000) {
                out.write(big, off, Math.min(100_000, big.length - off));
            }
        }
        assertThat(blobs.head(BUCKET, "big.bin")).get().satisfies(i -> assertThat(i.size()).isEqualTo(big.length));
        try (var in = blobs.openFrom(BUCKET, "big.bin", big.length - 1000)) {
            assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(big, big.length - 1000, big.length));
        }
        assertThat(blobs.head(BUCKET, "missing")).isEmpty();
    }

    @Test
    void abort_shouldLeaveNoObject() throws IOException {
        var out = blobs.create(BUCKET, "aborted.bin", "application/octet-stream");
        out.write(new byte[6 * 1024 * 1024]);
        out.abort();
        assertThat(blobs.head(BUCKET, "aborted.bin")).isEmpty();
    }
}
