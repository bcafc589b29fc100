package io.mlserve.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.model.ModelRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
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
    @Test
    void encode_shouldKeepTheIssuedFormat_byteForByte() {
        // GIVEN an id issued before encode wrote into reused buffers (value computed independently: Python's base64 + hashlib)
        var id = new PredictionId(new ModelRef("iris", "1.2"), 3, Instant.ofEpochMilli(1796379330123L), "3f2a9c1e-7b4d", 17);

        // WHEN / THEN
        assertThat(id.encode()).isEqualTo("cDF8aXJpc3wxLjJ8M3wxNzk2Mzc5MzMwMTIzfDNmMmE5YzFlLTdiNGR8MTc.KEVfMsehtzS_");
        assertThat(id.encode(true)).isEqualTo(id.encode());
        assertThat(id.encode(false)).isEqualTo(id.encode());
        assertThat(PredictionId.decode("cDF8aXJpc3wxLjJ8M3wxNzk2Mzc5MzMwMTIzfDNmMmE5YzFlLTdiNGR8MTc.KEVfMsehtzS_")).contains(id);
    }

    @Test
    void encode_shouldEqualTheStringBasedEncoding_forEveryLengthAndCharacter() {
        // GIVEN payload lengths over all residues mod 3, long and non-ASCII request ids, extreme numbers
        var requestIds = new String[] {"", "a", "ab", "abc", "3f2a9c1e-7b4d-4c1a-9e2f-0123456789ab", "x".repeat(300),
            "job-42:0-999", "réq-ü", "日本語", "emoji-\uD83D\uDE00", "lone-\uD800-surrogate"};
        long[] times = {0, 1, 1796379330123L, 999_999_999L, 1_000_000_000L, 1_000_000_001L, 999_999_999_999_999_999L,
            1_000_000_000_000_000_000L, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        int[] rows = {0, 9, 10, 99_999, 100_000, 999_999_999, 1_000_000_000, Integer.MAX_VALUE};
        for (var requestId : requestIds) {
            for (long time : times) {
                for (int row : rows) {
                    for (var model : new ModelRef[] {new ModelRef("iris", "1.2"), new ModelRef("m", "v"),
                        new ModelRef("a".repeat(64), "V.".repeat(32))}) {
                        // WHEN
                        var id = new PredictionId(model, row % 64, Instant.ofEpochMilli(time), requestId, row);

                        // THEN
                        assertThat(id.encode(true)).isEqualTo(stringBased(id)); // plain SHA-256 (C1)
                    assertThat(id.encode(false)).isEqualTo(stringBased(id)); // the JDK's
                    }
                }
            }
        }
    }

    @Test
    void encode_shouldEqualTheStringBasedEncoding_forTheRowsOfOneRequest_acrossShards() {
        // GIVEN the rows of requests sharing their first hashed block (reused) or not, on 1, 8 and 64 shards
        var at = Instant.ofEpochMilli(1796379330123L);
        for (var requestId : new String[] {"3f2a9c1e-7b4d-4c1a-9e2f-0123456789ab", "3f2a9c1e-7b4d-4c1a-9e2f-ffffffffffff", "r"}) {
            for (int shards : new int[] {1, 8, 64}) {
                for (int row = 0; row < 300; row++) {
                    // WHEN
                    var id = new PredictionId(new ModelRef("clf4", "3"), LogShards.shardOf(requestId, row, shards), at,
                            requestId, row);

                    // THEN
                    assertThat(id.encode(true)).isEqualTo(stringBased(id)); // plain SHA-256 (C1)
                    assertThat(id.encode(false)).isEqualTo(stringBased(id)); // the JDK's
                    assertThat(PredictionId.decode(id.encode())).contains(id);
                }
            }
        }
    }

    /** encode as first shipped: String concatenation, getBytes, Base64 Strings. */
    private static String stringBased(PredictionId id) {
        var payload = ("p1|" + id.model().name() + "|" + id.model().version() + "|" + id.shard() + "|"
                + id.timestamp().toEpochMilli() + "|" + id.requestId() + "|" + id.row()).getBytes(StandardCharsets.UTF_8);
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update("mlserve/prediction-id/v1\n".getBytes(StandardCharsets.UTF_8));
            var check = Arrays.copyOf(digest.digest(payload), 9);
            var encoder = Base64.getUrlEncoder().withoutPadding();
            return encoder.encodeToString(payload) + "." + encoder.encodeToString(check);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
