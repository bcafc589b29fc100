package io.mlserve.core.inference;

import io.mlserve.core.json.Json;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.ModelManifest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fast path of {@link InstanceParser} for what nearly every request is — {@code {"instances": [...]}}
 * of objects holding exactly the manifest's numeric features, each a finite number within its range —
 * streamed from the body text straight into the predictor's columns, with no JSON tree and no boxed value
 * per cell. It accepts only requests the tree path would accept with the same values, and answers
 * {@code null} at the first thing it does not handle (any problem, any other shape, a string feature,
 * an allowed-values list): the tree path then reads the request and reports every problem as before,
 * so errors are unchanged.
 */
final class FastInstances {
    /** What the fast path needs of one manifest, computed once. */
    private record Plan(ModelManifest manifest, List<Feature> features, Map<String, Integer> index, byte[][] names, double[] min,
            double[] max, boolean[] isFloat) {}
    private final Plan[] recent = new Plan[8]; // by manifest identity: manifests are immutable and cached per version
    private int next;

    private Plan plan(ModelManifest manifest) {
        var plans = recent;
        for (var p : plans) {
            if (p != null && p.manifest == manifest) {
                return p;
            }
        }
        var p = makePlan(manifest);
        synchronized (this) {
            plans[next] = p;
            next = (next + 1) % plans.length;
        }
        return p;
    }

