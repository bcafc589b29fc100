package io.mlserve.aws;

import io.mlserve.core.jobs.InputObjects;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Job inputs in S3: a HEAD request for the ETag that names the job. */
public final class S3InputObjects implements InputObjects {
    private final S3Client s3;

    /** @param s3 client (the function needs s3:GetObject on the bucket, and s3:ListBucket so a missing key is a 404, not a 403) */
    public S3InputObjects(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public Optional<String> etag(String bucket, String key) {
        try {
            return Optional.ofNullable(s3.headObject(b -> b.bucket(bucket).key(key)).eTag());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) { // HEAD answers have no body, so some stores give no NoSuchKey code
                return Optional.empty();
            }
            throw e;
        }
    }
}
