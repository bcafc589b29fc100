package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.logquery.PredictionQuery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class PredictionLogCursorTest {
    private static final Instant FROM = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-23T11:00:00Z");
    private static final String SK = "2026-11-23T10:30:00.000Z#req-1#00003";

    private static PredictionQuery query(String version, boolean given) {
        return new PredictionQuery("iris", version, FROM, TO, 10, null, given, given);
    }

    private static Map<String, AttributeValue> tableKey(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    private static Map<String, AttributeValue> indexKey(String model, String pk, String sk) {
        return Map.of("model", AttributeValue.fromS(model), "pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    private static void assertInvalidCursor(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.code()).isEqualTo("INVALID_CURSOR");
            assertThat(e.kind()).isEqualTo(io.mlserve.core.error.ErrorKind.INVALID_INPUT);
        });
    }

    @Test
    void decode_shouldReturnKeyAndWindow_whenTableCursorRoundTrips() {
        var key = tableKey("iris#1", SK);
        var token = PredictionLogCursor.encode(query("1", true), key);

        var position = PredictionLogCursor.decode(token, query("1", true).withCursor(token));

        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        assertThat(position.startKey()).isEqualTo(key);
        assertThat(position.from()).isEqualTo(FROM);
        assertThat(position.to()).isEqualTo(TO);
    }

    @Test
    void decode_shouldReturnIndexKey_whenModelWideCursorRoundTrips() {
        var key = indexKey("iris", "iris#7", SK);

        var position = PredictionLogCursor.decode(PredictionLogCursor.encode(query(null, true), key), query(null, true));

        assertThat(position.startKey()).isEqualTo(key);
    }

    @Test
    void decode_shouldTakeWindowFromCursor_whenClientOmittedFromAndTo() {
        // GIVEN a cursor made for the default window; an hour later the default window has moved
        var token = PredictionLogCursor.encode(query("1", false), tableKey("iris#1", SK));
        var later = new PredictionQuery("iris", "1", FROM.plusSeconds(3600), TO.plusSeconds(3600), 10, token, false, false);

        // WHEN
        var position = PredictionLogCursor.decode(token, later);

        // THEN the first page's window continues
        assertThat(position.from()).isEqualTo(FROM);
        assertThat(position.to()).isEqualTo(TO);
    }

    @Test
    void decode_shouldFail_whenUsedWithAnotherModelVersionOrWindow() {
        var token = PredictionLogCursor.encode(query("1", true), tableKey("iris#1", SK));

        assertInvalidCursor(() -> PredictionLogCursor.decode(token, new PredictionQuery("wine", "1", FROM, TO, 10, token, true, true)));
        assertInvalidCursor(() -> PredictionLogCursor.decode(token, query("2", true)));
        assertInvalidCursor(() -> PredictionLogCursor.decode(token, query(null, true)));
        assertInvalidCursor(() -> PredictionLogCursor.decode(token, new PredictionQuery("iris", "1", FROM.minusSeconds(1), TO, 10, token, true, true)));
        assertInvalidCursor(() -> PredictionLogCursor.decode(token, new PredictionQuery("iris", "1", FROM, TO.plusSeconds(1), 10, token, false, true)));
    }

    @Test
    void decode_shouldAllowAnotherLimit_whenOnlyPageSizeChanges() {
        var token = PredictionLogCursor.encode(query("1", true), tableKey("iris#1", SK));

        var position = PredictionLogCursor.decode(token, new PredictionQuery("iris", "1", FROM, TO, 500, token, true, true));

        assertThat(position.startKey()).containsKeys("pk", "sk");
    }

    @Test
    void decode_shouldFail_whenAnyCharacterIsChanged() {
        // GIVEN a valid token
        var token = PredictionLogCursor.encode(query("1", true), tableKey("iris#1", SK));

        // WHEN / THEN every single-character edit is refused (payload or check)
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) == '.') {
                continue;
            }
            var chars = token.toCharArray();
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            var tampered = new String(chars);
            assertInvalidCursor(() -> PredictionLogCursor.decode(tampered, query("1", true)));
        }
    }

    @Test
    void decode_shouldFail_whenPayloadRewrittenWithoutCheck() {
        // GIVEN the payload edited to another partition and re-encoded, keeping the old check
        var token = PredictionLogCursor.encode(query("1", true), tableKey("iris#1", SK));
        var parts = token.split("\\.");
        var json = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8).replace("iris#1", "wine#1");
        var forged = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8)) + "." + parts[1];

        assertInvalidCursor(() -> PredictionLogCursor.decode(forged, query("1", true)));
    }

    @Test
    void decode_shouldFail_whenKeyPointsOutsideTheQuery() {
        // well-formed cursors (valid check) whose key does not belong to the query they are bound to
        var q = query("1", true);
        assertInvalidCursor(() -> PredictionLogCursor.decode(PredictionLogCursor.encode(q, tableKey("wine#1", SK)), q));
        assertInvalidCursor(() -> PredictionLogCursor.decode(
                PredictionLogCursor.encode(q, tableKey("iris#1", "2026-11-24T00:00:00.000Z#r#00000")), q));
        assertInvalidCursor(() -> PredictionLogCursor.decode(PredictionLogCursor.encode(q, indexKey("iris", "iris#1", SK)), q));
        var all = query(null, true);
        assertInvalidCursor(() -> PredictionLogCursor.decode(PredictionLogCursor.encode(all, tableKey("iris#1", SK)), all));
        assertInvalidCursor(() -> PredictionLogCursor.decode(PredictionLogCursor.encode(all, indexKey("iris", "wine#1", SK)), all));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "abc", "abc.def", "!!!.???", "eyJ2IjoxfQ.AAAA", "bnVsbA.AAAAAAAAAAAAAAAA"})
    void decode_shouldFail_whenGarbage(String token) {
        assertInvalidCursor(() -> PredictionLogCursor.decode(token, query("1", true)));
    }

    @Test
    void decode_shouldFail_whenTooLong() {
        assertInvalidCursor(() -> PredictionLogCursor.decode("A".repeat(PredictionLogCursor.MAX_LENGTH + 1), query("1", true)));
    }
}
