package io.mlserve.core.store;

import java.util.List;

/**
 * Writes one spill message's rows into the prediction log, each at most once: a row already in the log (an earlier
 * replay, or the original write that succeeded after all) is left exactly as it is, feedback attributes included.
 */
public final class SpillReplay {

    /** The log as the replay writes it: one conditional write per row. */
    public interface Target {
        /**
         * Writes the row unless the log already holds its key.
         *
         * @param record the row
         * @return true when written now, false when the log already held it
         * @throws RuntimeException when the log cannot take the write (the message must then stay in the spill)
         */
        boolean putIfAbsent(PredictionRecord record);
    }

    /**
     * What one message gave.
     *
     * @param rows rows in the message
     * @param replayed rows written now
     * @param alreadyPresent rows the log already held
     * @param requestIds the requests the rows belong to, in order of first appearance
     * @param model the model of the first row (metrics dimension), or null for an empty message
     */
    public record Result(int rows, int replayed, int alreadyPresent, List<String> requestIds, String model) {}

    private final Target target;

    /** @param target the log */
    public SpillReplay(Target target) {
        this.target = target;
    }

    /**
     * @param body a spill message ({@link SpilledRows})
     * @return counts
     * @throws IllegalArgumentException when the message is malformed (a poison message: it belongs in the DLQ)
     * @throws RuntimeException when the log cannot take a row; rows before it are written, and a retry of the whole
     *     message skips them
     */
    public Result replay(String body) {
        var records = SpilledRows.unpack(body);
        int replayed = 0;
        int present = 0;
        for (var record : records) {
            if (target.putIfAbsent(record)) {
                replayed++;
            } else {
                present++;
            }
        }
        var requestIds = records.stream().map(PredictionRecord::requestId).distinct().toList();
        return new Result(records.size(), replayed, present, requestIds, records.isEmpty() ? null : records.get(0).model().name());
    }
}