    private static Plan makePlan(ModelManifest manifest) {
        var features = manifest.features();
        int n = features.size();
        if (n == 0 || n > 64) {
            return new Plan(manifest, null, null, null, null, null, null);
        }
        var index = new HashMap<String, Integer>(n * 2);
        byte[][] names = new byte[n][];
        double[] min = new double[n];
        double[] max = new double[n];
        boolean[] isFloat = new boolean[n];
        for (int j = 0; j < n; j++) {
            var f = features.get(j);
            if ((f.type() != FeatureType.FLOAT && f.type() != FeatureType.DOUBLE) || f.values() != null
                    || !f.name().chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '?' && c != '"' && c != '\\')) {
                return new Plan(manifest, null, null, null, null, null, null);
            }
            index.put(f.name(), j);
            names[j] = f.name().getBytes(StandardCharsets.US_ASCII);
            min[j] = f.min() == null ? Double.NEGATIVE_INFINITY : f.min();
            max[j] = f.max() == null ? Double.POSITIVE_INFINITY : f.max();
            isFloat[j] = f.type() == FeatureType.FLOAT;
        }
        return new Plan(manifest, features, index, names, min, max, isFloat);
    }

    /**
     * @param body request body text
     * @param manifest the model
     * @param maxInstances most instances accepted
     * @return the parsed instances, or null when the tree path must decide
     */
    InstanceParser.ParsedInstances tryParse(String body, ModelManifest manifest, int maxInstances) {
        var plan = plan(manifest);
        if (plan.features == null) {
            return null;
        }
        try {
            return new Scanner(body, plan).read(maxInstances);
        } catch (RuntimeException e) {
            return null; // something the fast path does not handle: the tree path reports it
        }
    }

    /**
     * Reads the body's characters directly: under the deployed C1-only JIT a general JSON parser spent ~80 ns per
     * field on tokens, symbol tables and name Strings, several times the model's own time. Strict JSON (RFC 8259
     * whitespace and number grammar, no escapes in names, nothing after the object); anything else gives up ({@code
     * null}) and the tree path, which owns every error message, decides.
     */
    private static final class Scanner {
        private static final byte[] INSTANCES = "instances\"".getBytes(StandardCharsets.US_ASCII);
        /**
         * The body as Latin-1 bytes: one array copy for the usual compact String, and array reads (charAt is a call
         * chain under C1). A character beyond Latin-1 becomes {@code ?}, which is no JSON token and in no eligible
         * feature name (names are printable ASCII without {@code ?}), so it can only make the scanner give up.
         */
        private final byte[] bytes;
        private final int end;
        private final Plan plan;
        private int at;

        Scanner(String text, Plan plan) {
            this.bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            this.end = bytes.length;
            this.plan = plan;
        }

        InstanceParser.ParsedInstances read(int maxInstances) {
            if (next() != '{' || next() != '"' || !literal(INSTANCES) || next() != ':' || next() != '[') {
                return null;
            }
            int width = plan.features.size();
            long all = width == 64 ? -1L : (1L << width) - 1;
            boolean[] isFloat = plan.isFloat; // locals: C1 reloads fields at every use
            double[] min = plan.min;
            double[] max = plan.max;
            int capacity = 16;
            double[][] columns = new double[width][capacity];
            int rows = 0;
            int c;
            do {
                if (next() != '{' || rows == maxInstances) {
                    return null;
                }
                if (rows == capacity) {
                    capacity *= 2;
                    for (int j = 0; j < width; j++) {
                        columns[j] = Arrays.copyOf(columns[j], capacity);
                    }
                }
                long seen = 0;
                int j = -1;
                do {
                    if (next() != '"') {
                        return null;
                    }
                    j = name(j + 1 == width ? 0 : j + 1); // clients mostly send the manifest's order
                    long bit = j < 0 ? 0 : 1L << j;
                    if (j < 0 || (seen & bit) != 0 || next() != ':') {
                        return null;
                    }
                    seen |= bit;
                    skipSpace();
                    double d = number();
                    if (Double.isNaN(d) || Double.isInfinite(d) || (isFloat[j] && Math.abs(d) > Float.MAX_VALUE)
                            || d < min[j] || d > max[j]) {
                        return null;
                    }
                    columns[j][rows] = d;
                } while ((c = next()) == ',');
                if (c != '}' || seen != all) {
                    return null;
                }
                rows++;
            } while ((c = next()) == ',');
            if (c != ']' || next() != '}') {
                return null;
            }
            skipSpace();
            if (at != end) {
                return null;
            }
            var list = new ArrayList<Object>(width);
            for (int j = 0; j < width; j++) {
                if (columns[j].length != rows) {
                    columns[j] = Arrays.copyOf(columns[j], rows);
                }
                list.add(columns[j]);
            }
            return new InstanceParser.ParsedInstances(new FeatureBatch(rows, plan.features, list),
                    new ColumnRows(plan.features, columns, rows));
        }

        /** @return the next character after JSON whitespace (consumed), or 0 at the end */
        private int next() {
            int i = at;
            if (i < end) {
                int c = bytes[i];
                if (c > ' ') { // no whitespace first: the usual case
                    at = i + 1;
                    return c;
                }
            }
            skipSpace();
            return at < end ? bytes[at++] : 0;
        }

        private void skipSpace() {
            var b = bytes;
            int i = at;
            for (int c; i < end && ((c = b[i]) == ' ' || c == '\n' || c == '\r' || c == '\t'); i++) {
                // JSON whitespace
            }
            at = i;
        }

        /** @return whether the next characters are {@code expected}, consumed */
        private boolean literal(byte[] expected) {
            int n = expected.length;
            if (end - at < n || !Arrays.equals(bytes, at, at + n, expected, 0, n)) {
                return false;
            }
            at += n;
            return true;
        }

        /**
         * Reads a name after its opening quote.
         *
         * @param guess the column most likely named
         * @return its column, or -1 when it names none or holds an escape or a control character
         */
        private int name(int guess) {
            var expected = plan.names[guess];
            var b = bytes;
            int n = expected.length;
            int i = at;
            if (end - i > n && b[i + n] == '"') {
                int k = 0;
                while (k < n && b[i + k] == expected[k]) { // names are short: a loop beats a (vectorised) call
                    k++;
                }
                if (k == n) {
                    at = i + n + 1;
                    return guess;
                }
            }
            int from = at;
            while (at < end) {
                byte c = bytes[at];
                if (c == '"') {
                    Integer column = plan.index.get(new String(bytes, from, at++ - from, StandardCharsets.ISO_8859_1));
                    return column == null ? -1 : column;
                }
                if (c == '\\' || c < 0x20) {
                    return -1;
                }
                at++;
            }
            return -1;
        }

        /**
         * Reads a JSON number ({@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}) as Jackson and then
         * {@link InstanceParser}'s tree path would: an integer as its exact long (NaN beyond 18 digits, which the tree
         * path reads as a big integer), a decimal as the correctly rounded double ({@link Decimals}' exact case, else
         * {@link Double#parseDouble}).
         *
         * @return the value, or NaN when it is not such a number (NaN is never a JSON number's value)
         */
        private double number() {
            // locals, not fields, throughout: C1 keeps them in registers, fields it reloads at every use
            var b = bytes;
            int n = end;
            int i = at;
            int start = i;
            boolean negative = i < n && b[i] == '-';
            if (negative) {
                i++;
            }
            long mantissa = 0;
            int digits = 0; // significant digits (leading zeros left out); past 18 the long could overflow
            if (i < n && b[i] == '0') { // JSON: a lone 0, never a leading zero
                i++;
                if (i < n && isDigit(b[i])) {
                    return Double.NaN;
                }
            } else {
                int from = i;
                for (int c; i < n && (c = b[i] - '0') >= 0 && c <= 9; i++) {
                    if (++digits <= 18) {
                        mantissa = mantissa * 10 + c;
                    }
                }
                if (i == from) {
                    return Double.NaN;
                }
            }
            boolean isInteger = true;
            int scale = 0; // digits after the point
            if (i < n && b[i] == '.') {
                isInteger = false;
                int from = ++i;
                for (int c; i < n && (c = b[i] - '0') >= 0 && c <= 9; i++) {
                    scale++;
                    if ((mantissa != 0 || c != 0) && ++digits <= 18) {
                        mantissa = mantissa * 10 + c;
                    }
                }
                if (i == from) {
                    return Double.NaN;
                }
            }
            int exponent = 0;
            int exponentDigits = 0;
            if (i < n && (b[i] == 'e' || b[i] == 'E')) {
                isInteger = false;
                i++;
                boolean negativeExponent = false;
                if (i < n && (b[i] == '-' || b[i] == '+')) {
                    negativeExponent = b[i++] == '-';
                }
                for (int c; i < n && (c = b[i] - '0') >= 0 && c <= 9; i++) {
                    if (++exponentDigits <= 3) {
                        exponent = exponent * 10 + c;
                    }
                }
                if (exponentDigits == 0) {
                    return Double.NaN;
                }
                if (negativeExponent) {
                    exponent = -exponent;
                }
            }
            at = i;
            if (i - start > Json.MAX_NUMBER_LENGTH) {
                return Double.NaN; // the tree path refuses it with its own message
            }
            if (isInteger) {
                return digits > 18 ? Double.NaN : negative ? -mantissa : mantissa; // Jackson's long, widened
            }
            int power = exponent - scale;
            if (digits > 15 || exponentDigits > 3 || (mantissa != 0 && (power > 22 || power < -22))) {
                return Double.parseDouble(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
            }
            // m and 10^|power| are exact doubles, so one operation rounds correctly (as Decimals.parse)
            double value = mantissa == 0 ? 0 : power >= 0 ? mantissa * Decimals.POW10[power] : mantissa / Decimals.POW10[-power];
            return negative ? -value : value;
        }

        private static boolean isDigit(byte c) {
            return c >= '0' && c <= '9';
        }
    }
}
