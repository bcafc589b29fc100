package io.mlserve.core.testing;

import io.mlserve.core.registry.Aliases;
import io.mlserve.core.registry.AuditEntry;
import io.mlserve.core.registry.ModelRegistry;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.registry.RegistryConflictException;
import io.mlserve.core.registry.VersionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A registry in memory with the same conditional-write rules as the DynamoDB one. */
public final class InMemoryModelRegistry implements ModelRegistry {
    private final Map<String, Aliases> aliases = new ConcurrentHashMap<>();
    private final Map<String, Map<String, RegisteredVersion>> versions = new ConcurrentHashMap<>();
    private final List<AuditEntry> audit = new CopyOnWriteArrayList<>();
    public final AtomicInteger aliasReads = new AtomicInteger();
    /** When set, reads fail as an unreachable table would. */
    public volatile boolean failing;

    /** Registers a serving version and points production at it, for tests that only need serving. */
    public InMemoryModelRegistry serving(String name, String version) {
        return serving(name, version, null);
    }

    /** The same, with the sha256 registration recorded. */
    public InMemoryModelRegistry serving(String name, String version, String sha256) {
        versions.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).put(version,
                new RegisteredVersion(name, version, VersionStatus.SERVING, "s3://b/models/" + name + "/" + version + "/",
                        sha256, "classification", Map.of(), "2026-11-23T00:00:00Z", "test"));
        var current = aliases.getOrDefault(name, Aliases.NONE);
        aliases.put(name, new Aliases(version, current.canary(), current.canaryWeight(), current.guard(), current.revision() + 1, null));
        return this;
    }

    @Override
    public Aliases aliases(String name) {
        if (failing) {
            throw new IllegalStateException("registry unreachable");
        }
        aliasReads.incrementAndGet();
        return aliases.getOrDefault(name, Aliases.NONE);
    }

    @Override
    public Optional<RegisteredVersion> version(String name, String version) {
        return Optional.ofNullable(versions.getOrDefault(name, Map.of()).get(version));
    }

    @Override
    public List<RegisteredVersion> versions(String name) {
        var all = new ArrayList<>(versions.getOrDefault(name, Map.of()).values());
        all.sort(java.util.Comparator.comparing(RegisteredVersion::createdAt).thenComparing(RegisteredVersion::version));
        return all;
    }

    @Override
    public List<String> modelNames() {
        return List.copyOf(versions.keySet());
    }

    @Override
    public synchronized void register(RegisteredVersion version, AuditEntry entry) {
        var byVersion = versions.computeIfAbsent(version.name(), n -> new ConcurrentHashMap<>());
        if (byVersion.containsKey(version.version())) {
            throw new RegistryConflictException(version.name(), "already registered");
        }
        byVersion.put(version.version(), version);
        audit.add(entry);
    }

    @Override
    public synchronized void updateAliases(
            String name, Aliases expected, Aliases updated, List<RegisteredVersion> statusChanges, AuditEntry entry) {
        if (aliases.getOrDefault(name, Aliases.NONE).revision() != expected.revision()) {
            throw new RegistryConflictException(name, "aliases changed concurrently");
        }
        aliases.put(name, updated);
        statusChanges.forEach(v -> versions.get(name).put(v.version(), v));
        audit.add(entry);
    }

    @Override
    public List<AuditEntry> audit(String name) {
        return audit.stream().filter(a -> a.model().equals(name)).toList();
    }

    @Override
    public synchronized void pinObjectVersions(RegisteredVersion version, Map<String, String> objectVersions, AuditEntry entry) {
        var current = versions.getOrDefault(version.name(), Map.of()).get(version.version());
        if (current == null || current.objectVersions() != null || !java.util.Objects.equals(current.sha256(), version.sha256())) {
            throw new RegistryConflictException(version.name(), "version changed or already pinned");
        }
        versions.get(version.name()).put(version.version(), current.withObjectVersions(Map.copyOf(objectVersions)));
        audit.add(entry);
    }

    /** Puts a version as given (tests that need pins or other fields). */
    public InMemoryModelRegistry put(RegisteredVersion version) {
        versions.computeIfAbsent(version.name(), n -> new ConcurrentHashMap<>()).put(version.version(), version);
        return this;
    }
}
