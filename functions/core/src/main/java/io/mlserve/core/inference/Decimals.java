package io.mlserve.core.inference;

/**
 * Exact decimal-to-double conversion for the common short case, without the JDK's general (and, under
 * Lambda's C1-only JIT, slow) algorithm: a decimal of at most 15 significant digits whose power of ten is
 * within ±22 is {@code m / 10^k} or {@code m * 10^k} with both operands exactly representable, so one
 * IEEE operation rounds it correctly — the same double {@link Double#parseDouble} returns. Anything
 * else is left to {@link Double#parseDouble}.
 */
public final class Decimals {
    /** 10^0..10^22: every one an exact double. */
    static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private Decimals() {}

    /**
     * @param text characters of a JSON number (or Java float text such as {@code 1.5E-5})
     * @param offset first character
     * @param length how many
     * @return its value, correctly rounded
     * @throws NumberFormatException when it is not a number
     */
    public static double parse(char[] text, int offset, int length) {
        int i = offset;
        int end = offset + length;
        if (i >= end) {
            throw new NumberFormatException("empty");
        }
        boolean negative = text[i] == '-';
        if (negative || text[i] == '+') {
            i++;
        }
        long mantissa = 0;
        int digits = 0; // significant digits taken into the mantissa
        int scale = 0; // digits after the point
        boolean seenPoint = false;
        boolean any = false;
        for (; i < end; i++) {
            char c = text[i];
            if (c >= '0' && c <= '9') {
                any = true;
                if (mantissa == 0 && c == '0') {
                    if (seenPoint) {
                        scale++;
                    }
                    continue; // leading zeros are not significant
                }
                if (++digits > 15) {
                    return slow(text, offset, length);
                }
                mantissa = mantissa * 10 + (c - '0');
                if (seenPoint) {
                    scale++;
                }
            } else if (c == '.' && !seenPoint) {
                seenPoint = true;
            } else {
                break;
            }
        }
        if (!any) {
            return slow(text, offset, length);
        }
        int exponent = 0;
        if (i < end) {
            char c = text[i];
            if (c != 'e' && c != 'E') {
                return slow(text, offset, length);
            }
            i++;
            boolean negativeExponent = false;
            if (i < end && (text[i] == '-' || text[i] == '+')) {
                negativeExponent = text[i] == '-';
                i++;
            }
            if (i >= end || end - i > 3) {
                return slow(text, offset, length);
            }
            for (; i < end; i++) {
                char d = text[i];
                if (d < '0' || d > '9') {
                    return slow(text, offset, length);
                }
                exponent = exponent * 10 + (d - '0');
            }
            if (negativeExponent) {
                exponent = -exponent;
            }
        }
        int power = exponent - scale;
        double value;
        if (mantissa == 0) {
            value = 0;
        } else if (power >= 0 && power < POW10.length) {
            value = mantissa * POW10[power];
        } else if (power < 0 && -power < POW10.length) {
            value = mantissa / POW10[-power];
        } else {
            return slow(text, offset, length);
        }
        return negative ? -value : value;
    }

    /**
     * @param text a number
     * @return its value, correctly rounded
     */
    public static double parse(String text) {
        return parse(text.toCharArray(), 0, text.length());
    }

    private static double slow(char[] text, int offset, int length) {
        return Double.parseDouble(new String(text, offset, length));
    }

    /**
     * The shortest decimal that reads back as the same float, as a double: 0.97f becomes 0.97, not
     * 0.9700000286102295 (what a model's float output means, and what the API has always answered).
     *
     * @param value a float
     * @return the double nearest to its shortest decimal
     */
    public static double shortest(float value) {
        if (!Float.isFinite(value)) {
            return value;
        }
        var text = Float.toString(value);
        return parse(text.toCharArray(), 0, text.length());
    }
}
