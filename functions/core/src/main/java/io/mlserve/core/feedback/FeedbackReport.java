package io.mlserve.core.feedback;

import java.util.List;

/**
 * The answer to one feedback call: a result per item, in order, and the counts.
 *
 * @param results one per item
 * @param accepted items accepted (including duplicates)
 * @param duplicates accepted items whose same actual was already recorded
 * @param rejected items rejected
 */
public record FeedbackReport(List<FeedbackResult> results, int accepted, int duplicates, int rejected) {

    /**
     * @param results one per item
     * @return the report with its counts
     */
    public static FeedbackReport of(List<FeedbackResult> results) {
        int accepted = 0;
        int duplicates = 0;
        for (var r : results) {
            if (r.accepted()) {
                accepted++;
                if (Boolean.TRUE.equals(r.duplicate())) {
                    duplicates++;
                }
            }
        }
        return new FeedbackReport(List.copyOf(results), accepted, duplicates, results.size() - accepted);
    }
}
