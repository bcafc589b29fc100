package io.mlserve.function.predict;

import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.ModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The predict function's read-only model store: {@code models/<name>/<version>/{manifest.json,model.onnx}}
 * fetched with SigV4-signed S3 GETs, the same reads and limits as {@code io.mlserve.aws.S3ModelStore}.
 *
 * <p>Why not the S3 client: predict makes exactly one kind of S3 call (GET an object), and the S3 module
 * with its XML protocol, ARN, CRT and event-stream dependencies is 3.6 MB of the jar (the predict jar must
 * stay under 20 MB) and ~1,400 classes loaded and 0.3–0.5 s at every cold start. The signing (SigV4 with
 * the SDK's own signer, credentials and region from the SDK's default chains) and the HTTP client
 * (URL-connection) are the SDK's; only the request is built here.
 */
final class S3ObjectStore implements ModelStore {
    /** Cap on manifest.json: a contract, never megabytes. */
    static final long MAX_MANIFEST_BYTES = 1024 * 1024;
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final String endpoint; // null: the regional virtual-hosted endpoint
    private final String bucket;
    private final long maxModelBytes;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    S3ObjectStore(SdkHttpClient http, AwsCredentialsProvider credentials, String region, String endpoint, String bucket,
            long maxModelBytes, Clock clock) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint == null || endpoint.isBlank() ? null : endpoint.replaceAll("/+$", "");
        this.bucket = bucket;
        this.maxModelBytes = maxModelBytes;
        this.clock = clock;
    }

    /**
     * @param env the process environment ({@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL} for an emulator)
     * @param bucket the models bucket
     * @param maxModelBytes largest model.onnx read
     * @return the store, with the SDK's default credentials and region chains
     */
    static S3ObjectStore fromEnvironment(java.util.Map<String, String> env, String bucket, long maxModelBytes) {
        var endpoint = env.getOrDefault("AWS_ENDPOINT_URL_S3", env.get("AWS_ENDPOINT_URL"));
        return new S3ObjectStore(UrlConnectionHttpClient.create(), DefaultCredentialsProvider.builder().build(),
                new DefaultAwsRegionProviderChain().getRegion().id(), endpoint, bucket, maxModelBytes, Clock.systemUTC());
    }

    @Override
    public Optional<StoredModel> fetch(ModelRef ref, Map<String, String> objectVersions) {
        var prefix = "models/" + ref.name() + "/" + ref.version() + "/";
        var manifest = get(ref, prefix + MANIFEST_FILE, ModelStore.pinOf(objectVersions, MANIFEST_FILE), MAX_MANIFEST_BYTES);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        var onnx = get(ref, prefix + MODEL_FILE, ModelStore.pinOf(objectVersions, MODEL_FILE), maxModelBytes);
        if (onnx.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> read = null;
        if (onnx.get().versionId() != null && manifest.get().versionId() != null) {
            read = new LinkedHashMap<>();
            read.put(MODEL_FILE, onnx.get().versionId());
            read.put(MANIFEST_FILE, manifest.get().versionId());
        }
        return Optional.of(new StoredModel(manifest.get().bytes(), onnx.get().bytes(), read));
    }

    /** The signed GET for one object (package-private: the SigV4 test vector checks it). */
    SdkHttpRequest signedGet(String key) {
        return signedGet(key, null);
    }

    /** The signed GET for one object version ({@code versionId} null: the current object). */
    SdkHttpRequest signedGet(String key, String versionId) {
        var uri = endpoint == null
                ? URI.create("https://" + bucket + ".s3." + region + ".amazonaws.com/" + encodePath(key))
                : URI.create(endpoint + "/" + bucket + "/" + encodePath(key));
        var request = SdkHttpRequest.builder().method(SdkHttpMethod.GET).uri(uri)
                .putHeader("x-amz-content-sha256", EMPTY_SHA256);
        if (versionId != null) {
            request.putRawQueryParameter("versionId", versionId);
        }
        return sign(request.build());
    }

    SdkHttpRequest sign(SdkHttpRequest request) {
        return signer.sign(r -> r.identity(credentials.resolveCredentials()).request(request)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock)).request();
    }

    private record ObjectRead(byte[] bytes, String versionId) {}

    private Optional<ObjectRead> get(ModelRef ref, String key, String versionId, long maxBytes) {
        var file = key.substring(key.lastIndexOf('/') + 1);
        try {
            var response = http.prepareRequest(HttpExecuteRequest.builder().request(signedGet(key, versionId)).build()).call();
            int status = response.httpResponse().statusCode();
            try (var body = response.responseBody().orElse(null)) {
                if (status == 404) {
                    return Optional.empty(); // NoSuchKey, NoSuchVersion (a pinned object version deleted for good), or no bucket
                }
                if (status == 405 && versionId != null) {
                    return Optional.empty(); // the pinned id names a delete marker
                }
                if (status / 100 != 2 || body == null) {
                    var text = body == null ? "" : new String(body.readNBytes(2048), StandardCharsets.UTF_8);
                    throw new IllegalStateException("S3 GET s3://" + bucket + "/" + key + " answered " + status + ": " + text);
                }
                var length = response.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(null);
                if (length != null && length > maxBytes) {
                    body.abort();
                    throw new ModelRejectedException(ref.name(), ref.version(), List.of(file + " is " + length + " bytes; the limit is " + maxBytes));
                }
                var bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new ModelRejectedException(ref.name(), ref.version(), List.of(file + " is larger than the limit of " + maxBytes + " bytes"));
                }
                return Optional.of(new ObjectRead(bytes, response.httpResponse().firstMatchingHeader("x-amz-version-id")
                        .filter(v -> !v.isEmpty()).orElse(null)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + bucket + "/" + key + " failed", e);
        }
    }

    /** RFC 3986 percent-encoding of each path segment (S3's canonical URI: '/' kept, everything else but unreserved encoded). */
    static String encodePath(String key) {
        var sb = new StringBuilder(key.length() + 16);
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~'
                    || c == '/') {
                sb.append(c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}
