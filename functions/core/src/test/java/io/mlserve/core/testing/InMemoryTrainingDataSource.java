package io.mlserve.core.testing;

import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.training.TrainingDataException;
import io.mlserve.core.training.TrainingDataSource;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Training data in memory with the S3 adapter's rules: {@code .csv} keys only, key order, a read checks the listed ETag. */
public final class InMemoryTrainingDataSource implements TrainingDataSource {
    private final Map<String, byte[]> objects = new TreeMap<>();
    /** Objects opened, for tests that check reads are lazy. */
    public final AtomicInteger opens = new AtomicInteger();

    /** Stores (or replaces) an object; its ETag is a hash of the bytes, as S3's is for simple uploads. */
    public synchronized InMemoryTrainingDataSource put(String key, String text) {
        objects.put(key, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Deletes an object. */
    public synchronized void delete(String key) {
        objects.remove(key);
    }

    private static String etag(byte[] bytes) {
        return ManifestChecks.sha256Hex(bytes).substring(0, 32);
    }

    @Override
    public synchronized List<DataObject> list(String prefix) {
        return objects.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && e.getKey().endsWith(".csv"))
                .map(e -> new DataObject(e.getKey(), etag(e.getValue()), e.getValue().length)).toList();
    }

    @Override
    public synchronized InputStream open(DataObject object) {
        var bytes = objects.get(object.key());
        if (bytes == null || !etag(bytes).equals(object.etag())) {
            throw new TrainingDataException(List.of("data changed during the job: " + object.key()
                    + (bytes == null ? " was deleted" : " was replaced") + " after the job listed it"));
        }
        opens.incrementAndGet();
        return new ByteArrayInputStream(bytes);
    }
}
