package io.mlserve.core.logquery;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.PredictionRecord;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * The logged rows of one model version with their inputs and outputs (DynamoDB in production): what drift compares
 * with the version's baseline. Online rows and the batch sample alike; failed requests (items with an {@code error})
 * are never returned.
 */
public interface LoggedRows {

    /**
     * Rows of one version in {@code [from, to)}, newest first, read lazily page by page and at most {@code lastRows}
     * of them.
     *
     * <p>Close the stream (try-with-resources) when done; stop consuming it to stop reading.
     *
     * @param version the model version whose rows are read
     * @param from start of the window, inclusive
     * @param to end of the window, exclusive
     * @param lastRows most rows returned (the newest)
     * @return the rows, each with its {@code inputs} (feature name to value) and {@code output} (response shape)
     */
    Stream<PredictionRecord> rows(ModelRef version, Instant from, Instant to, int lastRows);
}
