package io.mlserve.core.testing;

import io.mlserve.core.logquery.LoggedRows;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.PredictionRecord;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The logged rows of an {@link InMemoryPredictionLog}, with the DynamoDB reader's rules: newest first, no failures. */
public final class InMemoryLoggedRows implements LoggedRows {
    private final InMemoryPredictionLog log;

    public InMemoryLoggedRows(InMemoryPredictionLog log) {
        this.log = log;
    }

    @Override
    public Stream<PredictionRecord> rows(ModelRef version, Instant from, Instant to, int lastRows) {
        List<PredictionRecord> all = List.copyOf(log.records);
        return all.stream()
                .filter(r -> r.model().equals(version) && !r.failed())
                .filter(r -> !r.timestamp().isBefore(from) && r.timestamp().isBefore(to))
                .sorted(Comparator.comparing(PredictionRecord::timestamp).thenComparing(PredictionRecord::requestId)
                        .thenComparingInt(PredictionRecord::row).reversed())
                .limit(lastRows);
    }
}
