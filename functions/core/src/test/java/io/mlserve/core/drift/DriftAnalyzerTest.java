package io.mlserve.core.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.baseline.Baseline;
import io.mlserve.core.baseline.BaselineBuilder;
import io.mlserve.core.drift.DriftReport.FeatureDrift;
import io.mlserve.core.drift.DriftReport.Verdict;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.Task;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** {@link DriftAnalyzer} on generated traffic: shifts it must flag, noise it must not, data it must not judge. */
class DriftAnalyzerTest {
    static final ModelRef REF = new ModelRef("churn", "3");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
    static final DriftReport.Window WINDOW = new DriftReport.Window(24, 10_000, "2026-11-23T12:00:00Z", "2026-11-24T12:00:00Z");
    static final List<String> FEATURES = List.of("x0", "x1", "x2", "x3", "plan");
    static final String[] PLANS = {"basic", "plus", "pro"};
    static final double[] PLAN_MIX = {0.5, 0.3, 0.2};
    static final DriftConfig CONFIG = DriftConfig.defaults();
    /** The baseline: 10,000 reference rows of the traffic below, unshifted (seed 1). */
    static final Baseline BASELINE = baseline(traffic(10_000, new Random(1), UnaryOperator.identity(), PLAN_MIX));

    /**
     * Rows of a 5-feature model: x0..x3 independent normals (different means and scales), plan categorical.
     * The model's label depends on x2 only, so shifting x0 moves no prediction.
     */
    record Traffic(List<String[]> rows, List<Object> predictions) {}

    static Traffic traffic(int n, Random random, UnaryOperator<double[]> shift, double[] planMix) {
        var rows = new ArrayList<String[]>(n);
        var predictions = new ArrayList<Object>(n);
        double[] means = {0, 10, -3, 100};
        double[] scales = {1, 2, 0.5, 15};
        for (int i = 0; i < n; i++) {
            var x = new double[4];
            for (int j = 0; j < 4; j++) {
                x[j] = means[j] + scales[j] * random.nextGaussian();
            }
            x = shift.apply(x);
            String plan = pick(random, planMix);
            rows.add(new String[] {num(x[0]), num(x[1]), num(x[2]), num(x[3]), plan});
            predictions.add(new Prediction.Classification(x[2] > -3 ? "stays" : "churns", Map.of()));
        }
        return new Traffic(rows, predictions);
    }

    static String pick(Random random, double[] mix) {
        double u = random.nextDouble();
        for (int k = 0; k < mix.length; k++) {
            u -= mix[k];
            if (u < 0) {
                return k < PLANS.length ? PLANS[k] : "unseen-" + k;
            }
        }
        return PLANS[0];
    }

    static String num(double x) {
        return Double.toString(x);
    }

    static Baseline baseline(Traffic reference) {
        var features = FEATURES.stream()
                .map(name -> new Feature(name, name.equals("plan") ? FeatureType.STRING : FeatureType.DOUBLE, null, null, null, null, null))
                .toList();
        var predictions = reference.predictions().stream().map(p -> (Prediction) p).toList();
        return BaselineBuilder.build(REF, "reference", "s3://data/churn/reference.csv", "2026-11-24T00:00:00Z", features,
                reference.rows(), Task.CLASSIFICATION, predictions);
    }

    static DriftReport analyze(Traffic t) {
        return DriftAnalyzer.analyze(REF, BASELINE, CONFIG, t.rows(), t.predictions(), WINDOW, CLOCK);
    }

