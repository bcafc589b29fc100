package io.mlserve.core.testing;

import io.mlserve.core.model.ModelRef;
import io.mlserve.core.quality.LabelledRows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Logged predictions, some labelled, in memory: the window rules of the DynamoDB adapter ([from, to), by prediction time). */
public final class InMemoryLabelledRows implements LabelledRows {
    private record Row(ModelRef version, Instant at, Map<String, Object> output, Object actual) {}

    private final List<Row> rows = new CopyOnWriteArrayList<>();

    /**
     * @param version who answered
     * @param at prediction time
     * @param output the logged output
     * @param actual the feedback's actual, or null for an unlabelled row
     * @return this
     */
    public InMemoryLabelledRows add(ModelRef version, Instant at, Map<String, Object> output, Object actual) {
        rows.add(new Row(version, at, output, actual));
        return this;
    }

    @Override
    public Window labelled(ModelRef version, Instant from, Instant to) {
        long count = 0;
        var labelled = new ArrayList<LabelledRow>();
        for (var r : rows) {
            if (r.version().equals(version) && !r.at().isBefore(from) && r.at().isBefore(to)) {
                count++;
                if (r.actual() != null) {
                    labelled.add(new LabelledRow(r.at(), r.output(), r.actual()));
                }
            }
        }
        labelled.sort(Comparator.comparing(LabelledRow::timestamp));
        return new Window(count, labelled);
    }
}
