package io.mlserve.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.InvalidInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict reads of request-body fields: a number must be a JSON number (never a string such as
 * {@code "Infinity"}), finite, and, for integers, integral and in range before it is narrowed — so
 * {@code 4294967346} is refused, not wrapped to 50.
 */
public final class JsonFields {
    private JsonFields() {}

    /**
     * @param body a JSON object
     * @param field field name
     * @return its text (a string, or an integer written as a number)
     * @throws InvalidInputException {@code MISSING_FIELD} / {@code INVALID_FIELD}
     */
    public static String requiredText(JsonNode body, String field) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidInputException("MISSING_FIELD", "the body must have '" + field + "'", Map.of("field", field));
        }
        if (!node.isTextual() && !(node.isIntegralNumber() && node.canConvertToLong())) {
            throw new InvalidInputException("INVALID_FIELD", "'" + field + "' must be a string", Map.of("field", field));
        }
        return node.asText();
    }

    /**
     * @param node a JSON value, or null when absent
     * @param min smallest accepted
     * @param max largest accepted
     * @return the integer, or null when absent or JSON null
     * @throws IllegalArgumentException with a caller-facing message when it is not an integer in range
     */
    public static Integer optionalInt(JsonNode node, long min, long max) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw new IllegalArgumentException("must be an integer from " + min + " to " + max);
        }
        return (int) node.longValue();
    }

    /**
     * @param node a JSON value, or null when absent
     * @param min smallest accepted
     * @param max largest accepted
     * @return the number, or null when absent or JSON null
     * @throws IllegalArgumentException with a caller-facing message when it is not a finite number in range
     */
    public static Double optionalNumber(JsonNode node, double min, double max) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber() || !Double.isFinite(node.doubleValue()) || node.doubleValue() < min || node.doubleValue() > max) {
            throw new IllegalArgumentException("must be a finite number from " + format(min) + " to " + format(max));
        }
        return node.doubleValue();
    }

    /**
     * @param object a JSON object
     * @param known the fields it may have
     * @return the names of fields it has beyond those, in order
     */
    public static List<String> unknownFields(JsonNode object, Set<String> known) {
        var unknown = new ArrayList<String>();
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            var name = names.next();
            if (!known.contains(name)) {
                unknown.add(name.length() > 64 ? name.substring(0, 64) + "…" : name);
            }
        }
        return unknown;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
