package io.mlserve.core.store;

import io.mlserve.core.error.MlServeException;
import io.mlserve.core.model.ModelRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The stable id of one logged prediction row, given to callers with each prediction ({@code predictionId}) and
 * accepted back with feedback: everything needed to find the row's log item with one GetItem, no scan.
 *
 * <p>Format (v2, issued since 2026-12-04): {@code base64url(request) "." shard "." row "." base64url(check)}, no
 * padding, shard and row in decimal; request {@code p2|<model>|<version>|<epoch millis>|<requestId>} in UTF-8; check 8
 * bytes, the first 8 of SHA-256 over a fixed prefix and the request, XOR a bijective mix of (shard, row). The rows of
 * one request share everything but the last three parts, so an answer of many rows hashes once ({@link PredictionIds}).
 * The check catches altered, truncated and mistaken ids: a changed request part changes the digest, a changed shard or
 * row changes the mix (never to the same value: the mix is a bijection), and only the canonical text of an id decodes.
 * It keeps no secret: a well-formed forged id can only name a row that then is not found.
 *
 * <p>Ids issued before (v1, {@code base64url(p1|<model>|<version>|<shard>|<epoch millis>|<requestId>|<row>) "."
 * base64url(first 9 bytes of SHA-256(prefix, payload))}) still decode. Model names and versions cannot hold {@code |}
 * (ModelRef's checks), request ids are ours.
 *
 * @param model the version that answered
 * @param shard its log shard ({@link LogShards#shardOf})
 * @param timestamp the prediction time (millisecond precision, as logged)
 * @param requestId the request (or batch range) id
 * @param row the row's index within it
 */
public record PredictionId(ModelRef model, int shard, Instant timestamp, String requestId, int row) {
    /** Longest id accepted before decoding; real ones are ~100–150 characters. */
    public static final int MAX_LENGTH = 512;
    private static final byte[] PREFIX_V1 = "mlserve/prediction-id/v1\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PREFIX_V2 = "mlserve/prediction-id/v2\n".getBytes(StandardCharsets.UTF_8);
    private static final int CHECK_BYTES_V1 = 9;
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    /**
     * @param record a logged row
     * @param shards its version's shard count
     * @return the row's id
     */
    public static PredictionId of(PredictionRecord record, int shards) {
        return new PredictionId(record.model(), LogShards.shardOf(record.requestId(), record.row(), shards),
                Instant.ofEpochMilli(record.timestamp().toEpochMilli()), record.requestId(), record.row());
    }

    /** @return the opaque id */
    public String encode() {
        var request = new Request(model, timestamp.toEpochMilli(), requestId);
        var out = new byte[request.maxLength()];
        int length = request.write(shard, row, out, 0);
        return new String(out, 0, length, StandardCharsets.ISO_8859_1); // base64url, digits and dots: ASCII
    }

    /**
     * @param id a caller's id
     * @return the decoded id, or empty when it is malformed, altered or truncated (a forged or mistaken id)
     */
    public static Optional<PredictionId> decode(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        var parts = id.split("\\.", -1);
        try {
            return switch (parts.length) {
                case 4 -> decodeV2(id, parts);
                case 2 -> decodeV1(parts);
                default -> Optional.empty();
            };
        } catch (IllegalArgumentException | MlServeException e) { // bad base64, bad numbers, a forged bad name
            return Optional.empty();
        }
    }

    private static Optional<PredictionId> decodeV2(String id, String[] parts) {
        var fields = new String(DECODER.decode(parts[0]), StandardCharsets.UTF_8).split("\\|", -1);
        if (fields.length != 5 || !fields[0].equals("p2")) {
            return Optional.empty();
        }
        var decoded = new PredictionId(new ModelRef(fields[1], fields[2]), Integer.parseInt(parts[1]),
                Instant.ofEpochMilli(Long.parseLong(fields[3])), fields[4], Integer.parseInt(parts[2]));
        // the canonical text only: no "+1" or "01" for 1, no base64 with stray low bits, and the check must match
        return decoded.encode().equals(id) ? Optional.of(decoded) : Optional.empty();
    }

    private static Optional<PredictionId> decodeV1(String[] parts) {
        if (parts[0].isEmpty()) {
            return Optional.empty();
        }
        var payload = DECODER.decode(parts[0]);
        var digest = SHA256.get();
        digest.reset();
        digest.update(PREFIX_V1);
        var check = Arrays.copyOf(digest.digest(payload), CHECK_BYTES_V1);
        if (!MessageDigest.isEqual(check, DECODER.decode(parts[1]))) {
            return Optional.empty();
        }
        var fields = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        if (fields.length != 7 || !fields[0].equals("p1")) {
            return Optional.empty();
        }
        return Optional.of(new PredictionId(new ModelRef(fields[1], fields[2]), Integer.parseInt(fields[3]),
                Instant.ofEpochMilli(Long.parseLong(fields[4])), fields[5], Integer.parseInt(fields[6])));
    }

    /**
     * What the ids of one request's rows share: the encoded request part and its digest, made once; then each row's
     * id is a copy, two small numbers and an 8-byte check.
     */
    static final class Request {
        private final byte[] text;
        private final long digest;

        Request(ModelRef model, long millis, String requestId) {
            var payload = ("p2|" + model.name() + "|" + model.version() + "|" + millis + "|" + requestId)
                    .getBytes(StandardCharsets.UTF_8);
            this.text = ENCODER.encode(payload);
            var sha = SHA256.get();
            sha.reset();
            sha.update(PREFIX_V2);
            var hash = sha.digest(payload);
            long d = 0;
            for (int i = 0; i < 8; i++) {
                d = d << 8 | (hash[i] & 0xFF);
            }
            this.digest = d;
        }

        /** @return an upper bound of one row's id length: the request part, two ints, three dots, the check */
        int maxLength() {
            return text.length + 3 + 2 * 11 + 11;
        }

        /** Writes row's id at {@code at} ({@link #maxLength} bytes of room); @return the position after it. */
        int write(int shard, int row, byte[] to, int at) {
            System.arraycopy(text, 0, to, at, text.length);
            at += text.length;
            to[at++] = '.';
            at = decimal(to, at, shard);
            to[at++] = '.';
            at = decimal(to, at, row);
            to[at++] = '.';
            long check = digest ^ mix(shard, row);
            // 8 bytes as base64url without padding: 10 characters of 6 bits, then the last 4 bits (shifted up by 2)
            for (int shift = 58; shift >= 4; shift -= 6) {
                to[at++] = BASE64URL[(int) (check >>> shift) & 0x3F];
            }
            to[at++] = BASE64URL[(int) (check << 2) & 0x3C];
            return at;
        }
    }

    /** SplitMix64's finaliser over (shard, row): a bijection, so two rows of one request never share a check. */
    private static long mix(int shard, int row) {
        long z = ((long) shard << 32 | (row & 0xFFFFFFFFL)) + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static final byte[] BASE64URL =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(StandardCharsets.US_ASCII);

    /** One digest per thread: getInstance (a provider lookup) costs about as much as hashing a request part. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(PredictionId::sha256);

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Writes {@code v} in decimal as {@link Integer#toString(int)} does; @return the position after it. */
    private static int decimal(byte[] to, int at, int v) {
        if (v < 0 || v > 999_999_999) { // not ours (shards and rows are small)
            var text = Integer.toString(v);
            for (int i = 0; i < text.length(); i++) {
                to[at++] = (byte) text.charAt(i);
            }
            return at;
        }
        int end = at + 1;
        for (int power = 10; end - at < 9 && v >= power; power *= 10) {
            end++;
        }
        for (int i = end - 1; i >= at; i--) {
            int quotient = (int) ((v * 0xCCCCCCCDL) >>> 35); // v / 10, exact for 0 <= v < 2^32
            to[i] = (byte) ('0' + v - quotient * 10);
            v = quotient;
        }
        return end;
    }
}
