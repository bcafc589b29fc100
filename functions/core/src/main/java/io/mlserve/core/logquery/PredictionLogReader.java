package io.mlserve.core.logquery;

import io.mlserve.core.store.PredictionRecord;
import java.util.stream.Stream;

/**
 * Reads the prediction log (DynamoDB in production): one model, optionally one version, over a
 * time window {@code [from, to)}, newest first.
 */
public interface PredictionLogReader {

    /**
     * Reads one page, resuming after {@link PredictionQuery#cursor()} when it is set.
     *
     * <p>With a cursor, bounds the client left out ({@link PredictionQuery#fromGiven()},
     * {@link PredictionQuery#toGiven()}) are taken from the cursor, so "same parameters plus the
     * cursor" continues the same window even though the default window moves with the clock.
     *
     * @param query model, version, window, limit and cursor
     * @return up to {@code limit} items, newest first, and the cursor of the next page if any
     * @throws io.mlserve.core.error.InvalidInputException {@code INVALID_CURSOR} when the cursor is
     *     malformed, tampered with, or belongs to a different model, version or window
     */
    LogPage page(PredictionQuery query);

    /**
     * Every item in the query's window, newest first, read lazily page by page — what statistics
     * need. The cursor and limit of the query are ignored.
     *
     * <p>N.B. inputs are not loaded: each item's {@code inputs} is an empty map. Close the stream
     * (try-with-resources) when done; stop consuming it to stop reading.
     *
     * @param query model, version and window
     * @return the items
     */
    Stream<PredictionRecord> outcomes(PredictionQuery query);
}
