package io.mlserve.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpillReplayTest {
    /** Keyed like the log: model, version, time, request, row. */
    private final Map<String, PredictionRecord> table = new HashMap<>();
    private boolean broken;
    private final SpillReplay replay = new SpillReplay(record -> {
        if (broken) {
            throw new IllegalStateException("table unavailable");
        }
        return table.putIfAbsent(record.model() + "|" + record.timestamp() + "|" + record.requestId() + "|" + record.row(), record)
                == null;
    });

    @Test
    void replay_shouldWriteEachRowOnce_evenWhenTheMessageComesTwice() {
        var body = SpilledRows.pack(SpillingPredictionLogTest.rows("r1", 3), 256 * 1024).messages().get(0).body();

        var first = replay.replay(body);
        var second = replay.replay(body);

        assertThat(first).isEqualTo(new SpillReplay.Result(3, 3, 0, java.util.List.of("r1"), "iris"));
        assertThat(second).isEqualTo(new SpillReplay.Result(3, 0, 3, java.util.List.of("r1"), "iris"));
        assertThat(table).hasSize(3);
    }

    @Test
    void replay_shouldThrow_whenTheLogIsStillBroken() {
        var body = SpilledRows.pack(SpillingPredictionLogTest.rows("r1", 1), 256 * 1024).messages().get(0).body();
        broken = true;

        assertThatThrownBy(() -> replay.replay(body)).hasMessageContaining("table unavailable");
        assertThat(table).isEmpty();
    }
}
