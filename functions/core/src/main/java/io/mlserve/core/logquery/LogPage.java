package io.mlserve.core.logquery;

import java.util.List;

/**
 * One page of the prediction log, newest first.
 *
 * @param items at most the query's limit
 * @param nextCursor opaque token for the next page, or null when this is the last page
 */
public record LogPage(List<LoggedPrediction> items, String nextCursor) {
    /**
     * @param items at most the query's limit
     * @param nextCursor opaque token for the next page, or null when this is the last page
     */
    public LogPage {
        items = List.copyOf(items);
    }
}
