package io.mlserve.core.store;

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
     * buffer, the check is hashed from it, and both are base64url-encoded into one byte buffer that becomes the
     * (Latin-1) String. The result is exactly {@code base64url(payload) "." base64url(check)} as documented above, so
     * the format and {@link #decode} are unchanged.
     *
     * @return the opaque id
     */
    public String encode() {
        return encode(PLAIN_SHA256);
    }

    /**
     * Whether the JIT is C1 only ({@code -XX:TieredStopAtLevel=1}, Lambda's java21 default, shown as
     * "emulated-client" in {@code java.vm.info}): there the JDK's SHA-256 gets no intrinsic and a plain one with a
     * reused first block is ~2× cheaper per id; under C2 the JDK's intrinsic is ~2.5× cheaper than the plain one.
     */
    private static final boolean PLAIN_SHA256 = System.getProperty("java.vm.info", "").contains("emulated-client");

    /** @param plainSha256 hash with {@link Scratch#plainSha256} instead of the JDK's digest (tests run both) */
    String encode(boolean plainSha256) {
        var scratch = SCRATCH.get();
        int most = maxEncodedLength();
        if (scratch.out.length < most) {
            scratch.out = new byte[most];
        }
        int length = encodeInto(scratch.out, 0, plainSha256);
        return new String(scratch.out, 0, length, StandardCharsets.ISO_8859_1); // base64url is ASCII: one copy, a compact String
    }

    /**
     * Writes the id's ASCII characters ({@link #encode}'s text) straight into a caller's buffer, so an answer of many
     * rows copies no String per id.
     *
     * @param to the buffer, with room for {@link #maxEncodedLength} bytes from {@code at}
     * @param at where the id starts
     * @return the position after it
     */
    public int encodeInto(byte[] to, int at) {
        return encodeInto(to, at, PLAIN_SHA256);
    }

    /** @return an upper bound of the encoded id's length, in bytes (and characters) */
    public int maxEncodedLength() {
        return base64Length(maxPayloadLength()) + 1 + base64Length(CHECK_BYTES);
    }

    /** UTF-8 takes at most 3 bytes per char; numbers at most 20 characters; 6 separators and "p1". */
    private int maxPayloadLength() {
        return 3 * (model.name().length() + model.version().length() + requestId.length()) + 3 * 20 + 8;
    }

    private int encodeInto(byte[] out, int at, boolean plainSha256) {
        var scratch = SCRATCH.get();
        var name = model.name();
        var version = model.version();
        // the prefix, then the payload, then SHA-256's padding (at most 72 bytes)
        int most = PREFIX.length + maxPayloadLength() + 72;
        if (scratch.message.length < most) {
            scratch.message = Arrays.copyOf(scratch.message, most); // keeps the prefix
        }
        var m = scratch.message;
        int n = PREFIX.length;
        m[n++] = 'p';
        m[n++] = '1';
        m[n++] = '|';
        n = utf8(m, n, name);
        m[n++] = '|';
        n = utf8(m, n, version);
        m[n++] = '|';
        n = decimal(m, n, shard);
        m[n++] = '|';
        n = decimal(m, n, timestamp.toEpochMilli());
        m[n++] = '|';
        n = utf8(m, n, requestId);
        m[n++] = '|';
        n = decimal(m, n, row);
        int payload = n - PREFIX.length;

        at = base64url(m, PREFIX.length, payload, out, at); // before hashing: the padding goes after the payload
        out[at++] = '.';
        if (plainSha256) {
            scratch.plainSha256(n, shard);
        } else {
            scratch.jdkSha256(n);
        }
        return base64url(scratch.check, 0, CHECK_BYTES, out, at);
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

    /**
     * What {@link #encode} reuses on each thread: the message buffer (the fixed prefix, then the payload), and a plain
     * SHA-256 over it. Plain Java because the deployed JVM runs C1 only, where the JDK's digest gets no intrinsic and
     * costs more through its generic layers; and because the rows of one request share the first 64-byte block
     * (prefix, model, version, shard, time, the start of the request id), whose state after compression is kept per
     * shard and reused when the block is byte-for-byte the same, so most rows of a batch hash one block instead of two.
     * Checked against {@link MessageDigest} by the tests.
     */
    private static final class Scratch {
        byte[] message = Arrays.copyOf(PREFIX, 256);
        byte[] out = new byte[256];
        final byte[] check = new byte[CHECK_BYTES];
        private final int[] w = new int[64];
        private final int[] h = new int[8];
        private final byte[][] firstBlocks = new byte[64][];
        private final int[][] afterFirstBlock = new int[64][];

        private final MessageDigest jdk = sha256();
        private final byte[] hash = new byte[32];

        /** Hashes message[0, length) into {@link #check} with the JDK's digest (an intrinsic under C2). */
        void jdkSha256(int length) {
            jdk.reset();
            jdk.update(message, 0, length);
            try {
                jdk.digest(hash, 0, hash.length);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException("SHA-256 fills 32 bytes", e);
            }
            System.arraycopy(hash, 0, check, 0, CHECK_BYTES);
        }

        /** Hashes message[0, length) (padding it in place) into {@link #check}. */
        void plainSha256(int length, int shard) {
            var m = message;
            int padded = (length + 9 + 63) & ~63;
            m[length] = (byte) 0x80;
            Arrays.fill(m, length + 1, padded - 8, (byte) 0);
            long bits = (long) length << 3;
            for (int i = 1; i <= 8; i++, bits >>>= 8) {
                m[padded - i] = (byte) bits;
            }
            int from = 0;
            if (padded > 64) {
                int slot = shard & 63; // only a cache slot: a hit needs the same block
                var block = firstBlocks[slot];
                if (block != null && Arrays.equals(block, 0, 64, m, 0, 64)) {
                    System.arraycopy(afterFirstBlock[slot], 0, h, 0, 8);
                } else {
                    System.arraycopy(H0, 0, h, 0, 8);
                    compress(m, 0);
                    firstBlocks[slot] = Arrays.copyOf(m, 64);
                    afterFirstBlock[slot] = h.clone();
                }
                from = 64;
            } else {
                System.arraycopy(H0, 0, h, 0, 8);
            }
            for (int off = from; off < padded; off += 64) {
                compress(m, off);
            }
            for (int i = 0; i < CHECK_BYTES; i++) {
                check[i] = (byte) (h[i >> 2] >>> (24 - 8 * (i & 3)));
            }
        }

        private void compress(byte[] b, int off) {
            var w = this.w;
            for (int t = 0; t < 16; t++, off += 4) {
                w[t] = b[off] << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
            }
            for (int t = 16; t < 64; t++) {
                int x = w[t - 2];
                int y = w[t - 15];
                w[t] = (Integer.rotateRight(x, 17) ^ Integer.rotateRight(x, 19) ^ (x >>> 10)) + w[t - 7]
                        + (Integer.rotateRight(y, 7) ^ Integer.rotateRight(y, 18) ^ (y >>> 3)) + w[t - 16];
            }
            var h = this.h;
            int a = h[0], b1 = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], h1 = h[7];
            for (int t = 0; t < 64; t++) {
                int t1 = h1 + (Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25))
                        + ((e & f) ^ (~e & g)) + K[t] + w[t];
                int t2 = (Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22))
                        + ((a & b1) ^ (a & c) ^ (b1 & c));
                h1 = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b1;
                b1 = a;
                a = t1 + t2;
            }
            h[0] += a;
            h[1] += b1;
            h[2] += c;
            h[3] += d;
            h[4] += e;
            h[5] += f;
            h[6] += g;
            h[7] += h1;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** SHA-256's initial state and round constants (FIPS 180-4). */
    private static final int[] H0 = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

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
        if (v < 0 || v >= 1_000_000_000_000_000_000L) { // not ours (shards, rows and times are 0..~2e12)
            return utf8(to, at, Long.toString(v));
        }
        if (v < 1_000_000_000L) {
            return decimal(to, at, (int) v, 1);
        }
        long high = v / 1_000_000_000L; // the one long division: C1 does not turn division by a constant into a multiply
        at = decimal(to, at, (int) high, 1);
        return decimal(to, at, (int) (v - high * 1_000_000_000L), 9);
    }

    /** Writes {@code x} (0..999,999,999) with at least {@code minDigits} digits (zeros in front); @return the position after it. */
    private static int decimal(byte[] to, int at, int x, int minDigits) {
        int digits = 1;
        for (int power = 10; digits < 9 && x >= power; power *= 10) {
            digits++;
        }
        int end = at + Math.max(digits, minDigits);
        for (int i = end - 1; i >= at; i--) {
            int quotient = (int) ((x * 0xCCCCCCCDL) >>> 35); // x / 10, exact for 0 <= x < 2^32
            to[i] = (byte) ('0' + x - quotient * 10);
            x = quotient;
        }
        return end;
    }

    private static int base64Length(int bytes) {
        return bytes / 3 * 4 + (bytes % 3 == 0 ? 0 : bytes % 3 + 1);
    }

    /** Base64url without padding, as {@code Base64.getUrlEncoder().withoutPadding()}; @return the position after it. */
    private static int base64url(byte[] from, int offset, int length, byte[] to, int at) {
        int i = offset;
        int end = offset + length;
        for (int whole = end - length % 3; i < whole; i += 3) {
            int bits = (from[i] & 0xFF) << 16 | (from[i + 1] & 0xFF) << 8 | (from[i + 2] & 0xFF);
            to[at++] = BASE64URL[bits >>> 18];
            to[at++] = BASE64URL[(bits >>> 12) & 0x3F];
            to[at++] = BASE64URL[(bits >>> 6) & 0x3F];
            to[at++] = BASE64URL[bits & 0x3F];
        }
        if (end - i == 1) {
            int bits = (from[i] & 0xFF) << 16;
            to[at++] = BASE64URL[bits >>> 18];
            to[at++] = BASE64URL[(bits >>> 12) & 0x3F];
        } else if (end - i == 2) {
            int bits = (from[i] & 0xFF) << 16 | (from[i + 1] & 0xFF) << 8;
            to[at++] = BASE64URL[bits >>> 18];
            to[at++] = BASE64URL[(bits >>> 12) & 0x3F];
            to[at++] = BASE64URL[(bits >>> 6) & 0x3F];
        }
        return at;
    }
}
