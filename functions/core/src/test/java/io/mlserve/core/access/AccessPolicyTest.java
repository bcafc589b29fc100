package io.mlserve.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.access.AccessPolicy.Allowed;
import io.mlserve.core.access.AccessPolicy.Denied;
import io.mlserve.core.testing.InMemoryKeyStore;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
    private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
    private static final String PREDICT_VALUE = "P".repeat(40);
    private static final String ADMIN_VALUE = "A".repeat(40);
    private static final String REVOKED_VALUE = "R".repeat(40);

    private final InMemoryKeyStore store = new InMemoryKeyStore()
            .with(new ApiKeyRecord(KeyHash.of(PREDICT_VALUE), "app", Role.PREDICT, KeyStatus.ACTIVE, "k1", T0, null))
            .with(new ApiKeyRecord(KeyHash.of(ADMIN_VALUE), "ops", Role.ADMIN, KeyStatus.ACTIVE, "k2", T0, null))
            .with(new ApiKeyRecord(KeyHash.of(REVOKED_VALUE), "old", Role.ADMIN, KeyStatus.REVOKED, "k3", T0, T0));
    private final AccessPolicy policy = new AccessPolicy(store);

    @Test
    void decide_shouldAllowWithRoleAndName_whenTheKeyIsActive() {
        assertThat(policy.decide(PREDICT_VALUE)).isEqualTo(new Allowed(Role.PREDICT, "app"));
        assertThat(policy.decide(ADMIN_VALUE)).isEqualTo(new Allowed(Role.ADMIN, "ops"));
    }

    @Test
    void decide_shouldDeny_whenTheKeyIsMissingUnknownOrRevoked() {
        assertThat(policy.decide(null)).isInstanceOf(Denied.class);
        assertThat(policy.decide("  ")).isInstanceOf(Denied.class);
        assertThat(policy.decide("nope".repeat(10))).isEqualTo(new Denied("unknown API key"));
        assertThat(policy.decide(REVOKED_VALUE)).isInstanceOf(Denied.class);
        // a key is compared exactly: no trimming, no case folding
        assertThat(policy.decide(PREDICT_VALUE + " ")).isInstanceOf(Denied.class);
        assertThat(policy.decide(PREDICT_VALUE.toLowerCase())).isInstanceOf(Denied.class);
    }

    @Test
    void decide_shouldNeverPutTheKeyValueInTheReason() {
        var denied = (Denied) policy.decide(REVOKED_VALUE);
        assertThat(denied.reason()).contains("old").doesNotContain(REVOKED_VALUE).doesNotContain(KeyHash.of(REVOKED_VALUE));
        assertThat(((Denied) policy.decide("secret-value-xyz".repeat(3))).reason()).doesNotContain("secret");
    }

    @Test
    void deniedRoutes_shouldBeTheAdminRoutes_forAPredictKey_andNoneForAdmin() {
        var predict = (Allowed) policy.decide(PREDICT_VALUE);
        assertThat(predict.deniedRoutes()).isNotEmpty().allMatch(r -> r.role() == Role.ADMIN)
                .hasSize((int) Routes.all().stream().filter(r -> r.role() == Role.ADMIN).count());
        assertThat(((Allowed) policy.decide(ADMIN_VALUE)).deniedRoutes()).isEmpty();
        assertThat(AccessPolicy.deniedRoutes(Role.PREDICT)).isEqualTo(predict.deniedRoutes());
    }
}
