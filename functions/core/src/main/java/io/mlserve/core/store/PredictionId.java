package io.mlserve.core.store;

import io.mlserve.core.model.ModelRef;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
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
 * <p>Format: {@code base64url(payload) "." base64url(check)}, no padding; payload
 * {@code p1|<model>|<version>|<shard>|<epoch millis>|<requestId>|<row>}, check the first 9 bytes of SHA-256 over a
 * fixed prefix and the payload. Opaque to callers; the check catches altered, truncated and mistaken ids (it keeps no
 * secret: a well-formed forged id can only name a row that then is not found). Model names and versions cannot hold
 * {@code |} (ModelRef's checks), request ids are ours.
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
    private static final byte[] PREFIX = "mlserve/prediction-id/v1\n".getBytes(StandardCharsets.UTF_8);
    private static final int CHECK_BYTES = 9;
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /**
     * @param record a logged row
     * @param shards its version's shard count
     * @return the row's id
     */
    public static PredictionId of(PredictionRecord record, int shards) {
        return new PredictionId(record.model(), LogShards.shardOf(record.requestId(), record.row(), shards),
                Instant.ofEpochMilli(record.timestamp().toEpochMilli()), record.requestId(), record.row());
    }

    /**
     * Built once per predicted row, so without intermediate Strings: the payload's UTF-8 bytes go into a per-thread
     * buffer, the check is hashed from it with a per-thread digest, and both are base64url-encoded into one byte
     * buffer that becomes the (Latin-1) String. The result is exactly {@code base64url(payload) "." base64url(check)}
     * as documented above, so the format and {@link #decode} are unchanged.
     *
     * @return the opaque id
     */
    public String encode() {
        var scratch = SCRATCH.get();
        var name = model.name();
        var version = model.version();
        // UTF-8 takes at most 3 bytes per char; numbers at most 20 characters; 6 separators and "p1"
        int most = 3 * (name.length() + version.length() + requestId.length()) + 3 * 20 + 8;
        if (scratch.payload.length < most) {
            scratch.payload = new byte[most];
        }
        var p = scratch.payload;
        int n = 0;
        p[n++] = 'p';
        p[n++] = '1';
        p[n++] = '|';
        n = utf8(p, n, name);
        p[n++] = '|';
        n = utf8(p, n, version);
        p[n++] = '|';
        n = decimal(p, n, shard);
        p[n++] = '|';
        n = decimal(p, n, timestamp.toEpochMilli());
        p[n++] = '|';
        n = utf8(p, n, requestId);
        p[n++] = '|';
        n = decimal(p, n, row);

        var digest = scratch.sha256;
        digest.reset();
        digest.update(PREFIX);
        digest.update(p, 0, n);
        try {
            digest.digest(scratch.hash, 0, scratch.hash.length);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 fills 32 bytes", e);
        }

        int length = base64Length(n) + 1 + base64Length(CHECK_BYTES);
        if (scratch.out.length < length) {
            scratch.out = new byte[length];
        }
        var out = scratch.out;
        int at = base64url(p, n, out, 0);
        out[at++] = '.';
        at = base64url(scratch.hash, CHECK_BYTES, out, at);
        return new String(out, 0, at, StandardCharsets.ISO_8859_1); // base64url is ASCII: one copy, a compact String
    }

    /**
     * @param id a caller's id
     * @return the decoded id, or empty when it is malformed, altered or truncated (a forged or mistaken id)
     */
    public static Optional<PredictionId> decode(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int dot = id.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        try {
            var payload = DECODER.decode(id.substring(0, dot));
            if (!MessageDigest.isEqual(check(payload), DECODER.decode(id.substring(dot + 1)))) {
                return Optional.empty();
            }
            var parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 7 || !parts[0].equals("p1")) {
                return Optional.empty();
            }
            return Optional.of(new PredictionId(new ModelRef(parts[1], parts[2]), Integer.parseInt(parts[3]),
                    Instant.ofEpochMilli(Long.parseLong(parts[4])), parts[5], Integer.parseInt(parts[6])));
        } catch (IllegalArgumentException e) { // bad base64, bad numbers
            return Optional.empty();
        }
    }

    /** One digest per thread: the predict hot path makes an id per row, and getInstance costs about as much as the hash. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(PredictionId::sha256);

    /** What {@link #encode} reuses on each thread: its digest and buffers (grown when an id needs more). */
    private static final class Scratch {
        final MessageDigest sha256 = sha256();
        final byte[] hash = new byte[32];
        byte[] payload = new byte[192];
        byte[] out = new byte[256];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final byte[] BASE64URL =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(StandardCharsets.US_ASCII);

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static byte[] check(byte[] payload) {
        var digest = SHA256.get();
        digest.reset();
        digest.update(PREFIX);
        return Arrays.copyOf(digest.digest(payload), CHECK_BYTES);
    }

    /** Writes {@code s} as UTF-8 at {@code at} (room checked by the caller); @return the position after it. */
    private static int utf8(byte[] to, int at, String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) { // not ours (names, versions and request ids are ASCII), but encoded as String.getBytes would
                var bytes = s.getBytes(StandardCharsets.UTF_8);
                System.arraycopy(bytes, 0, to, at - i, bytes.length);
                return at - i + bytes.length;
            }
            to[at++] = (byte) c;
        }
        return at;
    }

    /** Writes {@code v} in decimal as {@link Long#toString(long)} does; @return the position after it. */
    private static int decimal(byte[] to, int at, long v) {
        if (v < 0) { // not ours (shards, rows and times are not negative), written as Long.toString would
            return utf8(to, at, Long.toString(v));
        }
        int digits = 1;
        for (long rest = v / 10; rest != 0; rest /= 10) {
            digits++;
        }
        int end = at + digits;
        for (int i = end - 1; i >= at; i--) {
            to[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        return end;
    }

    private static int base64Length(int bytes) {
        return bytes / 3 * 4 + (bytes % 3 == 0 ? 0 : bytes % 3 + 1);
    }

    /** Base64url without padding, as {@code Base64.getUrlEncoder().withoutPadding()}; @return the position after it. */
    private static int base64url(byte[] from, int length, byte[] to, int at) {
        int i = 0;
        for (int whole = length - length % 3; i < whole; i += 3) {
            int bits = (from[i] & 0xFF) << 16 | (from[i + 1] & 0xFF) << 8 | (from[i + 2] & 0xFF);
            to[at++] = BASE64URL[bits >>> 18];
            to[at++] = BASE64URL[(bits >>> 12) & 0x3F];
            to[at++] = BASE64URL[(bits >>> 6) & 0x3F];
            to[at++] = BASE64URL[bits & 0x3F];
        }
        if (length - i == 1) {
            int bits = (from[i] & 0xFF) << 16;
            to[at++] = BASE64URL[bits >>> 18];
            to[at++] = BASE64URL[(bits >>> 12) & 0x3F];
        } else if (length - i == 2) {
            int bits = (from[i] & 0xFF) << 16 | (from[i + 1] & 0xFF) << 8;
            to[at++] = BASE64URL[bits >>> 18];
            to[at++] = BASE64URL[(bits >>> 12) & 0x3F];
            to[at++] = BASE64URL[(bits >>> 6) & 0x3F];
        }
        return at;
    }
}
