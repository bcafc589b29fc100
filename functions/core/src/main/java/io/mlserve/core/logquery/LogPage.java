package io.mlserve.core.logquery;

import io.mlserve.core.store.PredictionRecord;
import java.util.List;

/**
 * One page of the prediction log, newest first.
 *
 * @param items at most the query's limit
 * @param nextCursor opaque token for the next page, or null when this is the last page
 */
public record LogPage(List<PredictionRecord> items, String nextCursor) {
    /**
     * @param items at most the query's limit
     * @param nextCursor opaque token for the next page, or null when this is the last page
     */
    public LogPage {
        items = List.copyOf(items);
    }
}
