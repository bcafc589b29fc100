package io.mlserve.core.json;

import io.mlserve.core.store.PredictionIds;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON text written as UTF-8 bytes into a buffer reused per thread and turned into one String at the end (a compact
 * Latin-1 one when all of it is ASCII, the usual case): a StringBuilder pays a capacity and coder check per appended
 * character, which under the deployed C1-only JIT cost more than the model. Non-ASCII characters are written as
 * Jackson writes them (as themselves); a lone surrogate is refused ({@code false}), and the caller writes the whole text
 * another way.
 */
final class JsonBytes {
    private static final ThreadLocal<JsonBytes> PER_THREAD = ThreadLocal.withInitial(JsonBytes::new);
    /** Larger buffers are dropped after use, so one huge answer does not stay pinned to the thread. */
    private static final int KEPT_BYTES = 1 << 20;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] buffer = new byte[8192];
    private int length;
    private boolean ascii;
    private java.util.List<String> literalsOf;
    private byte[][] literals;
    private boolean literalsAscii;

    private JsonBytes() {}

    /** @return this thread's writer, emptied */
    static JsonBytes forThread() {
        var bytes = PER_THREAD.get();
        bytes.length = 0;
        bytes.ascii = true;
        return bytes;
    }

    /** @param ascii a literal of ASCII characters, written as is */
    JsonBytes raw(byte[] ascii) {
        room(ascii.length);
        System.arraycopy(ascii, 0, buffer, length, ascii.length);
        length += ascii.length;
        return this;
    }

    /** @param c an ASCII character, written as is */
    JsonBytes raw(char c) {
        room(1);
        buffer[length++] = (byte) c;
        return this;
    }

    /** @param text ASCII text known to need no escaping (a number's {@code toString}) */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) drops the high byte: right for ASCII, and one copy
    JsonBytes plain(String text) {
        int n = text.length();
        room(n);
        text.getBytes(0, n, buffer, length);
        length += n;
        return this;
    }

    /**
     * The JSON string literals of a list of names, kept while the same list comes again: every row of an answer
     * has the same class labels.
     *
     * @return one literal per name, or null when one holds a lone surrogate
     */
    byte[][] literals(java.util.List<String> names) {
        if (names != literalsOf) {
            boolean asciiSoFar = ascii;
            ascii = true;
            var literals = new byte[names.size()][];
            for (int k = 0; k < literals.length; k++) {
                int start = length;
                if (!string(names.get(k))) {
                    literals = null;
                    length = start;
                    break;
                }
                literals[k] = Arrays.copyOfRange(buffer, start, length);
                length = start;
            }
            literalsOf = names;
            this.literals = literals;
            literalsAscii = ascii;
            ascii = asciiSoFar;
        }
        ascii &= literalsAscii; // the caller writes them
        return literals;
    }

    /**
     * A JSON string literal with Jackson's escapes ({@code \"}, {@code \\}, the short forms, six characters for other
     * controls); other characters as themselves, in UTF-8.
     *
     * @return false, having written part of it, when {@code s} holds a lone surrogate
     */
    boolean string(String s) {
        int n = s.length();
        room(6 * n + 2);
        var b = buffer;
        int at = length;
        b[at++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                ascii = false;
                if (c < 0x800) {
                    b[at++] = (byte) (0xC0 | c >> 6);
                } else if (!Character.isSurrogate(c)) {
                    b[at++] = (byte) (0xE0 | c >> 12);
                    b[at++] = (byte) (0x80 | (c >> 6 & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[at++] = (byte) (0xF0 | cp >> 18);
                    b[at++] = (byte) (0x80 | (cp >> 12 & 0x3F));
                    b[at++] = (byte) (0x80 | (cp >> 6 & 0x3F));
                    c = (char) cp; // its last six bits
                } else {
                    return false;
                }
                b[at++] = (byte) (0x80 | (c & 0x3F));
                continue;
            }
            if (c >= 0x20 && c != '"' && c != '\\') {
                b[at++] = (byte) c;
                continue;
            }
            b[at++] = '\\';
            switch (c) {
                case '"' -> b[at++] = '"';
                case '\\' -> b[at++] = '\\';
                case '\n' -> b[at++] = 'n';
                case '\r' -> b[at++] = 'r';
                case '\t' -> b[at++] = 't';
                case '\b' -> b[at++] = 'b';
                case '\f' -> b[at++] = 'f';
                default -> {
                    b[at++] = 'u';
                    b[at++] = '0';
                    b[at++] = '0';
                    b[at++] = HEX[c >> 4];
                    b[at++] = HEX[c & 15];
                }
            }
        }
        b[at++] = '"';
        length = at;
        return true;
    }

    /** Writes row {@code row}'s id as a JSON string, encoded in place (base64url, digits and dots: no escaping). */
    JsonBytes string(PredictionIds ids, int row) {
        room(ids.maxEncodedLength() + 2);
        buffer[length++] = '"';
        length = ids.encodeInto(row, buffer, length);
        buffer[length++] = '"';
        return this;
    }

    /** @return the text written, after which the buffer is free for the next */
    String text() {
        var text = new String(buffer, 0, length, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        if (buffer.length > KEPT_BYTES) {
            buffer = new byte[8192];
        }
        return text;
    }

    private void room(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
