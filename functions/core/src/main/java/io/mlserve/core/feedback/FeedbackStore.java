package io.mlserve.core.feedback;

import java.time.Instant;
import java.util.List;

/**
 * Records actuals on logged prediction rows (conditional DynamoDB updates in production). An actual is written only
 * when the row exists, is a predicted row (not a failed request) and holds no actual yet; the same actual again is a
 * no-op and a different one is refused — never an overwrite.
 */
public interface FeedbackStore {

    /** What happened to one label. */
    enum Kind {
        /** Stored now. */
        RECORDED,
        /** The row already held this same actual: nothing written. */
        DUPLICATE,
        /** No such predicted row (never logged, expired, forged, or a failed request's item). */
        NOT_FOUND,
        /** The row holds a different actual: nothing written. */
        CONFLICT,
        /** The store could not be reached or refused for another reason; safe to retry. */
        FAILED
    }

    /**
     * @param kind what happened
     * @param detail the actual already recorded (CONFLICT) or why it failed (FAILED), else null
     */
    record Outcome(Kind kind, String detail) {
        /** @return an outcome without detail */
        public static Outcome of(Kind kind) {
            return new Outcome(kind, null);
        }
    }

    /**
     * Records each label on its row. Never throws for a storage failure: such labels come back {@link Kind#FAILED}.
     *
     * @param labels checked labels
     * @param labelledAt the time written as the row's {@code labelledAt}
     * @return one outcome per label, in order
     */
    List<Outcome> record(List<Label> labels, Instant labelledAt);
}
