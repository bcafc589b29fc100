package io.mlserve.core.drift;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What one drift check found: live traffic of a model version compared with the version's baseline,
 * feature by feature and for the predictions. Made by {@link DriftAnalyzer}; serialised as the report
 * JSON of {@code GET /models/{name}/drift} and rendered as the HTML report page.
 *
 * @param model model name
 * @param version the version whose traffic and baseline were compared
 * @param window which logged rows were read
 * @param samples rows read
 * @param verdict drift, no-drift or insufficient-data
 * @param reason why the verdict is insufficient-data (or which features could not be judged); null otherwise
 * @param features one entry per feature, in manifest order (empty when there is no baseline)
 * @param prediction the same for the predictions, or null when there is no baseline
 * @param createdAt ISO-8601 instant of the check
 */
public record DriftReport(
        String model,
        String version,
        Window window,
        long samples,
        Verdict verdict,
        String reason,
        List<FeatureDrift> features,
        FeatureDrift prediction,
        String createdAt) {

    public DriftReport {
        features = features == null ? List.of() : List.copyOf(features);
    }

    /** A check's outcome. */
    public enum Verdict {
        /** At least one feature (or the predictions) drifted. */
        DRIFT("drift"),
        /** Every feature that could be judged is stable. */
        NO_DRIFT("no-drift"),
        /** No baseline, too few rows, or no feature could be judged: nothing is claimed. */
        INSUFFICIENT_DATA("insufficient-data");

        private final String spelling;

        Verdict(String spelling) {
            this.spelling = spelling;
        }

        /** @return the API spelling */
        @JsonValue
        public String spelling() {
            return spelling;
        }

        /**
         * @param spelling API spelling
         * @return the verdict
         * @throws IllegalArgumentException for an unknown spelling
         */
        @JsonCreator
        public static Verdict of(String spelling) {
            for (var v : values()) {
                if (v.spelling.equals(spelling)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown verdict '" + spelling + "'");
        }
    }

    /**
     * The logged rows a check read.
     *
     * @param hours the configured look-back, or null
     * @param lastRows the configured row cap, or null
     * @param from ISO-8601 time of the oldest row read, or null when none
     * @param to ISO-8601 time of the newest row read, or null when none
     */
    public record Window(Integer hours, Integer lastRows, String from, String to) {}

    /**
     * Counts per bin, baseline and current sharing the same bins.
     *
     * @param bins bin labels: {@code ≤ a}, {@code (a, b]}, {@code > z} for numbers; category values for categories
     * @param counts values per bin
     * @param edges numbers: the baseline's inner bin edges; null for categories
     */
    public record Histogram(List<String> bins, List<Long> counts, List<Double> edges) {
        public Histogram {
            bins = List.copyOf(bins);
            counts = List.copyOf(counts);
            edges = edges == null ? null : List.copyOf(edges);
        }
    }

    /**
     * One feature's (or the predictions') comparison.
     *
     * @param name feature name ({@code prediction} for the predictions)
     * @param kind {@code numeric} or {@code categorical}
     * @param test {@code ks} (numbers) or {@code chi2} (categories)
     * @param evaluable false when the feature could not be judged (see {@code reason}); its scores are then null
     * @param reason why it could not be judged, or null
     * @param samples current values (non-missing)
     * @param missing current rows without a usable value
     * @param statistic KS statistic D, or the chi-square statistic
     * @param pValue the test's p-value
     * @param psi population stability index over the baseline's bins (or categories)
     * @param effectSize KS statistic D (numbers) or Cramér's V (categories), compared with {@code ks}/{@code chi2}
     * @param thresholds the thresholds applied (overrides resolved)
     * @param drifted true only when the p-value is below {@code thresholds.pValue} AND the effect size or PSI exceeds its threshold
     * @param baseline the baseline's histogram
     * @param current the current histogram, same bins
     */
    public record FeatureDrift(
            String name,
            String kind,
            String test,
            boolean evaluable,
            String reason,
            long samples,
            long missing,
            Double statistic,
            Double pValue,
            Double psi,
            Double effectSize,
            DriftConfig.FeatureThresholds thresholds,
            boolean drifted,
            Histogram baseline,
            Histogram current) {

        /**
         * How far past its thresholds the feature is: the larger of effect size / its threshold and PSI / its
         * threshold (1 = at the threshold); 0 when not evaluable.
         *
         * @return the severity used to rank features, worst first
         */
        public double severity() {
            if (!evaluable || thresholds == null) {
                return 0;
            }
            double effectThreshold = "ks".equals(test) ? thresholds.ks() : thresholds.chi2();
            double effect = effectSize == null ? 0 : effectSize / effectThreshold;
            double shift = psi == null ? 0 : psi / thresholds.psi();
            return Math.max(effect, shift);
        }
    }

    /** Worst first: drifted before stable, then by severity; features that could not be judged last. */
    public static final Comparator<FeatureDrift> WORST_FIRST = Comparator.comparing((FeatureDrift f) -> !f.drifted())
            .thenComparing(f -> !f.evaluable())
            .thenComparing(Comparator.comparingDouble(FeatureDrift::severity).reversed());

    /** @return the features, then the predictions, worst first */
    public List<FeatureDrift> worstFirst() {
        var all = new ArrayList<>(features);
        if (prediction != null) {
            all.add(prediction);
        }
        all.sort(WORST_FIRST);
        return all;
    }

    /** @return names of the drifted features (the predictions included as {@code prediction}) */
    public List<String> driftedFeatures() {
        return worstFirst().stream().filter(FeatureDrift::drifted).map(FeatureDrift::name).toList();
    }
}
