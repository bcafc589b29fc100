package io.mlserve.core.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Objects read and written as streams (S3 in production), so a job's memory does not grow with its files. */
public interface BlobStore {

    /**
     * @param size bytes
     * @param etag the object's ETag, without quotes
     */
    record BlobInfo(long size, String etag) {}

    /**
     * @param bucket bucket
     * @param key key
     * @return size and ETag, or empty when there is no such object
     */
    Optional<BlobInfo> head(String bucket, String key);

    /**
     * Streams an object from a byte offset to its end (a ranged, open-ended GET).
     *
     * @param bucket bucket
     * @param key key
     * @param from first byte to read
     * @return the bytes from {@code from}; empty when {@code from} is at or past the end
     * @throws java.util.NoSuchElementException when there is no such object
     */
    InputStream openFrom(String bucket, String key, long from);

    /**
     * Starts writing an object; it exists (replacing any earlier one) only once the stream is closed.
     *
     * @param bucket bucket
     * @param key key
     * @param contentType MIME type
     * @return the stream: close it to publish, {@link BlobOutput#abort()} it on failure
     */
    BlobOutput create(String bucket, String key, String contentType);

    /**
     * @param bucket bucket
     * @param key key of a small object
     * @return its bytes
     */
    default byte[] read(String bucket, String key) {
        try (var in = openFrom(bucket, key, 0)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param bucket bucket
     * @param key key
     * @param bytes the whole object
     * @param contentType MIME type
     */
    default void put(String bucket, String key, byte[] bytes, String contentType) {
        try (var out = create(bucket, key, contentType)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
