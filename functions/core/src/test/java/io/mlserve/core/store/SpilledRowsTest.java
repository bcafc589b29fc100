package io.mlserve.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.model.ModelRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpilledRowsTest {

    @Test
    void unpack_shouldGiveBackExactlyThePackedRows() {
        // GIVEN rows with nested outputs, nanosecond timestamps, a null value and a failed-request row
        var inputs = new HashMap<String, Object>();
        inputs.put("sepal_length", 5.1);
        inputs.put("count", 3);
        inputs.put("colour", "blue");
        inputs.put("missing", null);
        var output = Map.<String, Object>of("label", "setosa", "probabilities", Map.of("setosa", 0.9, "versicolor", 0.1),
                "scores", List.of(1.0, 2.5));
        var rows = List.of(
                new PredictionRecord(new ModelRef("iris", "3"), "req-1", 0, Instant.parse("2026-12-04T10:00:00.123456789Z"),
                        inputs, output, 1.25, "api", null),
                new PredictionRecord(new ModelRef("iris", "3"), "req-2", 0, Instant.parse("2026-12-04T10:00:01Z"),
                        Map.of(), null, 0, "batch", "INFERENCE_FAILED"));

        // WHEN
        var packed = SpilledRows.pack(rows, 256 * 1024);

        // THEN
        assertThat(packed.messages()).hasSize(1);
        assertThat(packed.oversized()).isEmpty();
        assertThat(SpilledRows.unpack(packed.messages().get(0).body())).isEqualTo(rows);
    }

    @Test
    void pack_shouldKeepEveryMessageWithinTheLimit_inOrder() {
        var rows = new ArrayList<PredictionRecord>();
        for (int i = 0; i < 1000; i++) {
            rows.add(new PredictionRecord(new ModelRef("m", "1"), "req", i, Instant.parse("2026-12-04T10:00:00Z"),
                    Map.of("feature_with_a_long_name_" + i, "x".repeat(200)), Map.of("value", i * 0.5), 2, "api", null));
        }
        int limit = 20_000;

        var packed = SpilledRows.pack(rows, limit);

        assertThat(packed.messages().size()).isGreaterThan(10);
        var back = new ArrayList<PredictionRecord>();
        for (var message : packed.messages()) {
            assertThat(message.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(limit);
            assertThat(SpilledRows.unpack(message.body())).isEqualTo(message.records());
            back.addAll(message.records());
        }
        assertThat(back).isEqualTo(rows);
    }

    @Test
    void pack_shouldSetAsideARowThatFitsNoMessage() {
        var small = new PredictionRecord(new ModelRef("m", "1"), "req", 0, Instant.EPOCH, Map.of("a", 1), Map.of(), 0, "api", null);
        var huge = new PredictionRecord(new ModelRef("m", "1"), "req", 1, Instant.EPOCH, Map.of("a", "é".repeat(600)), Map.of(), 0,
                "api", null);

        var packed = SpilledRows.pack(List.of(small, huge), 1000);

        assertThat(packed.oversized()).containsExactly(huge);
        assertThat(packed.messages()).singleElement().extracting(SpilledRows.Message::records).isEqualTo(List.of(small));
    }

    @Test
    void unpack_shouldRefuseWhatIsNotASpillMessage() {
        assertThatThrownBy(() -> SpilledRows.unpack("not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpilledRows.unpack("{\"v\":2,\"rows\":[]}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpilledRows.unpack("{\"v\":1,\"rows\":[{\"model\":\"m\"}]}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
