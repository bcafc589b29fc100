package io.mlserve.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSamplerTest {

    @Test
    void sampled_shouldPickAboutTheRate_andTheSameRowsEveryTime() {
        var a = new LogSampler("b-123", 0.01);
        var b = new LogSampler("b-123", 0.01);
        int picked = 0;
        for (int row = 0; row < 100_000; row++) {
            boolean chosen = a.sampled(3, row);
            assertThat(b.sampled(3, row)).isEqualTo(chosen);
            picked += chosen ? 1 : 0;
        }
        assertThat(picked).isBetween(850, 1150);
    }

    @Test
    void sampled_shouldPickNothingAtZero_andEverythingAtOne() {
        assertThat(new LogSampler("j", 0).sampled(0, 1)).isFalse();
        for (int row = 0; row < 1000; row++) {
            assertThat(new LogSampler("j", 1).sampled(0, row)).isTrue();
        }
    }
}
