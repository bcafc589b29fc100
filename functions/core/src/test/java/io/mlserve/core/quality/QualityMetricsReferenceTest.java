package io.mlserve.core.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The metrics equal scikit-learn's on the committed pairs ({@code quality/reference.json}, made by
 * {@code quality/make_reference.sh}) within 1e-9; the largest differences go to
 * {@code target/quality-reference-differences.txt}.
 */
class QualityMetricsReferenceTest {
    private static final double TOLERANCE = 1e-9;
    private static final Map<String, Double> LARGEST = new LinkedHashMap<>();

    static Stream<JsonNode> cases() throws IOException {
        try (InputStream in = QualityMetricsReferenceTest.class.getResourceAsStream("/quality/reference.json")) {
            var cases = new ArrayList<JsonNode>();
            Json.MAPPER.readTree(in).get("cases").forEach(cases::add);
            return cases.stream();
        }
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("cases")
    void metrics_shouldEqualScikitLearn_onCommittedPairs(JsonNode c) {
        var expected = c.get("sklearn");
        if (c.get("kind").asText().equals("classification")) {
            var actual = strings(c.get("actual"));
            var predicted = strings(c.get("predicted"));
            var probabilities = new ArrayList<Map<String, Double>>();
            c.get("probabilities").forEach(row -> {
                var p = new LinkedHashMap<String, Double>();
                row.properties().forEach(e -> p.put(e.getKey(), e.getValue().doubleValue()));
                probabilities.add(p);
            });

            var m = QualityMetrics.classification(actual, predicted, probabilities);

            close("accuracy", m.accuracy().value(), expected.get("accuracy").doubleValue());
            close("macroF1", m.macroF1().value(), expected.get("macroF1").doubleValue());
            close("logLoss", m.logLoss().value(), expected.get("logLoss").doubleValue());
            assertThat(m.precision().keySet()).containsExactlyElementsOf(strings(expected.get("labels")));
            expected.get("precision").properties().forEach(e -> close("precision", m.precision().get(e.getKey()).value(), e.getValue().doubleValue()));
            expected.get("recall").properties().forEach(e -> close("recall", m.recall().get(e.getKey()).value(), e.getValue().doubleValue()));
            assertThat(Json.MAPPER.valueToTree(m.confusionMatrix()).toString()).isEqualTo(expected.get("confusionMatrix").toString());
            intervalsHold(m.accuracy(), m.macroF1(), m.logLoss());
        } else {
            var actual = doubles(c.get("actual"));
            var predicted = doubles(c.get("predicted"));

            var m = QualityMetrics.regression(actual, predicted);

            close("mae", m.mae().value(), expected.get("mae").doubleValue());
            close("rmse", m.rmse().value(), expected.get("rmse").doubleValue());
            close("mape", m.mape().value(), expected.get("mape").doubleValue());
            close("r2", m.r2().value(), expected.get("r2").doubleValue());
            assertThat(m.mapeExcluded()).isEqualTo(expected.get("mapeExcluded").longValue());
            intervalsHold(m.mae(), m.rmse(), m.mape(), m.r2());
        }
    }

    private static void intervalsHold(Estimate... estimates) {
        for (var e : estimates) {
            assertThat(e.low()).isLessThanOrEqualTo(e.value());
            assertThat(e.high()).isGreaterThanOrEqualTo(e.value());
        }
    }

    private static void close(String metric, double actual, double expected) {
        double difference = Math.abs(actual - expected);
        LARGEST.merge(metric, difference, Math::max);
        assertThat(actual).as(metric).isCloseTo(expected, within(TOLERANCE));
    }

    @AfterAll
    static void writeDifferences() throws IOException {
        var out = new StringBuilder("largest |java - scikit-learn| per metric over reference.json\n");
        LARGEST.forEach((k, v) -> out.append(k).append(' ').append(v).append('\n'));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "quality-reference-differences.txt"), out);
    }

    private static List<String> strings(JsonNode array) {
        var out = new ArrayList<String>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static double[] doubles(JsonNode array) {
        var out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).doubleValue();
        }
        return out;
    }
}
