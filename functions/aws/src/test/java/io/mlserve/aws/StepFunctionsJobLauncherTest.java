package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepFunctionsJobLauncherTest {

    @Test
    void input_shouldTellTheMachineTheJobIsAlreadyClaimed() {
        assertThat(StepFunctionsJobLauncher.input("b-0123456789abcdef01234567"))
                .isEqualTo("{\"jobId\":\"b-0123456789abcdef01234567\",\"claimed\":true}");
    }
}
