package io.mlserve.core.baseline;

import java.util.List;
import java.util.Map;

/**
 * What a model version's inputs and predictions looked like on its reference rows (the held-out rows
 * for a trained version; the rows given to {@code PUT .../baseline} otherwise). Drift detection
 * compares live traffic with it. Stored as {@code baseline.json} beside the version; the shape is
 * documented in {@code docs/drift.md}. Built by {@link BaselineBuilder}.
 *
 * @param schemaVersion 1
 * @param model model name
 * @param version model version
 * @param source {@code training} or {@code reference}
 * @param data where the rows came from (URI or prefix)
 * @param createdAt ISO-8601
 * @param rows rows summarised
 * @param features one entry per manifest feature, in manifest order
 * @param prediction the predictions: the label (categorical) for classification, the value (numeric) for regression
 */
public record Baseline(
        int schemaVersion,
        String model,
        String version,
        String source,
        String data,
        String createdAt,
        long rows,
        List<Distribution> features,
        Distribution prediction) {

    /**
     * One column's distribution.
     *
     * @param name feature name ({@code prediction} for predictions)
     * @param kind {@code numeric} or {@code categorical}
     * @param count non-missing values
     * @param missing blank or unparsable values
     * @param edges numeric: ascending, distinct inner bin edges from the baseline's quantiles (deciles); bin i holds
     *     {@code edges[i-1] < x <= edges[i]}, with open first and last bins, so {@code counts} has {@code edges.size() + 1} entries
     * @param counts numeric: values per bin
     * @param frequencies categorical: count per value (text)
     * @param sample numeric: a seeded reservoir of at most {@value BaselineBuilder#MAX_SAMPLE} values, ascending, for two-sample tests
     * @param summary numeric: min, p25, p50, p75, max, mean, std
     */
    public record Distribution(
            String name,
            String kind,
            long count,
            long missing,
            List<Double> edges,
            List<Long> counts,
            Map<String, Long> frequencies,
            List<Double> sample,
            Map<String, Double> summary) {}
}
