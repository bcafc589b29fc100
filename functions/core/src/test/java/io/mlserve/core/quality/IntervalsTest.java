package io.mlserve.core.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class IntervalsTest {

    @Test
    void wilson_shouldMatchStatsmodels_whenEightOfTen() {
        // statsmodels proportion_confint(8, 10, method="wilson") = (0.4901625..., 0.9433178...)
        var e = Intervals.wilson(8, 10);

        assertThat(e.value()).isEqualTo(0.8);
        assertThat(e.low()).isCloseTo(0.49016247, within(1e-7));
        assertThat(e.high()).isCloseTo(0.94331775, within(1e-7));
    }

    @Test
    void wilson_shouldStayInsideZeroOne_whenAllOrNothing() {
        assertThat(Intervals.wilson(0, 5)).satisfies(e -> {
            assertThat(e.low()).isZero();
            assertThat(e.high()).isCloseTo(0.4345, within(1e-4));
        });
        assertThat(Intervals.wilson(5, 5).high()).isEqualTo(1.0);
        assertThat(Intervals.wilson(0, 0)).isEqualTo(new Estimate(0, 0, 1));
    }

    @Test
    void percentile_shouldInterpolateLikeNumpy_whenBetweenRanks() {
        double[] values = new double[101];
        for (int i = 0; i <= 100; i++) {
            values[100 - i] = i; // unsorted on purpose
        }

        var e = Intervals.percentile(50, values);

        assertThat(e.low()).isEqualTo(2.5);
        assertThat(e.high()).isEqualTo(97.5);
    }

    @Test
    void bootstrap_shouldBeReproducibleAndShrinkWithMoreRows() {
        double[] actual = new double[2000];
        double[] predicted = new double[2000];
        var random = new java.util.SplittableRandom(1);
        for (int i = 0; i < actual.length; i++) {
            actual[i] = 100 + random.nextGaussian() * 10;
            predicted[i] = actual[i] + random.nextGaussian() * 5;
        }
        var small = QualityMetrics.regression(java.util.Arrays.copyOf(actual, 100), java.util.Arrays.copyOf(predicted, 100));
        var large = QualityMetrics.regression(actual, predicted);

        assertThat(QualityMetrics.regression(actual, predicted)).isEqualTo(large);
        assertThat(large.mae().high() - large.mae().low()).isLessThan((small.mae().high() - small.mae().low()) / 2);
        assertThat(large.mae().low()).isLessThan(4.0).isGreaterThan(3.7); // E|N(0,5)| = 5·√(2/π) ≈ 3.99
    }
}
