package io.mlserve.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.testing.InMemoryModelRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RegistryLogShardsTest {
    private final InMemoryModelRegistry registry = new InMemoryModelRegistry();
    private final AtomicInteger lookups = new AtomicInteger();
    private final ModelRegistry counting = new ModelRegistry() {
        @Override
        public Aliases aliases(String name) {
            return registry.aliases(name);
        }

        @Override
        public Optional<RegisteredVersion> version(String name, String version) {
            lookups.incrementAndGet();
            return registry.version(name, version);
        }

        @Override
        public List<RegisteredVersion> versions(String name) {
            return registry.versions(name);
        }

        @Override
        public List<String> modelNames() {
            return registry.modelNames();
        }

        @Override
        public void register(RegisteredVersion version, AuditEntry audit) {
            registry.register(version, audit);
        }

        @Override
        public void updateAliases(String name, Aliases expected, Aliases updated, List<RegisteredVersion> changes, AuditEntry audit) {
            registry.updateAliases(name, expected, updated, changes, audit);
        }

        @Override
        public List<AuditEntry> audit(String name) {
            return registry.audit(name);
        }
    };

    private void register(String version, Integer logShards) {
        registry.register(new RegisteredVersion("iris", version, VersionStatus.CANDIDATE, "s3://b/models/iris/" + version + "/", "sha",
                "classification", Map.of(), "2026-12-01T00:00:00Z", "test", null, logShards),
                new AuditEntry("iris", "2026-12-01T00:00:00Z", "REGISTERED", version, null, null, "test", null));
    }

    @Test
    void shards_shouldReadTheRegisteredCountOnce_whenAskedRepeatedly() {
        register("1", 8);
        var shards = new RegistryLogShards(counting);

        assertThat(shards.shards(new ModelRef("iris", "1"))).isEqualTo(8);
        assertThat(shards.shards(new ModelRef("iris", "1"))).isEqualTo(8);
        assertThat(lookups.get()).isEqualTo(1); // versions are immutable: asked once
    }

    @Test
    void shards_shouldBeOne_whenRegisteredBeforeShardingOrUnknown() {
        register("1", null);
        var shards = new RegistryLogShards(counting);

        assertThat(shards.shards(new ModelRef("iris", "1"))).isEqualTo(1);
        assertThat(shards.shards(new ModelRef("iris", "9"))).isEqualTo(1);
        register("9", 4); // an unknown version is not remembered: once registered, its count shows
        assertThat(shards.shards(new ModelRef("iris", "9"))).isEqualTo(4);
    }

    @Test
    void maxShards_shouldCoverEveryVersion() {
        register("1", null);
        register("2", 16);
        register("3", 4);

        assertThat(new RegistryLogShards(counting).maxShards("iris")).isEqualTo(16);
        assertThat(new RegistryLogShards(counting).maxShards("nothing")).isEqualTo(1);
    }
}
