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
        var otherRow = new PredictionId(new ModelRef("iris", "1.2"), 0, ROW.timestamp(), ROW.requestId(), 18).encode();
        var otherRequest = new PredictionId(new ModelRef("iris", "1.2"), 0, ROW.timestamp(), "other", 17).encode();

        assertThat(PredictionId.decode(text.substring(0, text.lastIndexOf('.'))
                + otherRow.substring(otherRow.lastIndexOf('.')))).isEmpty(); // swapped check
        assertThat(PredictionId.decode(otherRequest.substring(0, otherRequest.indexOf('.'))
                + text.substring(text.indexOf('.')))).isEmpty(); // swapped request
        assertThat(PredictionId.decode(text.substring(0, text.length() - 1))).isEmpty();
        assertThat(PredictionId.decode("x" + text)).isEmpty();
        assertThat(PredictionId.decode("")).isEmpty();
        assertThat(PredictionId.decode(null)).isEmpty();
        assertThat(PredictionId.decode("a".repeat(600))).isEmpty();
        assertThat(PredictionId.decode("not base64!.???")).isEmpty();
        assertThat(PredictionId.decode("not base64!.1.2.???")).isEmpty();
        // v1: swapped, truncated
        var v1 = v1(PredictionId.of(ROW, 8));
        var v1Other = v1(new PredictionId(new ModelRef("iris", "1.2"), 0, ROW.timestamp(), ROW.requestId(), 18));
        assertThat(PredictionId.decode(v1)).contains(PredictionId.of(ROW, 8));
        assertThat(PredictionId.decode(v1.substring(0, v1.indexOf('.')) + v1Other.substring(v1Other.indexOf('.')))).isEmpty();
        assertThat(PredictionId.decode(v1.substring(0, v1.length() - 1))).isEmpty();
    }

    @Test
    void encode_shouldWriteTheDocumentedV2Format_andDecodeIdsIssuedInV1() {
        // GIVEN an id (expected texts computed independently: Python's base64, hashlib and the SplitMix64 finaliser)
        var id = new PredictionId(new ModelRef("iris", "1.2"), 3, Instant.ofEpochMilli(1796379330123L), "3f2a9c1e-7b4d", 17);

        // WHEN / THEN
        assertThat(id.encode()).isEqualTo("cDJ8aXJpc3wxLjJ8MTc5NjM3OTMzMDEyM3wzZjJhOWMxZS03YjRk.3.17.CTGsw6dX87Q");
        assertThat(new PredictionId(id.model(), 0, id.timestamp(), id.requestId(), 0).encode())
                .isEqualTo("cDJ8aXJpc3wxLjJ8MTc5NjM3OTMzMDEyM3wzZjJhOWMxZS03YjRk.0.0.fMbBBouQLqQ");
        assertThat(PredictionId.decode(id.encode())).contains(id);
        // the same row's id as issued before 2026-12-04 (v1) still finds it
        assertThat(PredictionId.decode("cDF8aXJpc3wxLjJ8M3wxNzk2Mzc5MzMwMTIzfDNmMmE5YzFlLTdiNGR8MTc.KEVfMsehtzS_")).contains(id);
        assertThat(PredictionId.decode(v1(id))).contains(id);
    }

    @Test
    void decode_shouldRefuseNonCanonicalAndSwappedV2Ids() {
        var id = new PredictionId(new ModelRef("iris", "1.2"), 3, Instant.ofEpochMilli(1796379330123L), "3f2a9c1e-7b4d", 17);
        var text = id.encode();
        var parts = text.split("\\.");

        assertThat(PredictionId.decode(parts[0] + ".3.017." + parts[3])).isEmpty(); // leading zero
        assertThat(PredictionId.decode(parts[0] + ".+3.17." + parts[3])).isEmpty();
        assertThat(PredictionId.decode(parts[0] + ".3.18." + parts[3])).isEmpty(); // another row, same check
        assertThat(PredictionId.decode(parts[0] + ".2.17." + parts[3])).isEmpty(); // another shard
        assertThat(PredictionId.decode(parts[0] + ".3.17." + parts[3] + ".")).isEmpty();
        assertThat(PredictionId.decode(parts[0] + "..17." + parts[3])).isEmpty();
        assertThat(PredictionId.decode(parts[0].substring(1) + ".3.17." + parts[3])).isEmpty();
        // a check made for a bad model name (a forger's) is refused, not thrown
        var badName = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("p2|Bad Name|1|0|r".getBytes(StandardCharsets.UTF_8));
        assertThat(PredictionId.decode(badName + ".0.0.AAAAAAAAAAA")).isEmpty();
    }

    @Test
    void encode_shouldDecodeToItself_forEveryLengthAndCharacter() {
        // GIVEN request ids of every length residue mod 3, long and non-ASCII ones, extreme numbers
        var requestIds = new String[] {"", "a", "ab", "abc", "3f2a9c1e-7b4d-4c1a-9e2f-0123456789ab", "x".repeat(300),
            "job-42:0-999", "réq-ü", "日本語", "emoji-\uD83D\uDE00"};
        long[] times = {0, 1, 1796379330123L, 999_999_999L, 1_000_000_000L, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        int[] rows = {0, 9, 10, 99_999, 999_999_999, 1_000_000_000, Integer.MAX_VALUE, -1};
        for (var requestId : requestIds) {
            for (long time : times) {
                for (int row : rows) {
                    for (var model : new ModelRef[] {new ModelRef("iris", "1.2"), new ModelRef("a".repeat(64), "V.".repeat(32))}) {
                        // WHEN
                        var id = new PredictionId(model, Math.floorMod(row, 64), Instant.ofEpochMilli(time), requestId, row);
                        var text = id.encode();

                        // THEN
                        if (text.length() <= PredictionId.MAX_LENGTH) {
                            assertThat(PredictionId.decode(text)).contains(id);
                        }
                        assertThat(text).matches("[A-Za-z0-9_-]+\\.[0-9]+\\.-?[0-9]+\\.[A-Za-z0-9_-]{11}");
                    }
                }
            }
        }
    }

    @Test
    void predictionIds_shouldEqualTheIdOfEachLoggedRow_acrossShards() {
        // GIVEN the rows of requests on 1, 8 and 64 shards
        var at = Instant.parse("2026-12-04T10:15:30.123456Z");
        for (var requestId : new String[] {"3f2a9c1e-7b4d-4c1a-9e2f-0123456789ab", "r", "réq"}) {
            for (int shards : new int[] {1, 8, 64}) {
                var ids = new PredictionIds(new ModelRef("clf4", "3"), shards, at, requestId, 300);
                var buffer = new byte[ids.maxEncodedLength() + 5];
                for (int row = 0; row < 300; row++) {
                    // WHEN
                    var logged = PredictionId.of(new PredictionRecord(new ModelRef("clf4", "3"), requestId, row, at, Map.of(),
                            Map.of(), 1, "api", null), shards);
                    int end = ids.encodeInto(row, buffer, 5);

                    // THEN
                    assertThat(ids.id(row)).isEqualTo(logged);
                    assertThat(ids.get(row)).isEqualTo(logged.encode())
                            .isEqualTo(new String(buffer, 5, end - 5, StandardCharsets.ISO_8859_1));
                    assertThat(PredictionId.decode(ids.get(row))).contains(logged);
                }
            }
        }
    }

    /** An id as v1 issued it: String concatenation, getBytes, Base64 Strings. */
    private static String v1(PredictionId id) {
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
