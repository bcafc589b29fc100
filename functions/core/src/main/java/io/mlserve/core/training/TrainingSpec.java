package io.mlserve.core.training;

import io.mlserve.core.model.Feature;
import io.mlserve.core.model.Task;
import java.util.List;
import java.util.Map;

/**
 * How a model is retrained: where its data is, which columns mean what, which candidates compete,
 * how they are compared, when the winner is promoted and when training runs by itself. Instances
 * come from {@link TrainingSpecs#parse}, which refuses a spec with every problem named.
 *
 * @param data {@code s3://<data bucket>/<prefix>/}: every {@code .csv} object under it is training data
 * @param target the column holding the label (classification) or value (regression)
 * @param features model inputs, in manifest order (name + type; string features are categorical)
 * @param task classification or regression
 * @param candidates one or more algorithms that compete, in spec order
 * @param metric how candidates and the serving version are compared
 * @param split held-out share and seed
 * @param promotion when the winner becomes production
 * @param schedule {@code rate(...)} or {@code cron(...)}, or null for no schedule
 */
public record TrainingSpec(
        String data,
        String target,
        List<Feature> features,
        Task task,
        List<Candidate> candidates,
        Metric metric,
        Split split,
        Promotion promotion,
        String schedule) {

    /**
     * One competing algorithm.
     *
     * @param algorithm a spec name of {@link Algorithm}
     * @param params hyper-parameters, defaults filled in (see {@link Algorithm#params()})
     */
    public record Candidate(Algorithm algorithm, Map<String, Object> params) {}

    /**
     * The held-out split, stratified by class for classification.
     *
     * @param testFraction share of rows held out, in (0, 1)
     * @param seed shuffling seed
     */
    public record Split(double testFraction, long seed) {}

    /**
     * When a newly trained version becomes production.
     *
     * @param policy never, if-better or always
     * @param margin if-better only: how much better than the serving version, in the metric's own units (≥ 0)
     */
    public record Promotion(PromotionPolicy policy, double margin) {}

    /** Promotion policies, as specs spell them. */
    public enum PromotionPolicy {
        NEVER("never"),
        IF_BETTER("if-better"),
        ALWAYS("always");

        private final String specName;

        PromotionPolicy(String specName) {
            this.specName = specName;
        }

        /** @return the spec spelling */
        @com.fasterxml.jackson.annotation.JsonValue
        public String specName() {
            return specName;
        }
    }
}
