package io.mlserve.core.testing;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.ModelStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model store in memory that keeps object versions as a versioned bucket does (every put adds a version, a plain
 * delete only hides the file), counting fetches so tests can see caching.
 */
public final class InMemoryModelStore implements ModelStore, io.mlserve.core.store.ModelFileVersions {
    private record Key(ModelRef ref, String file) {}

    /** One object version; bytes null = a delete marker. */
    private record ObjectVersion(String id, byte[] bytes) {}

    private final Map<Key, List<ObjectVersion>> objects = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    public final AtomicInteger fetches = new AtomicInteger();
    public final AtomicInteger availabilityChecks = new AtomicInteger();

    public InMemoryModelStore put(ModelRef ref, byte[] manifest, byte[] onnx) {
        putFile(ref, MODEL_FILE, onnx);
        putFile(ref, MANIFEST_FILE, manifest);
        return this;
    }

    /** Writes one file as a new object version (an overwrite when the file exists). @return its version id */
    public synchronized String putFile(ModelRef ref, String file, byte[] bytes) {
        var id = "v" + ids.incrementAndGet();
        objects.computeIfAbsent(new Key(ref, file), k -> new ArrayList<>()).add(new ObjectVersion(id, bytes));
        return id;
    }

    /** A plain delete: adds a delete marker, the object versions stay. */
    public synchronized void delete(ModelRef ref, String file) {
        objects.computeIfAbsent(new Key(ref, file), k -> new ArrayList<>()).add(new ObjectVersion("m" + ids.incrementAndGet(), null));
    }

    /** Deletes one object version for good. */
    public synchronized void deleteVersion(ModelRef ref, String file, String versionId) {
        objects.getOrDefault(new Key(ref, file), new ArrayList<>()).removeIf(v -> v.id().equals(versionId));
    }

    /** @return the current object version id of a file, or null when it is missing */
    public synchronized String currentVersion(ModelRef ref, String file) {
        var versions = objects.get(new Key(ref, file));
        if (versions == null || versions.isEmpty() || versions.getLast().bytes() == null) {
            return null;
        }
        return versions.getLast().id();
    }

    @Override
    public Optional<StoredModel> fetch(ModelRef ref, Map<String, String> objectVersions) {
        fetches.incrementAndGet();
        var manifest = find(ref, MANIFEST_FILE, ModelStore.pinOf(objectVersions, MANIFEST_FILE));
        var onnx = find(ref, MODEL_FILE, ModelStore.pinOf(objectVersions, MODEL_FILE));
        if (manifest == null || onnx == null) {
            return Optional.empty();
        }
        var read = new LinkedHashMap<String, String>();
        read.put(MODEL_FILE, onnx.id());
        read.put(MANIFEST_FILE, manifest.id());
        return Optional.of(new StoredModel(manifest.bytes(), onnx.bytes(), read));
    }

    @Override
    public boolean available(ModelRef ref, Map<String, String> objectVersions) {
        availabilityChecks.incrementAndGet();
        return find(ref, MANIFEST_FILE, ModelStore.pinOf(objectVersions, MANIFEST_FILE)) != null
                && find(ref, MODEL_FILE, ModelStore.pinOf(objectVersions, MODEL_FILE)) != null;
    }

    private synchronized ObjectVersion find(ModelRef ref, String file, String versionId) {
        var versions = objects.get(new Key(ref, file));
        if (versions == null || versions.isEmpty()) {
            return null;
        }
        if (versionId == null) {
            var current = versions.getLast();
            return current.bytes() == null ? null : current;
        }
        return versions.stream().filter(v -> v.id().equals(versionId) && v.bytes() != null).findFirst().orElse(null);
    }

    @Override
    public synchronized List<String> objectVersions(ModelRef ref, String file) {
        var ids = new ArrayList<String>();
        for (var v : objects.getOrDefault(new Key(ref, file), List.of()).reversed()) {
            if (v.bytes() != null) {
                ids.add(v.id());
            }
        }
        return ids;
    }

    @Override
    public synchronized Optional<byte[]> read(ModelRef ref, String file, String versionId) {
        return Optional.ofNullable(find(ref, file, versionId)).map(ObjectVersion::bytes);
    }
}
