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
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
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

    /** @return the opaque id */
    public String encode() {
        var payload = ("p1|" + model.name() + "|" + model.version() + "|" + shard + "|" + timestamp.toEpochMilli() + "|"
                + requestId + "|" + row).getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(check(payload));
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
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    });

    private static byte[] check(byte[] payload) {
        var digest = SHA256.get();
        digest.reset();
        digest.update(PREFIX);
        return Arrays.copyOf(digest.digest(payload), CHECK_BYTES);
    }
}
