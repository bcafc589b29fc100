package io.mlserve.core.store;

import java.util.List;

/** Durable record of every prediction (DynamoDB in production). */
public interface PredictionLog {

    /**
     * Outcome of one write.
     *
     * @param written rows stored
     * @param failed rows that could not be stored after retries
     * @param lastError why the last failed row failed, or null
     * @param unwritten the rows that were not stored, when the log can tell which (empty otherwise: then a caller
     *     that must keep them treats every row of the write as possibly unwritten)
     */
    record WriteResult(int written, int failed, String lastError, List<PredictionRecord> unwritten) {
        public WriteResult {
            unwritten = unwritten == null ? List.of() : List.copyOf(unwritten);
        }

        /**
         * @param written rows stored
         * @param failed rows that could not be stored after retries
         * @param lastError why the last failed row failed, or null
         */
        public WriteResult(int written, int failed, String lastError) {
            this(written, failed, lastError, List.of());
        }

        /** @return true when every row was stored */
        public boolean complete() {
            return failed == 0;
        }
    }

    /**
     * Writes the records, retrying throttled or unprocessed items; never throws for a storage
     * failure — it reports it in the result so the caller can still answer.
     *
     * @param records rows to store
     * @return how many were stored and how many were lost
     */
    WriteResult write(List<PredictionRecord> records);

    /**
     * Removes a record written earlier, best effort (an in-flight marker once its request has
     * finished). A failure leaves the marker, which then counts as one failed request.
     *
     * @param record the record to remove (matched by model, version, time, request and row)
     */
    void retract(PredictionRecord record);
}
