package io.mlserve.core.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void fromApi_shouldReadEachApiName_whenSpelledAsTheApiDoes() {
        for (var role : Role.values()) {
            assertThat(Role.fromApi(role.apiName())).isEqualTo(role);
        }
        assertThat(Role.fromApi("ADMIN")).isEqualTo(Role.ADMIN);
    }

    @Test
    void fromApi_shouldRefuse_whenTheNameIsUnknownOrMissing() {
        assertThatThrownBy(() -> Role.fromApi("root")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("root");
        assertThatThrownBy(() -> Role.fromApi("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Role.fromApi(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mayCall_shouldLetEachRoleCoverTheOnesBelowIt() {
        assertThat(Role.ADMIN.mayCall(Role.ADMIN)).isTrue();
        assertThat(Role.ADMIN.mayCall(Role.PREDICT)).isTrue();
        assertThat(Role.ADMIN.mayCall(Role.PUBLIC)).isTrue();
        assertThat(Role.PREDICT.mayCall(Role.ADMIN)).isFalse();
        assertThat(Role.PREDICT.mayCall(Role.PREDICT)).isTrue();
        assertThat(Role.PREDICT.mayCall(Role.PUBLIC)).isTrue();
        assertThat(Role.PUBLIC.mayCall(Role.PREDICT)).isFalse();
        assertThat(Role.PUBLIC.mayCall(Role.ADMIN)).isFalse();
        assertThat(Role.PUBLIC.mayCall(Role.PUBLIC)).isTrue();
    }
}
