package io.mlserve.core.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.testing.InMemoryKeyStore;
import io.mlserve.core.testing.InMemoryUsagePlanKeys;
import io.mlserve.core.testing.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyServiceTest {
    private final InMemoryKeyStore store = new InMemoryKeyStore();
    private final InMemoryUsagePlanKeys gateway = new InMemoryUsagePlanKeys();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
    private final KeyService keys = new KeyService(store, gateway, new SecureRandom(), clock);

    @Test
    void generateValue_shouldBeFortyBase62Characters_andNeverRepeat() {
        var seen = new HashSet<String>();
        var random = new SecureRandom();
        for (int i = 0; i < 1000; i++) {
            var value = KeyService.generateValue(random);
            assertThat(value).hasSize(KeyService.KEY_LENGTH).matches("[0-9A-Za-z]{40}");
            seen.add(value);
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void generateValue_shouldUseEveryBase62Character() {
        var chars = new HashSet<Character>();
        var random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            KeyService.generateValue(random).chars().forEach(c -> chars.add((char) c));
        }
        assertThat(chars).hasSize(62);
    }

    @Test
    void create_shouldStoreTheHashAndMakeTheGatewayKey_andReturnTheValueOnce() {
        var created = keys.create("app", Role.PREDICT);

        assertThat(created.record().keyHash()).isEqualTo(KeyHash.of(created.value()));
        assertThat(created.record().status()).isEqualTo(KeyStatus.ACTIVE);
        assertThat(created.record().createdAt()).isEqualTo(clock.instant());
        assertThat(store.findByHash(KeyHash.of(created.value()))).contains(created.record());
        assertThat(gateway.keys().get(created.record().apiKeyId()))
                .isEqualTo(new InMemoryUsagePlanKeys.GatewayKey("app", Role.PREDICT, created.value(), true));
        assertThat(created.toString()).doesNotContain(created.value());
    }

    @Test
    void create_shouldRefuseAndCreateNothing_whenAnActiveKeyHasTheName() {
        keys.create("app", Role.PREDICT);

        assertThatThrownBy(() -> keys.create("app", Role.ADMIN)).isInstanceOf(KeyConflictException.class).hasMessageContaining("app");
        assertThat(store.list()).hasSize(1);
        assertThat(gateway.keys()).hasSize(1);
    }

    @Test
    void create_shouldReuseTheName_whenItsKeyWasRevoked() {
        var first = keys.create("app", Role.PREDICT);
        keys.revoke("app");
        clock.advance(Duration.ofMinutes(1));

        var second = keys.create("app", Role.PREDICT);

        assertThat(store.findByName("app")).contains(second.record());
        assertThat(store.findByHash(first.record().keyHash())).get().extracting(ApiKeyRecord::status).isEqualTo(KeyStatus.REVOKED);
    }

    @Test
    void create_shouldRefuseMalformedNamesAndThePublicRole() {
        assertThatThrownBy(() -> keys.create("", Role.PREDICT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.create("a b", Role.PREDICT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.create("-x", Role.PREDICT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.create("x".repeat(65), Role.PREDICT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> keys.create("anon", Role.PUBLIC)).isInstanceOf(IllegalArgumentException.class);
        assertThat(gateway.keys()).isEmpty();
    }

    @Test
    void create_shouldDeleteTheGatewayKey_whenTheTableWriteLosesARace() {
        // GIVEN a store that takes the name between the check and the write
        var racing = new KeyService(new NameTakenOnWrite(), gateway, new SecureRandom(), clock);

        // WHEN / THEN
        assertThatThrownBy(() -> racing.create("app", Role.ADMIN)).isInstanceOf(KeyConflictException.class);
        assertThat(gateway.keys()).isEmpty();
    }

    @Test
    void revoke_shouldMarkTheKeyRevokedAndDisableItsGatewayKey() {
        var created = keys.create("ops", Role.ADMIN);
        clock.advance(Duration.ofHours(1));

        var revoked = keys.revoke("ops");

        assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(revoked.revokedAt()).isEqualTo(clock.instant());
        assertThat(gateway.keys().get(created.record().apiKeyId()).enabled()).isFalse();
        assertThat(new AccessPolicy(store).decide(created.value())).isInstanceOf(AccessPolicy.Denied.class);
        // again: nothing changes, the revocation time stays
        clock.advance(Duration.ofHours(1));
        assertThat(keys.revoke("ops").revokedAt()).isEqualTo(revoked.revokedAt());
    }

    @Test
    void revoke_shouldFail_whenNoKeyHasTheName() {
        assertThatThrownBy(() -> keys.revoke("ghost")).isInstanceOf(KeyNotFoundException.class).hasMessageContaining("ghost");
    }

    @Test
    void list_shouldReturnEveryKeyOldestFirst() {
        keys.create("b", Role.PREDICT);
        clock.advance(Duration.ofSeconds(1));
        keys.create("a", Role.ADMIN);

        assertThat(keys.list()).extracting(ApiKeyRecord::name).containsExactly("b", "a");
    }

    /** A table where another writer takes the name between the check and the write. */
    private static final class NameTakenOnWrite implements KeyStore {
        @Override
        public Optional<ApiKeyRecord> findByHash(String keyHash) {
            return Optional.empty();
        }

        @Override
        public Optional<ApiKeyRecord> findByName(String name) {
            return Optional.empty();
        }

        @Override
        public List<ApiKeyRecord> list() {
            return List.of();
        }

        @Override
        public void create(ApiKeyRecord key) {
            throw new KeyConflictException("an active key named '" + key.name() + "' exists");
        }

        @Override
        public Optional<ApiKeyRecord> revoke(String name, Instant at) {
            return Optional.empty();
        }
    }
}
