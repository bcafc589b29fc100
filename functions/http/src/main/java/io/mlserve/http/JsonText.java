package io.mlserve.http;

/** The few JSON text helpers the hand-written writers need (EMF lines). */
public final class JsonText {
    private JsonText() {}

    /**
     * @param sb where to write
     * @param s text
     * @return sb, with s as a JSON string literal appended
     */
    public static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    /**
     * @param buf where to write (room for 20 bytes at pos)
     * @param pos where
     * @param v value
     * @return the position after it
     */
    static int writeLong(byte[] buf, int pos, long v) {
        if (v == Long.MIN_VALUE) {
            for (char c : Long.toString(v).toCharArray()) {
                buf[pos++] = (byte) c;
            }
            return pos;
        }
        if (v < 0) {
            buf[pos++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int end = pos + digits;
        for (int i = end - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        return end;
    }
}
