package io.mlserve.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The format every paging cursor shares: {@code base64url(payload) "." base64url(check)}, the payload a
 * JSON object with a format version {@code v}, the check the first 12 bytes of SHA-256 over a fixed
 * prefix (one per cursor kind, so one kind's token is never another's) and the payload. Not secret:
 * it catches altered and mistaken tokens; each cursor then checks the payload against its query.
 */
final class CheckedToken {
    /** Longest token accepted. */
    static final int MAX_LENGTH = 4096;
    private static final int FORMAT = 1;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final byte[] checkPrefix;

    /** @param kind names the cursor kind, e.g. {@code prediction-log-cursor} */
    CheckedToken(String kind) {
        this.checkPrefix = ("mlserve/" + kind + "/v1\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param fields the payload's fields, in order
     * @return the token
     */
    String encode(Map<String, Object> fields) {
        var payload = new LinkedHashMap<String, Object>();
        payload.put("v", FORMAT);
        payload.putAll(fields);
        var bytes = Json.write(payload).getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(check(bytes));
    }

    /**
     * @param token a client's token
     * @return its payload, checked: this kind's, unaltered, a JSON object of this format
     * @throws InvalidInputException {@code INVALID_CURSOR} otherwise
     */
    JsonNode decode(String token) {
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
        return payload;
    }

    /**
     * @param why what is wrong with the cursor
     * @return the error every cursor refusal uses
     */
    static InvalidInputException invalid(String why) {
        return new InvalidInputException("INVALID_CURSOR", why + "; start again without 'cursor'", Map.of("parameter", "cursor"));
    }

    private byte[] check(byte[] payload) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(checkPrefix);
            return Arrays.copyOf(digest.digest(payload), 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
