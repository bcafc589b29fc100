package io.mlserve.core.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/** The only form in which a key value is stored or compared: lowercase hex sha256 of its UTF-8 bytes. */
public final class KeyHash {
    private KeyHash() {}

    /**
     * @param keyValue the key as the caller sends it in {@code x-api-key}
     * @return 64 lowercase hex characters
     */
    public static String of(String keyValue) {
        Objects.requireNonNull(keyValue, "keyValue");
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(keyValue.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * @param keyHash a key hash
     * @return its first 8 characters: enough to tell keys apart in a listing, useless to an attacker
     */
    public static String prefix(String keyHash) {
        return keyHash.length() <= 8 ? keyHash : keyHash.substring(0, 8);
    }
}
