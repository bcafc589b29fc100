package io.mlserve.function.registry;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.logquery.LogPage;
import io.mlserve.core.store.PredictionRecord;
import io.mlserve.core.logquery.PredictionLogReader;
import io.mlserve.core.logquery.PredictionQuery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A prediction log reader over a list, with the DynamoDB reader's semantics: window {@code [from,
 * to)}, newest first (time, then request id, then row, descending, as the sort key orders), a cursor
 * bound to model, version and window (bounds left out are taken from the cursor).
 */
final class InMemoryPredictionLogReader implements PredictionLogReader {
    final List<PredictionRecord> items = new CopyOnWriteArrayList<>();
    /** The queries {@link #outcomes} was called with. */
    final List<PredictionQuery> outcomeQueries = new CopyOnWriteArrayList<>();

    private static final Comparator<PredictionRecord> NEWEST_FIRST = Comparator.comparing(PredictionRecord::timestamp)
            .thenComparing(PredictionRecord::requestId)
            .thenComparingInt(PredictionRecord::row)
            .reversed();

    @Override
    public LogPage page(PredictionQuery query) {
        var window = query;
        int offset = 0;
        if (query.cursor() != null) {
            var parts = decode(query.cursor());
            var from = Instant.parse(parts[2]);
            var to = Instant.parse(parts[3]);
            if (!parts[0].equals(query.model()) || !parts[1].equals(String.valueOf(query.version()))
                    || (query.fromGiven() && !from.equals(query.from())) || (query.toGiven() && !to.equals(query.to()))) {
                throw invalidCursor();
            }
            window = query.withWindow(from, to);
            offset = Integer.parseInt(parts[4]);
        }
        var matching = matching(window).toList();
        var pageItems = matching.subList(Math.min(offset, matching.size()), Math.min(offset + query.limit(), matching.size()));
        int end = offset + pageItems.size();
        String next = end < matching.size()
                ? encode(window.model() + "|" + window.version() + "|" + window.from() + "|" + window.to() + "|" + end)
                : null;
        return new LogPage(new ArrayList<>(pageItems), next);
    }

    @Override
    public Stream<PredictionRecord> outcomes(PredictionQuery query) {
        outcomeQueries.add(query);
        return matching(query).map(p -> new PredictionRecord(p.model(), p.requestId(), p.row(), p.timestamp(), Map.of(), p.output(), p.latencyMs(), p.source(), p.error()));
    }

    private Stream<PredictionRecord> matching(PredictionQuery q) {
        return items.stream()
                .filter(p -> p.model().name().equals(q.model()))
                .filter(p -> q.version() == null || Objects.equals(p.model().version(), q.version()))
                .filter(p -> !p.timestamp().isBefore(q.from()) && p.timestamp().isBefore(q.to()))
                .sorted(NEWEST_FIRST);
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String[] decode(String cursor) {
        try {
            var parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
            if (parts.length != 5) {
                throw invalidCursor();
            }
            Instant.parse(parts[2]);
            Instant.parse(parts[3]);
            Integer.parseInt(parts[4]);
            return parts;
        } catch (RuntimeException e) {
            throw invalidCursor();
        }
    }

    private static InvalidInputException invalidCursor() {
        return new InvalidInputException("INVALID_CURSOR", "bad cursor", Map.of("parameter", "cursor"));
    }
}
