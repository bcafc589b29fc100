package io.mlserve.core.testing;

import io.mlserve.core.batch.BlobOutput;
import io.mlserve.core.batch.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Objects in memory; an object appears only when its output stream is closed, as with S3. */
public final class InMemoryBlobStore implements BlobStore {
    private final Map<String, byte[]> objects = new TreeMap<>();
    /** Ranged reads served, for tests that check a range reads from the right offset. */
    public final AtomicInteger reads = new AtomicInteger();

    private static String id(String bucket, String key) {
        return bucket + "/" + key;
    }

    /** Stores an object. */
    public synchronized InMemoryBlobStore putObject(String bucket, String key, byte[] bytes) {
        objects.put(id(bucket, key), bytes.clone());
        return this;
    }

    /** Stores a UTF-8 text object. */
    public InMemoryBlobStore putText(String bucket, String key, String text) {
        return putObject(bucket, key, text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the object's text, or null */
    public synchronized String text(String bucket, String key) {
        var bytes = objects.get(id(bucket, key));
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** @return keys (bucket/key) under a prefix */
    public synchronized java.util.List<String> keys(String bucket, String prefix) {
        return objects.keySet().stream().filter(k -> k.startsWith(id(bucket, prefix))).map(k -> k.substring(bucket.length() + 1)).toList();
    }

    @Override
    public synchronized Optional<BlobInfo> head(String bucket, String key) {
        var bytes = objects.get(id(bucket, key));
        return bytes == null ? Optional.empty() : Optional.of(new BlobInfo(bytes.length, "etag-" + java.util.Arrays.hashCode(bytes)));
    }

    @Override
    public synchronized InputStream openFrom(String bucket, String key, long from) {
        var bytes = objects.get(id(bucket, key));
        if (bytes == null) {
            throw new NoSuchElementException("no object " + id(bucket, key));
        }
        reads.incrementAndGet();
        int start = (int) Math.min(bytes.length, from);
        return new ByteArrayInputStream(bytes, start, bytes.length - start);
    }

    @Override
    public BlobOutput create(String bucket, String key, String contentType) {
        var buffer = new ByteArrayOutputStream();
        return new BlobOutput() {
            private boolean open = true;

            @Override
            public void write(int b) {
                buffer.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                buffer.write(b, off, len);
            }

            @Override
            public void close() {
                if (open) {
                    open = false;
                    putObject(bucket, key, buffer.toByteArray());
                }
            }

            @Override
            public void abort() {
                open = false;
            }
        };
    }
}
