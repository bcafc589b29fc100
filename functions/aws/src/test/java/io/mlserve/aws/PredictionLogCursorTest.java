package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.logquery.PredictionQuery;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PredictionLogCursorTest {
    private static final Instant FROM = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-23T11:00:00Z");
    private static final String SK = "2026-11-23T10:30:00.000Z#req-1#00003";

    private static PredictionQuery query(String version, boolean given) {
        return new PredictionQuery("iris", version, FROM, TO, 10, null, given, given);
    }


    private static void assertInvalidCursor(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.code()).isEqualTo("INVALID_CURSOR");
            assertThat(e.kind()).isEqualTo(io.mlserve.core.error.ErrorKind.INVALID_INPUT);
        });
    }

    @Test
    void decode_shouldReturnKeyAndWindow_whenVersionCursorRoundTrips() {
        var token = PredictionLogCursor.encode(query("1", true), SK, "iris#1#3");

        var position = PredictionLogCursor.decode(token, query("1", true).withCursor(token));

        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        assertThat(position.sk()).isEqualTo(SK);
        assertThat(position.pk()).isEqualTo("iris#1#3");
        assertThat(position.from()).isEqualTo(FROM);
        assertThat(position.to()).isEqualTo(TO);
    }

    @Test
    void decode_shouldReturnTheKeyOfAnyVersion_whenModelWideCursorRoundTrips() {
        var position = PredictionLogCursor.decode(PredictionLogCursor.encode(query(null, true), SK, "iris#7#63"), query(null, true));

        assertThat(position.pk()).isEqualTo("iris#7#63");
    }

    @Test
    void decode_shouldTakeWindowFromCursor_whenClientOmittedFromAndTo() {
        // GIVEN a cursor made for the default window; an hour later the default window has moved
        var token = PredictionLogCursor.encode(query("1", false), SK, "iris#1#0");
        var later = new PredictionQuery("iris", "1", FROM.plusSeconds(3600), TO.plusSeconds(3600), 10, token, false, false);

        // WHEN
        var position = PredictionLogCursor.decode(token, later);

        // THEN the first page's window continues
        assertThat(position.from()).isEqualTo(FROM);
        assertThat(position.to()).isEqualTo(TO);
    }

    @Test
    void decode_shouldFail_whenUsedWithAnotherModelVersionOrWindow() {
        var token = PredictionLogCursor.encode(query("1", true), SK, "iris#1#0");

        assertInvalidCursor(() -> PredictionLogCursor.decode(token, new PredictionQuery("wine", "1", FROM, TO, 10, token, true, true)));
        assertInvalidCursor(() -> PredictionLogCursor.decode(token, query("2", true)));
        assertInvalidCursor(() -> PredictionLogCursor.decode(token, query(null, true)));
        assertInvalidCursor(() -> PredictionLogCursor.decode(token, new PredictionQuery("iris", "1", FROM.minusSeconds(1), TO, 10, token, true, true)));
        assertInvalidCursor(() -> PredictionLogCursor.decode(token, new PredictionQuery("iris", "1", FROM, TO.plusSeconds(1), 10, token, false, true)));
    }

    @Test
    void decode_shouldAllowAnotherLimit_whenOnlyPageSizeChanges() {
        var token = PredictionLogCursor.encode(query("1", true), SK, "iris#1#0");

        var position = PredictionLogCursor.decode(token, new PredictionQuery("iris", "1", FROM, TO, 500, token, true, true));

        assertThat(position.sk()).isEqualTo(SK);
    }

    @Test
    void decode_shouldFail_whenAnyCharacterIsChanged() {
        // GIVEN a valid token
        var token = PredictionLogCursor.encode(query("1", true), SK, "iris#1#0");

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
        var token = PredictionLogCursor.encode(query("1", true), SK, "iris#1#0");
        var parts = token.split("\\.");
        var json = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8).replace("iris#1#0", "wine#1#0");
        var forged = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8)) + "." + parts[1];

        assertInvalidCursor(() -> PredictionLogCursor.decode(forged, query("1", true)));
    }

    @Test
    void decode_shouldFail_whenKeyPointsOutsideTheQuery() {
        // well-formed cursors (valid check) whose key does not belong to the query they are bound to
        var q = query("1", true);
        for (var pk : List.of("wine#1#0", "iris#2#0", "iris#1", "iris#1#64", "iris#1#x", "iris#1#0#0", "iris#10#1")) {
            assertInvalidCursor(() -> PredictionLogCursor.decode(PredictionLogCursor.encode(q, SK, pk), q));
        }
        assertInvalidCursor(() -> PredictionLogCursor.decode(
                PredictionLogCursor.encode(q, "2026-11-24T00:00:00.000Z#r#00000", "iris#1#0"), q));
        assertInvalidCursor(() -> PredictionLogCursor.decode(
                PredictionLogCursor.encode(q, "2026-11-23T09:59:59.999Z#r#00000", "iris#1#0"), q));
        var all = query(null, true);
        for (var pk : List.of("wine#1#0", "iris#1", "iris", "iris#1#99")) {
            assertInvalidCursor(() -> PredictionLogCursor.decode(PredictionLogCursor.encode(all, SK, pk), all));
        }
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