    static FeatureDrift feature(DriftReport report, String name) {
        return report.features().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void analyze_shouldFlagThatFeatureOnly_whenOneFeatureShiftsHalfASigma() {
        // GIVEN 20 seeded windows of 2,000 rows in which x0's mean moved by 0.5 sigma
        for (int seed = 100; seed < 120; seed++) {
            var shifted = traffic(2_000, new Random(seed), x -> new double[] {x[0] + 0.5, x[1], x[2], x[3]}, PLAN_MIX);

            // WHEN
            var report = analyze(shifted);

            // THEN x0, and nothing else, drifted
            assertThat(report.verdict()).as("seed %d", seed).isEqualTo(Verdict.DRIFT);
            assertThat(report.driftedFeatures()).as("seed %d", seed).containsExactly("x0");
            var x0 = feature(report, "x0");
            assertThat(x0.test()).isEqualTo("ks");
            assertThat(x0.statistic()).isGreaterThan(0.1);
            assertThat(x0.pValue()).isLessThan(1e-6);
            assertThat(report.worstFirst().get(0).name()).isEqualTo("x0");
        }
    }

    @Test
    void analyze_shouldRaiseNoAlarm_inAtLeast95Of100SeededSameDistributionWindows() {
        // GIVEN 100 windows of 2,000 rows drawn like the baseline
        int alarms = 0;
        var alarmed = new ArrayList<String>();
        for (int seed = 1_000; seed < 1_100; seed++) {
            var report = analyze(traffic(2_000, new Random(seed), UnaryOperator.identity(), PLAN_MIX));
            assertThat(report.verdict()).isNotEqualTo(Verdict.INSUFFICIENT_DATA);
            if (report.verdict() == Verdict.DRIFT) {
                alarms++;
                alarmed.add(seed + ":" + report.driftedFeatures());
            }
        }

        // THEN at most 5 alarms (the bar); record how many there were
        System.out.println("same-distribution trials: " + alarms + " alarms in 100 " + alarmed);
        assertThat(alarms).as("alarms in 100 trials: %s", alarmed).isLessThanOrEqualTo(5);
    }

    @Test
    void analyze_shouldFlagCategoricalFeature_whenItsMixChanges20Points() {
        // GIVEN plan moves from 50/30/20 to 30/50/20
        var report = analyze(traffic(2_000, new Random(7), UnaryOperator.identity(), new double[] {0.3, 0.5, 0.2}));

        // THEN
        assertThat(report.driftedFeatures()).containsExactly("plan");
        var plan = feature(report, "plan");
        assertThat(plan.test()).isEqualTo("chi2");
        assertThat(plan.effectSize()).isGreaterThan(0.1);
        assertThat(plan.pValue()).isLessThan(1e-6);
        assertThat(plan.current().bins()).containsExactly("basic", "plus", "pro");
    }

    @Test
    void analyze_shouldCountUnseenCategoriesAsTheirOwn_andFlagThem() {
        // GIVEN 20% of the traffic in a plan the baseline never saw
        var report = analyze(traffic(2_000, new Random(8), UnaryOperator.identity(), new double[] {0.4, 0.24, 0.16, 0.2}));

        // THEN the new category is a bin of its own (0 in the baseline) and the feature drifted
        var plan = feature(report, "plan");
        assertThat(plan.baseline().bins()).containsExactly("basic", "plus", "pro", "unseen-3");
        assertThat(plan.baseline().counts().get(3)).isZero();
        assertThat(plan.current().counts().get(3)).isBetween(300L, 500L);
        assertThat(plan.statistic()).isEqualTo(DriftStatistics.chiSquare(
                plan.baseline().counts().stream().mapToLong(Long::longValue).toArray(),
                plan.current().counts().stream().mapToLong(Long::longValue).toArray()).statistic());
        assertThat(report.driftedFeatures()).containsExactly("plan");
    }

    @Test
    void analyze_shouldNotFlag_whenUnseenCategoryIsRare() {
        // GIVEN 0.2% of the traffic in an unseen plan: counted, but too small to matter
        var report = analyze(traffic(2_000, new Random(9), UnaryOperator.identity(), new double[] {0.499, 0.3, 0.199, 0.002}));

        assertThat(feature(report, "plan").drifted()).isFalse();
        assertThat(report.verdict()).isEqualTo(Verdict.NO_DRIFT);
    }

    @Test
    void analyze_shouldFlagPrediction_whenPredictionsShift() {
        // GIVEN x2 (which the label depends on) shifted by one sigma
        var report = analyze(traffic(2_000, new Random(10), x -> new double[] {x[0], x[1], x[2] + 0.5, x[3]}, PLAN_MIX));

        assertThat(report.driftedFeatures()).containsExactlyInAnyOrder("x2", "prediction");
        assertThat(report.prediction().test()).isEqualTo("chi2");
    }

    @Test
    void analyze_shouldNotFlag_whenShiftIsSignificantButBelowEffectThresholds() {
        // GIVEN a tiny shift on 10,000 rows: a p-value alone would call it drift
        var config = DriftConfig.parse(Json.MAPPER.valueToTree(Map.of("window", Map.of("lastRows", 20_000))), FEATURES);
        var t = traffic(10_000, new Random(11), x -> new double[] {x[0] + 0.1, x[1], x[2], x[3]}, PLAN_MIX);

        var report = DriftAnalyzer.analyze(REF, BASELINE, config, t.rows(), t.predictions(), WINDOW, CLOCK);

        var x0 = feature(report, "x0");
        assertThat(x0.pValue()).isLessThan(0.01);
        assertThat(x0.drifted()).isFalse();
        assertThat(report.verdict()).isEqualTo(Verdict.NO_DRIFT);
    }

    @Test
    void analyze_shouldApplyPerFeatureOverrides() {
        // GIVEN x0 shifted half a sigma, but x0's thresholds set far higher
        var body = Json.MAPPER.valueToTree(Map.of("thresholds", Map.of("features", Map.of("x0", Map.of("ks", 0.5, "psi", 5)))));
        var config = DriftConfig.parse(body, FEATURES);
        var t = traffic(2_000, new Random(12), x -> new double[] {x[0] + 0.5, x[1], x[2], x[3]}, PLAN_MIX);

        var report = DriftAnalyzer.analyze(REF, BASELINE, config, t.rows(), t.predictions(), WINDOW, CLOCK);

        assertThat(feature(report, "x0").thresholds()).isEqualTo(new DriftConfig.FeatureThresholds(5.0, 0.5, 0.1, 0.01));
        assertThat(report.verdict()).isEqualTo(Verdict.NO_DRIFT);
    }

    @Test
    void analyze_shouldSayInsufficientData_whenThereIsNoBaseline() {
        var t = traffic(2_000, new Random(13), UnaryOperator.identity(), PLAN_MIX);

        var report = DriftAnalyzer.analyze(REF, null, CONFIG, t.rows(), t.predictions(), WINDOW, CLOCK);

        assertThat(report.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(report.reason()).contains("no baseline");
        assertThat(report.features()).isEmpty();
        assertThat(report.samples()).isEqualTo(2_000);
    }

    @Test
    void analyze_shouldSayInsufficientData_whenRowsAreFewerThanMinSamples() {
        // GIVEN 499 rows, shifted far: no verdict either way
        var t = traffic(499, new Random(14), x -> new double[] {x[0] + 3, x[1], x[2], x[3]}, PLAN_MIX);

        var report = analyze(t);

        assertThat(report.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(report.reason()).contains("499 rows").contains("minSamples (500)");
        assertThat(report.features()).hasSize(5).noneMatch(FeatureDrift::evaluable).noneMatch(FeatureDrift::drifted);
    }

    @Test
    void analyze_shouldReportFeatureAsNotEvaluable_whenItIsMissingFromTheRows() {
        // GIVEN rows logged without their last two cells (x3, plan) and x1 blank in most rows
        var t = traffic(2_000, new Random(15), UnaryOperator.identity(), PLAN_MIX);
        var rows = new ArrayList<String[]>();
        for (int i = 0; i < t.rows().size(); i++) {
            var r = t.rows().get(i);
            rows.add(new String[] {r[0], i % 10 == 0 ? r[1] : "", r[2]});
        }

        var report = DriftAnalyzer.analyze(REF, BASELINE, CONFIG, rows, t.predictions(), WINDOW, CLOCK);

        // THEN x1, x3 and plan are not judged (and not drifted); the rest are, and the verdict stands on them
        assertThat(feature(report, "x3").evaluable()).isFalse();
        assertThat(feature(report, "x3").reason()).contains("no value");
        assertThat(feature(report, "plan").evaluable()).isFalse();
        assertThat(feature(report, "x1").evaluable()).isFalse();
        assertThat(feature(report, "x1").reason()).contains("only 200 of 2000");
        assertThat(feature(report, "x1").missing()).isEqualTo(1_800);
        assertThat(report.features()).filteredOn(f -> !f.evaluable()).noneMatch(FeatureDrift::drifted)
                .allMatch(f -> f.statistic() == null && f.pValue() == null);
        assertThat(report.verdict()).isEqualTo(Verdict.NO_DRIFT);
        assertThat(report.reason()).isEqualTo("not judged: x1, x3, plan");
    }

    @Test
    void analyze_shouldReportFeatureAsNotEvaluable_whenTheBaselineHasNoValuesForIt() {
        // GIVEN a baseline whose reference rows never had x3 (empty sample, edges [], counts [0])
        var reference = traffic(1_000, new Random(2), UnaryOperator.identity(), PLAN_MIX);
        reference.rows().forEach(r -> r[3] = "");
        var baseline = baseline(reference);
        var t = traffic(2_000, new Random(19), UnaryOperator.identity(), PLAN_MIX);

        var report = DriftAnalyzer.analyze(REF, baseline, CONFIG, t.rows(), t.predictions(), WINDOW, CLOCK);

        assertThat(feature(report, "x3").evaluable()).isFalse();
        assertThat(feature(report, "x3").reason()).isEqualTo("the baseline has no sample for this feature");
        assertThat(report.verdict()).isEqualTo(Verdict.NO_DRIFT);
        assertThat(DriftAnalyzer.analyze(REF, baseline, CONFIG, null, null, WINDOW, CLOCK).verdict())
                .isEqualTo(Verdict.INSUFFICIENT_DATA);
    }

    @Test
    void analyze_shouldSayInsufficientData_whenNoFeatureCanBeJudged() {
        var rows = new ArrayList<String[]>();
        var predictions = new ArrayList<Object>();
        for (int i = 0; i < 1_000; i++) {
            rows.add(new String[0]);
            predictions.add(null);
        }

        var report = DriftAnalyzer.analyze(REF, BASELINE, CONFIG, rows, predictions, WINDOW, CLOCK);

        assertThat(report.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(report.reason()).isEqualTo("no feature could be judged");
    }

    @Test
    void analyze_shouldSkipUnparsableNumbers_countingThemMissing() {
        var t = traffic(2_000, new Random(16), UnaryOperator.identity(), PLAN_MIX);
        t.rows().get(0)[0] = "abc";
        t.rows().get(1)[0] = "NaN";
        t.rows().get(2)[0] = null;

        var x0 = feature(analyze(t), "x0");

        assertThat(x0.missing()).isEqualTo(3);
        assertThat(x0.samples()).isEqualTo(1_997);
        assertThat(x0.current().counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(1_997);
    }

    @Test
    void report_shouldRoundTripThroughJson_withTheApiSpellings() throws Exception {
        var report = analyze(traffic(2_000, new Random(17), x -> new double[] {x[0] + 0.5, x[1], x[2], x[3]}, PLAN_MIX));

        var json = Json.MAPPER.writeValueAsString(report);
        var tree = Json.MAPPER.readTree(json);

        assertThat(tree.get("verdict").asText()).isEqualTo("drift");
        assertThat(tree.get("features").get(0).fieldNames()).toIterable().contains("name", "test", "statistic", "pValue", "psi",
                "drifted", "baseline", "current").doesNotContain("severity");
        assertThat(tree.has("worstFirst")).isFalse();
        assertThat(Json.MAPPER.readValue(json, DriftReport.class)).isEqualTo(report);
    }

    @Test
    void histograms_shouldShareBins_withBaselineCountsFromTheBaseline() {
        var x3 = feature(analyze(traffic(2_000, new Random(18), UnaryOperator.identity(), PLAN_MIX)), "x3");
        var base = BASELINE.features().get(3);

        assertThat(x3.baseline().counts()).isEqualTo(base.counts());
        assertThat(x3.baseline().bins()).isEqualTo(x3.current().bins()).hasSize(10);
        assertThat(x3.baseline().bins().get(0)).startsWith("≤ ");
        assertThat(x3.baseline().bins().get(9)).startsWith("> ");
        assertThat(x3.current().counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(2_000);
    }
}
