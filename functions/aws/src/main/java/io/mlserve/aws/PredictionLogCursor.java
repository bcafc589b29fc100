package io.mlserve.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.logquery.PredictionQuery;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The opaque {@code cursor} of {@code GET /predictions}: where the next page starts, bound to the
 * query it continues.
 *
 * <p>Format: {@code base64url(payload) "." base64url(check)}, no padding, where payload is the JSON
 * {@code {"v":1,"model","version"|null,"from","to","key":{<LastEvaluatedKey as strings>}}} and
 * check is the first 12 bytes of SHA-256 over a fixed prefix and the payload. The check catches
 * edits and truncation; it is not a signature (it keeps no secret), so decoding also validates
 * the key: table queries need exactly {@code pk, sk} with {@code pk = <model>#<version>}; index
 * queries exactly {@code model, sk, pk} with the same model; and {@code sk} inside the window. A
 * forged but well-formed cursor can therefore only point inside data the same query could read.
 *
 * <p>Bound: model, version, from, to. A cursor used with another model or version, or with a
 * {@code from}/{@code to} the client gave that differs from the cursor's, is refused. Bounds the
 * client left out are taken from the cursor (the default window moves with the clock). The limit
 * may change between pages.
 */
final class PredictionLogCursor {
    /** Longer tokens are refused before decoding; real ones are a few hundred characters. */
    static final int MAX_LENGTH = CheckedToken.MAX_LENGTH;
    private static final CheckedToken TOKEN = new CheckedToken("prediction-log-cursor");
    private static final Set<String> TABLE_KEY = Set.of(PredictionLogSchema.PK, PredictionLogSchema.SK);
    private static final Set<String> INDEX_KEY = Set.of(PredictionLogSchema.MODEL, PredictionLogSchema.SK, PredictionLogSchema.PK);

    /**
     * A decoded cursor: the window to continue and the key to start after.
     *
     * @param from the window's start
     * @param to the window's end
     * @param startKey DynamoDB {@code ExclusiveStartKey}
     */
    record Position(Instant from, Instant to, Map<String, AttributeValue> startKey) {}

    private PredictionLogCursor() {}

    /**
     * @param query the query of the page just read (its window is the one to continue)
     * @param lastKey the key of the page's last item (table: pk, sk; index: model, sk, pk)
     * @return the token
     */
    static String encode(PredictionQuery query, Map<String, AttributeValue> lastKey) {
        var key = new LinkedHashMap<String, String>();
        lastKey.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> key.put(e.getKey(), Objects.requireNonNull(e.getValue().s(), "key attributes are strings")));
        var payload = new LinkedHashMap<String, Object>();
        payload.put("model", query.model());
        payload.put("version", query.version());
        payload.put("from", query.from().toString());
        payload.put("to", query.to().toString());
        payload.put("key", key);
        return TOKEN.encode(payload);
    }

    /**
     * @param token the client's cursor
     * @param query the query it came with
     * @return the window and start key to continue with
     * @throws InvalidInputException {@code INVALID_CURSOR} when the token is malformed, altered, or
     *     belongs to another query
     */
    static Position decode(String token, PredictionQuery query) {
        var payload = TOKEN.decode(token);
        var from = instant(payload, "from");
        var to = instant(payload, "to");
        if (from.isAfter(to)) {
            throw invalid("the cursor is malformed");
        }
        var version = payload.path("version").isTextual() ? payload.get("version").asText() : null;
        if (!query.model().equals(text(payload, "model"))
                || !Objects.equals(query.version(), version)
                || (query.fromGiven() && !query.from().equals(from))
                || (query.toGiven() && !query.to().equals(to))) {
            throw invalid("the cursor belongs to a different query: keep model, version, from and to as on the first page");
        }
        return new Position(from, to, startKey(payload.get("key"), query, from, to));
    }

    private static Map<String, AttributeValue> startKey(JsonNode key, PredictionQuery query, Instant from, Instant to) {
        if (key == null || !key.isObject()) {
            throw invalid("the cursor is malformed");
        }
        var values = new LinkedHashMap<String, String>();
        key.properties().forEach(e -> {
            if (!e.getValue().isTextual() || e.getValue().asText().isEmpty()) {
                throw invalid("the cursor is malformed");
            }
            values.put(e.getKey(), e.getValue().asText());
        });
        var expected = query.allVersions() ? INDEX_KEY : TABLE_KEY;
        var pk = values.get(PredictionLogSchema.PK);
        var sk = values.get(PredictionLogSchema.SK);
        boolean partitionOk = query.allVersions()
                ? query.model().equals(values.get(PredictionLogSchema.MODEL)) && pk != null && pk.startsWith(query.model() + "#")
                : PredictionLogSchema.partitionKey(query.model(), query.version()).equals(pk);
        // sk starts with the item's time, so the window's bounds as strings bracket it
        boolean inWindow = sk != null
                && sk.compareTo(PredictionLogSchema.SORTABLE_TIME.format(from)) >= 0
                && sk.compareTo(PredictionLogSchema.SORTABLE_TIME.format(to)) <= 0;
        if (!values.keySet().equals(expected) || !partitionOk || !inWindow || pk.length() > 2048 || sk.length() > 1024) {
            throw invalid("the cursor does not point into this query's results");
        }
        var out = new LinkedHashMap<String, AttributeValue>();
        values.forEach((name, value) -> out.put(name, AttributeValue.fromS(value)));
        return out;
    }

    private static String text(JsonNode payload, String field) {
        var node = payload.get(field);
        if (node == null || !node.isTextual()) {
            throw invalid("the cursor is malformed");
        }
        return node.asText();
    }

    private static Instant instant(JsonNode payload, String field) {
        try {
            return Instant.parse(text(payload, field));
        } catch (java.time.format.DateTimeParseException e) {
            throw invalid("the cursor is malformed");
        }
    }

    private static InvalidInputException invalid(String why) {
        return CheckedToken.invalid(why);
    }
}
