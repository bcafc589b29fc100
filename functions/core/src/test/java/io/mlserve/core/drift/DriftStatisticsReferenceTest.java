package io.mlserve.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DriftStatistics} against scipy/numpy on the committed samples in {@code drift/reference.json}
 * (produced by {@code drift/make_reference.sh}): statistics within 1e-9, p-values within 1e-6.
 */
class DriftStatisticsReferenceTest {
    static final double STATISTIC_TOLERANCE = 1e-9;
    static final double P_VALUE_TOLERANCE = 1e-6;

    static final JsonNode REFERENCE = load();

    static JsonNode load() {
        try (InputStream in = DriftStatisticsReferenceTest.class.getResourceAsStream("/drift/reference.json")) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> cases(String kind) {
        var out = new ArrayList<Arguments>();
        REFERENCE.get(kind).forEach(c -> out.add(Arguments.of(c.get("name").asText(), c)));
        return out.stream();
    }

    static Stream<Arguments> ksCases() {
        return cases("ks");
    }

    static Stream<Arguments> chi2Cases() {
        return cases("chi2");
    }

    static Stream<Arguments> psiCases() {
        return cases("psi");
    }

    static double[] doubles(JsonNode array) {
        var out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).doubleValue();
        }
        return out;
    }

    static long[] longs(JsonNode array) {
        var out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).longValue();
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ksCases")
    void ks_shouldMatchScipyKs2samp_withTheMethodOfItsRegime(String name, JsonNode c) {
        var result = DriftStatistics.ks(doubles(c.get("x")), doubles(c.get("y")));

        assertThat(result.method()).isEqualTo(c.get("method").asText());
        assertThat(result.statistic()).isCloseTo(c.get("statistic").doubleValue(), within(STATISTIC_TOLERANCE));
        assertThat(result.pValue()).isCloseTo(c.get("pValue").doubleValue(), within(P_VALUE_TOLERANCE));
        Differences.record("ks.statistic", Math.abs(result.statistic() - c.get("statistic").doubleValue()));
        Differences.record("ks.pValue." + result.method(), Math.abs(result.pValue() - c.get("pValue").doubleValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ksCases")
    void ks_shouldBeSymmetric(String name, JsonNode c) {
        var forward = DriftStatistics.ks(doubles(c.get("x")), doubles(c.get("y")));
        var backward = DriftStatistics.ks(doubles(c.get("y")), doubles(c.get("x")));

        assertThat(backward.statistic()).isEqualTo(forward.statistic());
        assertThat(backward.pValue()).isCloseTo(forward.pValue(), within(1e-12));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chi2Cases")
    void chiSquare_shouldMatchScipyChi2Contingency_withoutYatesCorrection(String name, JsonNode c) {
        var result = DriftStatistics.chiSquare(longs(c.get("baseline")), longs(c.get("current")));

        assertThat(result.dof()).isEqualTo(c.get("dof").intValue());
        assertThat(result.statistic()).isCloseTo(c.get("statistic").doubleValue(), within(STATISTIC_TOLERANCE));
        assertThat(result.pValue()).isCloseTo(c.get("pValue").doubleValue(), within(P_VALUE_TOLERANCE));
        assertThat(result.cramersV()).isCloseTo(c.get("cramersVEqualRows").doubleValue(), within(STATISTIC_TOLERANCE));
        Differences.record("chi2.statistic", Math.abs(result.statistic() - c.get("statistic").doubleValue()));
        Differences.record("chi2.pValue", Math.abs(result.pValue() - c.get("pValue").doubleValue()));
        Differences.record("chi2.cramersV", Math.abs(result.cramersV() - c.get("cramersVEqualRows").doubleValue()));
    }

    @Test
    void cramersV_shouldEqualScipyAssociation_whenRowsHaveEqualTotals() {
        // GIVEN the one reference table whose rows have the same total
        for (JsonNode c : REFERENCE.get("chi2")) {
            long[] baseline = longs(c.get("baseline"));
            long[] current = longs(c.get("current"));
            if (Arrays.stream(baseline).sum() != Arrays.stream(current).sum()) {
                continue;
            }
            // THEN the rescaled V is scipy's plain Cramér's V
            assertThat(DriftStatistics.chiSquare(baseline, current).cramersV())
                    .isCloseTo(c.get("cramersV").doubleValue(), within(STATISTIC_TOLERANCE));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("psiCases")
    void psi_shouldMatchNumpy_withTheDocumentedBinsAndFloor(String name, JsonNode c) {
        long[] baseline;
        long[] current;
        if (c.has("edges")) {
            double[] edges = doubles(c.get("edges"));
            baseline = longs(c.get("baselineCounts"));
            current = DriftStatistics.histogram(edges, doubles(c.get("current")));
            assertThat(current).containsExactly(longs(c.get("currentCounts")));
        } else {
            baseline = longs(c.get("baseline"));
            current = longs(c.get("current"));
        }

        double psi = DriftStatistics.psi(baseline, current);

        assertThat(psi).isCloseTo(c.get("psi").doubleValue(), within(STATISTIC_TOLERANCE));
        Differences.record("psi", Math.abs(psi - c.get("psi").doubleValue()));
    }

    @Test
    void reference_shouldComeFromThePinnedVersions() {
        assertThat(REFERENCE.get("scipy").asText()).isEqualTo("1.15.3");
        assertThat(REFERENCE.get("numpy").asText()).isEqualTo("2.2.6");
        assertThat(REFERENCE.get("psiEpsilon").doubleValue()).isEqualTo(DriftStatistics.PSI_EPSILON);
    }

    @AfterAll
    static void writeDifferences() throws IOException {
        // kept beside the build output so the margins are on record, not only pass/fail
        var text = "max |ours - scipy/numpy| over reference.json: " + Differences.MAX + System.lineSeparator();
        System.out.print(text);
        Files.writeString(Path.of("target", "drift-reference-differences.txt"), text);
    }

    /** Largest differences seen per quantity. */
    static final class Differences {
        static final Map<String, Double> MAX = new ConcurrentSkipListMap<>();

        static void record(String what, double difference) {
            MAX.merge(what, difference, Math::max);
        }
    }
}
