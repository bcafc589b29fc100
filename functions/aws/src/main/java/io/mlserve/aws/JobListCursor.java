package io.mlserve.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The opaque {@code cursor} of {@code GET /jobs}, made as {@link PredictionLogCursor} makes its own:
 * {@code base64url(payload) "." base64url(check)}, the payload {@code {"v":1,"model"|null,"status"|null,
 * "key":{...}}} and the check the first 12 bytes of SHA-256 over a fixed prefix and the payload. It is
 * bound to the filters (model, status): another filter is refused. The key is validated too: exactly
 * the index's key attributes ({@code byModel}: model, startedAt, pk, sk; {@code all}: kind, startedAt,
 * pk, sk), {@code sk = JOB}, and the same model, so a forged cursor can only point into the same query.
 */
final class JobListCursor {
    static final int MAX_LENGTH = 4096;
    private static final int FORMAT = 1;
    private static final byte[] CHECK_PREFIX = "mlserve/job-list-cursor/v1\n".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final Set<String> BY_MODEL_KEY = Set.of("model", "startedAt", "pk", "sk");
    private static final Set<String> ALL_KEY = Set.of("kind", "startedAt", "pk", "sk");

    private JobListCursor() {}

    static String encode(String model, JobStatus status, Map<String, AttributeValue> lastKey) {
        var key = new LinkedHashMap<String, String>();
        lastKey.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> key.put(e.getKey(), Objects.requireNonNull(e.getValue().s(), "key attributes are strings")));
        var payload = new LinkedHashMap<String, Object>();
        payload.put("v", FORMAT);
        payload.put("model", model);
        payload.put("status", status == null ? null : status.name());
        payload.put("key", key);
        var bytes = Json.MAPPER.valueToTree(payload).toString().getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(check(bytes));
    }

    static Map<String, AttributeValue> decode(String token, String model, JobStatus status) {
        if (token.length() > MAX_LENGTH) {
            throw invalid("the cursor is too long");
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            throw invalid("the cursor is malformed");
        }
        JsonNode payload;
        try {
            var bytes = DECODER.decode(token.substring(0, dot));
            var given = DECODER.decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(given, check(bytes))) {
                throw invalid("the cursor was altered");
            }
            payload = Json.MAPPER.readTree(bytes);
        } catch (IllegalArgumentException | IOException e) {
            throw invalid("the cursor is malformed");
        }
        if (payload == null || !payload.isObject() || payload.path("v").asInt() != FORMAT) {
            throw invalid("the cursor is malformed");
        }
        var cursorModel = payload.path("model").isTextual() ? payload.get("model").asText() : null;
        var cursorStatus = payload.path("status").isTextual() ? payload.get("status").asText() : null;
        if (!Objects.equals(model, cursorModel) || !Objects.equals(status == null ? null : status.name(), cursorStatus)) {
            throw invalid("the cursor belongs to a different query: keep model and status as on the first page");
        }
        var key = payload.get("key");
        if (key == null || !key.isObject()) {
            throw invalid("the cursor is malformed");
        }
        var values = new LinkedHashMap<String, String>();
        key.properties().forEach(e -> {
            if (!e.getValue().isTextual() || e.getValue().asText().isEmpty() || e.getValue().asText().length() > 1024) {
                throw invalid("the cursor is malformed");
            }
            values.put(e.getKey(), e.getValue().asText());
        });
        boolean ok = model != null
                ? values.keySet().equals(BY_MODEL_KEY) && model.equals(values.get("model"))
                : values.keySet().equals(ALL_KEY) && DynamoDbJobStore.KIND_JOB.equals(values.get("kind"));
        if (!ok || !DynamoDbJobStore.SK_JOB.equals(values.get("sk"))) {
            throw invalid("the cursor does not point into this query's results");
        }
        var out = new LinkedHashMap<String, AttributeValue>();
        values.forEach((name, value) -> out.put(name, AttributeValue.fromS(value)));
        return out;
    }

    private static byte[] check(byte[] payload) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(CHECK_PREFIX);
            return Arrays.copyOf(digest.digest(payload), 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static InvalidInputException invalid(String why) {
        return new InvalidInputException("INVALID_CURSOR", why + "; start again without 'cursor'", Map.of("parameter", "cursor"));
    }
}
