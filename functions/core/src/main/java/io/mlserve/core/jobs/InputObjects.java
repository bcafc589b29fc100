package io.mlserve.core.jobs;

import java.util.Optional;

/** Where job inputs live (S3 in production): only what a job's identity needs. */
@FunctionalInterface
public interface InputObjects {

    /**
     * @param bucket the object's bucket
     * @param key the object's key
     * @return its ETag as the store gives it (quotes or not), or empty when there is no such object
     */
    Optional<String> etag(String bucket, String key);
}
