package io.mlserve.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.logquery.PredictionQuery;
import io.mlserve.core.store.LogShards;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The opaque {@code cursor} of {@code GET /predictions}: where the next page starts, bound to the
 * query it continues.
 *
 * <p>Format: {@code base64url(payload) "." base64url(check)}, no padding ({@link CheckedToken}), where payload is the
 * JSON {@code {"v":1,"model","version"|null,"from","to","after":{"sk","pk"}}}: the key of the page's last item. Reads
 * merge the version's (or model's) shards newest first by {@code (sk, pk)}, so that one key is every shard's
 * position: each shard resumes strictly after it. The check catches edits and truncation; it is not a signature
 * (it keeps no secret), so decoding also validates the key: {@code pk} one shard of the query's version
 * ({@code <model>#<version>#<shard>}), or of the query's model for a model-wide query, and {@code sk} inside the
 * window. A forged but well-formed cursor can therefore only point inside data the same query could read.
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
    private static final Set<String> KEY = Set.of(PredictionLogSchema.SK, PredictionLogSchema.PK);
    private static final Pattern SHARD_KEY = Pattern.compile("^([^#]+)#([^#]+)#(\\d{1,2})$");

    /**
     * A decoded cursor: the window to continue and the item to continue after.
     *
     * @param from the window's start
     * @param to the window's end
     * @param sk the last item's sort key
     * @param pk the last item's partition key
     */
    record Position(Instant from, Instant to, String sk, String pk) {
        /** @return the key as an item, to compare with read items */
        Map<String, AttributeValue> asItem() {
            return Map.of(PredictionLogSchema.SK, AttributeValue.fromS(sk), PredictionLogSchema.PK, AttributeValue.fromS(pk));
        }
    }

    private PredictionLogCursor() {}

    /**
     * @param query the query of the page just read (its window is the one to continue)
     * @param sk the sort key of the page's last item
     * @param pk its partition key
     * @return the token
     */
    static String encode(PredictionQuery query, String sk, String pk) {
        var key = new LinkedHashMap<String, String>();
        key.put(PredictionLogSchema.SK, Objects.requireNonNull(sk, "sk"));
        key.put(PredictionLogSchema.PK, Objects.requireNonNull(pk, "pk"));
        var payload = new LinkedHashMap<String, Object>();
        payload.put("model", query.model());
        payload.put("version", query.version());
        payload.put("from", query.from().toString());
        payload.put("to", query.to().toString());
        payload.put("after", key);
        return TOKEN.encode(payload);
    }

    /**
     * @param token the client's cursor
     * @param query the query it came with
     * @return the window and the item to continue after
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
        var key = payload.get("after");
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
        var pk = values.get(PredictionLogSchema.PK);
        var sk = values.get(PredictionLogSchema.SK);
        var shardKey = pk == null || pk.length() > 256 ? null : SHARD_KEY.matcher(pk);
        boolean partitionOk = shardKey != null && shardKey.matches()
                && shardKey.group(1).equals(query.model())
                && (query.allVersions() || shardKey.group(2).equals(query.version()))
                && Integer.parseInt(shardKey.group(3)) < LogShards.MAX;
        // sk starts with the item's time, so the window's bounds as strings bracket it
        boolean inWindow = sk != null && sk.length() <= 1024
                && sk.compareTo(PredictionLogSchema.SORTABLE_TIME.format(from)) >= 0
                && sk.compareTo(PredictionLogSchema.SORTABLE_TIME.format(to)) <= 0;
        if (!values.keySet().equals(KEY) || !partitionOk || !inWindow) {
            throw invalid("the cursor does not point into this query's results");
        }
        return new Position(from, to, sk, pk);
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
