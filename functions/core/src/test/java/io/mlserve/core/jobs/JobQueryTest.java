package io.mlserve.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JobQueryTest {

    @Test
    void fromParams_shouldDefault_whenNothingIsGiven() {
        assertThat(JobQuery.fromParams(Map.of())).isEqualTo(new JobQuery(null, null, 100, null));
    }

    @Test
    void fromParams_shouldReadEveryFilter_whenValid() {
        assertThat(JobQuery.fromParams(Map.of("model", "iris", "status", "running", "limit", "500", "cursor", "abc")))
                .isEqualTo(new JobQuery("iris", JobStatus.RUNNING, 500, "abc"));
    }

    @ParameterizedTest
    @CsvSource({
        "status, DONE, INVALID_STATUS",
        "status, 1, INVALID_STATUS",
        "limit, 0, INVALID_LIMIT",
        "limit, 501, INVALID_LIMIT",
        "limit, 1.5, INVALID_LIMIT",
        "limit, 99999999999, INVALID_LIMIT",
        "model, Iris!, INVALID_MODEL_NAME",
    })
    void fromParams_shouldRefuse_whenAValueIsNotValid(String parameter, String value, String code) {
        assertThatThrownBy(() -> JobQuery.fromParams(Map.of(parameter, value)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void fromParams_shouldRefuseAnOverlongCursor() {
        assertThatThrownBy(() -> JobQuery.fromParams(Map.of("cursor", "c".repeat(3000))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("INVALID_CURSOR"));
    }
}
