package io.mlserve.function.predict;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/** The signed GET matches AWS's published SigV4 example for S3 ("Example: GET Object", examplebucket/test.txt). */
class S3ObjectStoreTest {
    private final S3ObjectStore store = new S3ObjectStore(null,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")),
            "us-east-1", null, "examplebucket", 1000, Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC));

    @Test
    void sign_shouldGiveAwsExampleSignature_whenGetObjectWithRange() {
        var request = SdkHttpRequest.builder().method(SdkHttpMethod.GET)
                .uri(java.net.URI.create("https://examplebucket.s3.amazonaws.com/test.txt"))
                .putHeader("Range", "bytes=0-9").putHeader("x-amz-content-sha256", S3ObjectStore.EMPTY_SHA256).build();

        var signed = store.sign(request);

        assertThat(signed.firstMatchingHeader("Authorization")).contains("AWS4-HMAC-SHA256 "
                + "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    }

    @Test
    void signedGet_shouldAddressTheObject_virtualHostedOnAwsAndPathStyleOnAnEmulator() {
        assertThat(store.signedGet("models/iris/1/model.onnx").getUri().toString())
                .isEqualTo("https://examplebucket.s3.us-east-1.amazonaws.com/models/iris/1/model.onnx");
        var local = new S3ObjectStore(null, StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")), "us-east-1",
                "http://localhost:4566/", "models", 1000, Clock.systemUTC());
        assertThat(local.signedGet("models/a b/1/manifest.json").getUri().toString())
                .isEqualTo("http://localhost:4566/models/models/a%20b/1/manifest.json");
    }

    @Test
    void signedGet_shouldAskForThePinnedObjectVersion_inTheSignedQuery() {
        var signed = store.signedGet("models/iris/1/model.onnx", "3HL4kq+tJ/lcp=");

        assertThat(signed.getUri().toString())
                .isEqualTo("https://examplebucket.s3.us-east-1.amazonaws.com/models/iris/1/model.onnx?versionId=3HL4kq%2BtJ%2Flcp%3D");
        assertThat(signed.firstMatchingHeader("Authorization")).isPresent();
        assertThat(store.signedGet("models/iris/1/model.onnx", null).getUri().getQuery()).isNull();
    }
}
