package io.mlserve.core.testing;

import io.mlserve.core.feedback.Actual;
import io.mlserve.core.feedback.FeedbackStore;
import io.mlserve.core.feedback.Label;
import io.mlserve.core.store.PredictionId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Logged rows in memory with the same rules as the DynamoDB store: exists, not failed, actual absent or equal. */
public final class InMemoryFeedbackStore implements FeedbackStore {
    /** A logged row. */
    public static final class Row {
        public final boolean failedRequest;
        public volatile Actual actual;
        public volatile Instant observedAt;
        public volatile Instant labelledAt;

        Row(boolean failedRequest) {
            this.failedRequest = failedRequest;
        }
    }

    public final Map<PredictionId, Row> rows = new ConcurrentHashMap<>();
    public volatile boolean failing;
    public int calls;

    /** @param id a row the log holds */
    public void logged(PredictionId id) {
        rows.put(id, new Row(false));
    }

    /** @param id a failed request's item */
    public void loggedFailure(PredictionId id) {
        rows.put(id, new Row(true));
    }

    @Override
    public synchronized List<Outcome> record(List<Label> labels, Instant labelledAt) {
        calls++;
        var out = new ArrayList<Outcome>();
        for (var label : labels) {
            if (failing) {
                out.add(new Outcome(Kind.FAILED, "simulated outage"));
                continue;
            }
            var row = rows.get(label.prediction());
            if (row == null || row.failedRequest) {
                out.add(Outcome.of(Kind.NOT_FOUND));
            } else if (row.actual == null) {
                row.actual = label.actual();
                row.observedAt = label.observedAt();
                row.labelledAt = labelledAt;
                out.add(Outcome.of(Kind.RECORDED));
            } else if (row.actual.equals(label.actual())) {
                out.add(Outcome.of(Kind.DUPLICATE));
            } else {
                out.add(new Outcome(Kind.CONFLICT, row.actual.toString()));
            }
        }
        return out;
    }
}
