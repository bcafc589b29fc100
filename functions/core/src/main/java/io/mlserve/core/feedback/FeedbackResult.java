package io.mlserve.core.feedback;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What happened to one feedback item.
 *
 * @param status {@code accepted} or {@code rejected}
 * @param duplicate true when accepted because the same actual was already recorded (nothing written)
 * @param problem why it was rejected, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeedbackResult(String status, Boolean duplicate, Problem problem) {
    /** Accepted and stored now. */
    public static final FeedbackResult ACCEPTED = new FeedbackResult("accepted", null, null);
    /** Accepted: the same actual was already there. */
    public static final FeedbackResult DUPLICATE = new FeedbackResult("accepted", true, null);

    /**
     * @param code e.g. {@code UNKNOWN_PREDICTION}
     * @param message for a person
     */
    public record Problem(String code, String message) {}

    /**
     * @param code problem code
     * @param message for a person
     * @return a rejection
     */
    public static FeedbackResult rejected(String code, String message) {
        return new FeedbackResult("rejected", null, new Problem(code, message));
    }

    /** @return true when the item was accepted (stored now or already there) */
    public boolean accepted() {
        return "accepted".equals(status);
    }
}
