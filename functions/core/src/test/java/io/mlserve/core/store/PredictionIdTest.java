package io.mlserve.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.model.ModelRef;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictionIdTest {
    private static final PredictionRecord ROW = new PredictionRecord(new ModelRef("iris", "1.2"), "3f2a9c1e-7b4d", 17,
            Instant.parse("2026-12-04T10:15:30.123456Z"), Map.of(), Map.of(), 1, "api", null);

    @Test
    void encode_shouldDecodeToTheSameRow_atMillisecondPrecision_onItsShard() {
        var id = PredictionId.of(ROW, 8);

        assertThat(PredictionId.decode(id.encode())).contains(id);
        assertThat(id.timestamp()).isEqualTo(Instant.parse("2026-12-04T10:15:30.123Z"));
        assertThat(id.shard()).isEqualTo(LogShards.shardOf("3f2a9c1e-7b4d", 17, 8));
        assertThat(PredictionId.of(ROW, 1).shard()).isZero();
    }

    @Test
    void decode_shouldRefuseAlteredTruncatedAndMadeUpIds() {
        var text = PredictionId.of(ROW, 8).encode();
        var dot = text.indexOf('.');
        var otherRow = new PredictionId(new ModelRef("iris", "1.2"), 0, ROW.timestamp(), ROW.requestId(), 18).encode();

        assertThat(PredictionId.decode(text.substring(0, dot) + otherRow.substring(otherRow.indexOf('.')))).isEmpty(); // swapped check
        assertThat(PredictionId.decode(otherRow.substring(0, otherRow.indexOf('.')) + text.substring(dot))).isEmpty(); // swapped payload
        assertThat(PredictionId.decode(text.substring(0, text.length() - 1))).isEmpty();
        assertThat(PredictionId.decode("x" + text)).isEmpty();
        assertThat(PredictionId.decode("")).isEmpty();
        assertThat(PredictionId.decode(null)).isEmpty();
        assertThat(PredictionId.decode("a".repeat(600))).isEmpty();
        assertThat(PredictionId.decode("not base64!.???")).isEmpty();
    }
}
