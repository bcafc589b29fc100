package io.mlserve.core.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlserve.core.inference.Prediction;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BaselineBuilderTest {
    private static final ModelRef REF = new ModelRef("telco-churn", "3");
    private static final String CREATED = "2026-11-24T10:00:00Z";

    private static Feature feature(String name, FeatureType type) {
        return new Feature(name, type, null, null, null, null, null);
    }

    private static Baseline.Distribution numeric(double... values) {
        return BaselineBuilder.numeric("x", values);
    }

    private static double[] oneTo(int n) {
        return IntStream.rangeClosed(1, n).asDoubleStream().toArray();
    }

    /** Every bin's count, recomputed from the documented rule, independently of the builder's binary search. */
    private static long[] countByRule(double[] values, List<Double> edges) {
        var counts = new long[edges.size() + 1];
        for (double x : values) {
            int bin = edges.size();
            for (int i = 0; i < edges.size(); i++) {
                double lower = i == 0 ? Double.NEGATIVE_INFINITY : edges.get(i - 1);
                if (x > lower && x <= edges.get(i)) {
                    bin = i;
                    break;
                }
            }
            counts[bin]++;
        }
        return counts;
    }

    private static List<Long> list(long[] counts) {
        return Arrays.stream(counts).boxed().toList();
    }

    @Test
    void edges_shouldBeNearestRankDeciles_whenHundredDistinctValues() {
        var d = numeric(oneTo(100));

        // ⌈i·100/10⌉-th smallest = 10, 20, …, 90; each bin (10(i-1), 10i] holds 10 values
        assertThat(d.edges()).containsExactly(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0);
        assertThat(d.counts()).containsExactly(10L, 10L, 10L, 10L, 10L, 10L, 10L, 10L, 10L, 10L);
        assertThat(d.count()).isEqualTo(100);
        assertThat(d.missing()).isZero();
    }

    @Test
    void edges_shouldRoundRankUp_whenDecileFallsBetweenValues() {
        // n = 15: ranks ⌈1.5⌉=2, ⌈3⌉=3, ⌈4.5⌉=5, 6, ⌈7.5⌉=8, 9, ⌈10.5⌉=11, 12, ⌈13.5⌉=14
        var d = numeric(oneTo(15));

        assertThat(d.edges()).containsExactly(2.0, 3.0, 5.0, 6.0, 8.0, 9.0, 11.0, 12.0, 14.0);
        assertThat(d.counts()).containsExactly(2L, 1L, 2L, 1L, 2L, 1L, 2L, 1L, 2L, 1L);
    }

    @Test
    void edges_shouldMatchNumpyInvertedCdf_whenUnsortedDuplicatedInput() {
        // GIVEN 23 values with ties, not sorted
        double[] values = {3.5, -1.25, 7, 7, 0, 2.5, 9.75, 3.5, 3.5, 11, -4, 6.5, 8, 1, 1, 5.25, 7, 2, 10.5, -0.5, 4, 12.5, 3.5};

        // WHEN
        var d = numeric(values);

        // THEN np.quantile(values, np.arange(1, 10) / 10, method="inverted_cdf")
        //      = [-0.5, 1, 2, 3.5, 3.5, 5.25, 7, 8, 10.5] (numpy 2.2.6); the repeated 3.5 collapses
        assertThat(d.edges()).containsExactly(-0.5, 1.0, 2.0, 3.5, 5.25, 7.0, 8.0, 10.5);
        assertThat(d.counts()).isEqualTo(list(countByRule(values, d.edges())));
        assertThat(d.counts()).containsExactly(3L, 3L, 1L, 5L, 2L, 4L, 1L, 2L, 2L);
    }

    @Test
    void edges_shouldBeFewer_whenFewDistinctValues() {
        // GIVEN an int64-like column with three values: 1 ×50, 2 ×30, 3 ×20
        var values = new double[100];
        Arrays.fill(values, 0, 50, 1);
        Arrays.fill(values, 50, 80, 2);
        Arrays.fill(values, 80, 100, 3);

        var d = numeric(values);

        // deciles 1,1,1,1,1,2,2,2,3: the 3 equals the maximum, so the last bin (2, ∞) holds the 3s
        assertThat(d.edges()).containsExactly(1.0, 2.0);
        assertThat(d.counts()).containsExactly(50L, 30L, 20L);
    }

    @Test
    void edges_shouldLeaveNoEmptyBin_whenRandomDataWithTies() {
        var random = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            // GIVEN 1..300 values drawn from a small set (many ties) or a continuous distribution
            int n = 1 + random.nextInt(300);
            boolean discrete = trial % 2 == 0;
            var values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = discrete ? random.nextInt(1 + random.nextInt(12)) : random.nextGaussian() * 10;
            }

            var d = numeric(values);

            // THEN edges are distinct, ascending, below the max; counts follow the rule; no bin is empty
            var edges = d.edges();
            assertThat(edges.size()).isLessThanOrEqualTo(9);
            for (int i = 1; i < edges.size(); i++) {
                assertThat(edges.get(i)).isGreaterThan(edges.get(i - 1));
            }
            assertThat(d.counts()).hasSize(edges.size() + 1).doesNotContain(0L);
            assertThat(d.counts()).isEqualTo(list(countByRule(values, edges)));
            assertThat(d.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(n);
        }
    }

    @Test
    void numeric_shouldHaveOneBinAndNoEdges_whenOneDistinctValue() {
        var d = numeric(4, 4, 4);

        assertThat(d.edges()).isEmpty();
        assertThat(d.counts()).containsExactly(3L);
        assertThat(d.summary()).containsEntry("min", 4.0).containsEntry("max", 4.0).containsEntry("std", 0.0);
    }

    @Test
    void numeric_shouldCountMissingAndOmitSummary_whenNoUsableValue() {
        var d = numeric(Double.NaN, Double.NaN);

        assertThat(d.count()).isZero();
        assertThat(d.missing()).isEqualTo(2);
        assertThat(d.edges()).isEmpty();
        assertThat(d.counts()).containsExactly(0L);
        assertThat(d.sample()).isEmpty();
        assertThat(d.summary()).isNull();
    }

    @Test
    void summary_shouldMatchNumpy_whenUnsortedDuplicatedInput() {
        double[] values = {3.5, -1.25, 7, 7, 0, 2.5, 9.75, 3.5, 3.5, 11, -4, 6.5, 8, 1, 1, 5.25, 7, 2, 10.5, -0.5, 4, 12.5, 3.5};

        var summary = numeric(values).summary();

        // np.quantile(values, [.25, .5, .75]) = [1.5, 3.5, 7.0]; h = 22·p = 5.5, 11, 16.5 (numpy 2.2.6)
        // np.mean = 4.489130434782608, np.std (ddof=0) = 4.1437998871477735
        assertThat(summary.keySet()).containsExactly("min", "p25", "p50", "p75", "max", "mean", "std");
        assertThat(summary.get("min")).isEqualTo(-4.0);
        assertThat(summary.get("p25")).isEqualTo(1.5);
        assertThat(summary.get("p50")).isEqualTo(3.5);
        assertThat(summary.get("p75")).isEqualTo(7.0);
        assertThat(summary.get("max")).isEqualTo(12.5);
        assertThat(summary.get("mean")).isCloseTo(4.489130434782608, within(1e-12));
        assertThat(summary.get("std")).isCloseTo(4.1437998871477735, within(1e-12));
    }

    @Test
    void linearQuantile_shouldInterpolateBetweenClosestRanks() {
        double[] sorted = {1, 2, 4, 8};

        // h = 3p: p25 → 0.75 between 1 and 2; p50 → 1.5 between 2 and 4; p75 → 2.25 between 4 and 8
        assertThat(BaselineBuilder.linearQuantile(sorted, 0.25)).isEqualTo(1.75);
        assertThat(BaselineBuilder.linearQuantile(sorted, 0.5)).isEqualTo(3.0);
        assertThat(BaselineBuilder.linearQuantile(sorted, 0.75)).isEqualTo(5.0);
        assertThat(BaselineBuilder.linearQuantile(sorted, 0)).isEqualTo(1.0);
        assertThat(BaselineBuilder.linearQuantile(sorted, 1)).isEqualTo(8.0);
        assertThat(BaselineBuilder.linearQuantile(new double[] {5}, 0.5)).isEqualTo(5.0);
    }

    @Test
    void bin_shouldPutEdgeValueInLowerBin_andOutsideValuesInOuterBins() {
        double[] edges = {1, 2, 3};

        assertThat(BaselineBuilder.bin(edges, -100)).isZero();
        assertThat(BaselineBuilder.bin(edges, 1)).isZero(); // x <= edges[0]
        assertThat(BaselineBuilder.bin(edges, 1.0000001)).isEqualTo(1);
        assertThat(BaselineBuilder.bin(edges, 2)).isEqualTo(1); // (1, 2]
        assertThat(BaselineBuilder.bin(edges, 3)).isEqualTo(2);
        assertThat(BaselineBuilder.bin(edges, 3.5)).isEqualTo(3); // open last bin
        assertThat(BaselineBuilder.bin(new double[0], 7)).isZero();
    }

    @Test
    void sample_shouldKeepAllValuesSorted_whenAtMostMaxSample() {
        var d = numeric(5, 3, 9, 1);

        assertThat(d.sample()).containsExactly(1.0, 3.0, 5.0, 9.0);
    }

    @Test
    void sample_shouldBeDeterministicReservoirOfMaxSample_whenMoreValues() {
        // GIVEN 25,000 distinct values
        var values = oneTo(25_000);

        // WHEN built twice
        var first = numeric(values).sample();
        var second = numeric(values.clone()).sample();

        // THEN 10,000 distinct values from the input, ascending, the same both times, spread over the whole range
        assertThat(first).hasSize(BaselineBuilder.MAX_SAMPLE).isEqualTo(second).isSorted();
        assertThat(first.stream().distinct().count()).isEqualTo(BaselineBuilder.MAX_SAMPLE);
        assertThat(first).allSatisfy(v -> assertThat(v).isBetween(1.0, 25_000.0));
        long fromLastFifth = first.stream().filter(v -> v > 20_000).count();
        assertThat(fromLastFifth).isBetween(1_800L, 2_200L); // expected 2,000: late rows get in too
    }

    @Test
    void reservoir_shouldSampleUniformly_whenManyRuns() {
        // GIVEN 20 values, reservoir of 5, different seeds: each value should be picked about 5/20 of the time
        var values = oneTo(20);
        var picks = new int[21];
        int runs = 4_000;
        for (int seed = 0; seed < runs; seed++) {
            for (double v : BaselineBuilder.reservoir(values, 5, seed)) {
                picks[(int) v]++;
            }
        }

        for (int v = 1; v <= 20; v++) {
            assertThat(picks[v]).as("value %d", v).isBetween(900, 1_100); // expected 1,000, sd ≈ 27
        }
    }

    @Test
    void parseNumber_shouldTreatBlankGarbageAndNonFiniteAsMissing() {
        assertThat(BaselineBuilder.parseNumber(" 2.5 ")).isEqualTo(2.5);
        assertThat(BaselineBuilder.parseNumber("-3")).isEqualTo(-3.0);
        assertThat(BaselineBuilder.parseNumber("1e3")).isEqualTo(1000.0);
        assertThat(BaselineBuilder.parseNumber("7.")).isEqualTo(7.0);
        for (var bad : new String[] {null, "", "  ", "abc", "NaN", "Infinity", "-Infinity", "1d", "0x1p3", "1e999", "1,5"}) {
            assertThat(BaselineBuilder.parseNumber(bad)).as(String.valueOf(bad)).isNaN();
        }
    }

    @Test
    void build_shouldSummariseEachFeatureInOrder_andLabelsForClassification() {
        // GIVEN two numeric features (float, int64) and a string one, one blank and one garbage cell
        var features = List.of(
                feature("tenure", FeatureType.FLOAT), feature("contract", FeatureType.STRING), feature("lines", FeatureType.INT64));
        var rows = List.of(
                new String[] {"1.5", "monthly", "1"},
                new String[] {"12", "two-year", "2"},
                new String[] {"", "monthly", "2"},
                new String[] {"30", "", "x"},
                new String[] {"7", "one-year", "3"});
        var predictions = List.<Prediction>of(
                new Prediction.Classification("yes", Map.of("no", 0.2, "yes", 0.8)),
                new Prediction.Classification("no", null),
                new Prediction.Classification("yes", null),
                new Prediction.Classification("no", null),
                new Prediction.Classification("no", null));

        // WHEN
        var b = BaselineBuilder.build(REF, "training", "s3://data/training/telco-churn/", CREATED, features, rows, Task.CLASSIFICATION,
                predictions);

        // THEN
        assertThat(b.schemaVersion()).isEqualTo(1);
        assertThat(b.model()).isEqualTo("telco-churn");
        assertThat(b.version()).isEqualTo("3");
        assertThat(b.source()).isEqualTo("training");
        assertThat(b.data()).isEqualTo("s3://data/training/telco-churn/");
        assertThat(b.createdAt()).isEqualTo(CREATED);
        assertThat(b.rows()).isEqualTo(5);
        assertThat(b.features()).extracting(Baseline.Distribution::name).containsExactly("tenure", "contract", "lines");

        var tenure = b.features().get(0);
        assertThat(tenure.kind()).isEqualTo("numeric");
        assertThat(tenure.count()).isEqualTo(4);
        assertThat(tenure.missing()).isEqualTo(1);
        assertThat(tenure.sample()).containsExactly(1.5, 7.0, 12.0, 30.0);
        assertThat(tenure.frequencies()).isNull();

        var contract = b.features().get(1);
        assertThat(contract.kind()).isEqualTo("categorical");
        assertThat(contract.count()).isEqualTo(4);
        assertThat(contract.missing()).isEqualTo(1);
        assertThat(contract.frequencies()).containsExactly(Map.entry("monthly", 2L), Map.entry("one-year", 1L), Map.entry("two-year", 1L));
        assertThat(contract.edges()).isNull();
        assertThat(contract.sample()).isNull();

        var lines = b.features().get(2);
        assertThat(lines.count()).isEqualTo(4);
        assertThat(lines.missing()).isEqualTo(1);
        assertThat(lines.summary()).containsEntry("min", 1.0).containsEntry("max", 3.0);

        assertThat(b.prediction().name()).isEqualTo("prediction");
        assertThat(b.prediction().kind()).isEqualTo("categorical");
        assertThat(b.prediction().frequencies()).containsExactly(Map.entry("no", 3L), Map.entry("yes", 2L));
    }

    @Test
    void build_shouldSummariseValues_whenRegression() {
        var features = List.of(feature("area", FeatureType.DOUBLE));
        var rows = List.of(new String[] {"50"}, new String[] {"80"}, new String[] {"120"});
        var predictions = List.<Prediction>of(
                new Prediction.Regression(100.0), new Prediction.Regression(Double.NaN), new Prediction.Regression(300.0));

        var b = BaselineBuilder.build(REF, "reference", "s3://d/ref.csv", CREATED, features, rows, Task.REGRESSION, predictions);

        assertThat(b.prediction().kind()).isEqualTo("numeric");
        assertThat(b.prediction().count()).isEqualTo(2);
        assertThat(b.prediction().missing()).isEqualTo(1); // a NaN output is missing, not a value
        assertThat(b.prediction().sample()).containsExactly(100.0, 300.0);
        assertThat(b.prediction().summary()).containsEntry("mean", 200.0);
    }

    @Test
    void build_shouldUseFirstTarget_whenMultiTargetRegression() {
        var features = List.of(feature("a", FeatureType.FLOAT));
        var rows = List.of(new String[] {"1"}, new String[] {"2"});
        var first = new LinkedHashMap<String, Double>();
        first.put("price", 10.0);
        first.put("rent", 1.0);
        var second = new LinkedHashMap<String, Double>();
        second.put("price", 20.0);
        second.put("rent", 2.0);

        var b = BaselineBuilder.build(REF, "reference", "d", CREATED, features, rows, Task.REGRESSION,
                List.of(new Prediction.Regression(first), new Prediction.Regression(second)));

        assertThat(b.prediction().sample()).containsExactly(10.0, 20.0);
    }

    @Test
    void build_shouldReject_whenRowsAndPredictionsDisagree() {
        var features = List.of(feature("a", FeatureType.FLOAT), feature("b", FeatureType.STRING));
        var two = List.<Prediction>of(new Prediction.Regression(1.0), new Prediction.Regression(2.0));

        assertThatThrownBy(() -> BaselineBuilder.build(REF, "reference", "d", CREATED, features,
                        List.<String[]>of(new String[] {"1", "x"}), Task.REGRESSION, two))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 predictions for 1 rows");
        assertThatThrownBy(() -> BaselineBuilder.build(REF, "reference", "d", CREATED, features,
                        List.of(new String[] {"1", "x"}, new String[] {"2"}), Task.REGRESSION, two))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 1 has 1 cells for 2 features");
        assertThatThrownBy(() -> BaselineBuilder.build(REF, "reference", "d", CREATED, features,
                        List.of(new String[] {"1", "x"}, new String[] {"2", "y"}), Task.CLASSIFICATION, two))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("classification task but a regression prediction");
    }

    @Test
    void build_shouldBeIdenticalJson_whenBuiltTwiceFromSameRows() throws Exception {
        // GIVEN 30,000 rows (the sample path) of a float and a string feature
        var random = new Random(7);
        var features = List.of(feature("x", FeatureType.FLOAT), feature("s", FeatureType.STRING));
        var rows = new ArrayList<String[]>();
        var predictions = new ArrayList<Prediction>();
        for (int i = 0; i < 30_000; i++) {
            rows.add(new String[] {Double.toString(random.nextGaussian()), random.nextBoolean() ? "a" : "b"});
            predictions.add(new Prediction.Regression(random.nextDouble()));
        }

        // WHEN
        var once = Json.MAPPER.writeValueAsString(
                BaselineBuilder.build(REF, "training", "d", CREATED, features, rows, Task.REGRESSION, predictions));
        var twice = Json.MAPPER.writeValueAsString(
                BaselineBuilder.build(REF, "training", "d", CREATED, features, rows, Task.REGRESSION, predictions));

        // THEN same bytes, and the JSON reads back into an equal baseline
        assertThat(once).isEqualTo(twice);
        var read = Json.MAPPER.readValue(once, Baseline.class);
        assertThat(Json.MAPPER.writeValueAsString(read)).isEqualTo(once);
        assertThat(read.features().get(0).sample()).hasSize(BaselineBuilder.MAX_SAMPLE);
    }

    @Test
    void json_shouldOmitFieldsOfTheOtherKind() throws Exception {
        var d = BaselineBuilder.categorical("contract", List.of("monthly", "monthly", "one-year"));

        var json = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(d));

        assertThat(json.has("edges")).isFalse();
        assertThat(json.has("sample")).isFalse();
        assertThat(json.has("summary")).isFalse();
        assertThat(json.get("frequencies").get("monthly").asLong()).isEqualTo(2);
        assertThat(json.get("kind").asText()).isEqualTo("categorical");
    }
}
