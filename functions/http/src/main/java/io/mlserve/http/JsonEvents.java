package io.mlserve.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streaming-parser pieces for reading and writing Lambda events by hand ({@link ProxyEventJson}, the
 * authorizer's events): the shapes the runtime's databind-based serializer would produce — maps keep
 * null values, numbers become Integer, Long or BigInteger by size, or Double.
 */
public final class JsonEvents {
    /** One factory for every event reader and writer: thread-safe, and its symbol tables are reused. */
    public static final JsonFactory JSON = JsonFactory.builder().build();

    private JsonEvents() {}

    /**
     * A string field; a number or boolean where a string belongs is taken as its text, as databind does.
     *
     * @param p the parser, on the value
     * @return the text, or null for JSON null
     * @throws IOException on an object or array
     */
    public static String text(JsonParser p) throws IOException {
        var token = p.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!token.isScalarValue()) {
            throw new IOException("expected a string at " + p.currentName() + ", found " + token);
        }
        return p.getText();
    }

    /**
     * @param p the parser, on the value
     * @return true, false, or null; a string is read as {@link Boolean#valueOf(String)}
     * @throws IOException on anything else
     */
    public static Boolean bool(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_STRING -> Boolean.valueOf(p.getText().trim());
            default -> throw new IOException("expected a boolean at " + p.currentName() + ", found " + p.currentToken());
        };
    }

    /**
     * @param p the parser, on the value
     * @return an object of strings (nulls kept), or null
     * @throws IOException if it is not an object of scalars
     */
    public static Map<String, String> strings(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expectObjectStart(p);
        var map = new LinkedHashMap<String, String>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var name = p.currentName();
            p.nextToken();
            map.put(name, text(p));
        }
        return map;
    }

    /**
     * @param p the parser, on the value
     * @return an object of string arrays (as API Gateway's multi-value maps), or null
     * @throws IOException if it is not that shape
     */
    public static Map<String, List<String>> stringLists(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expectObjectStart(p);
        var map = new LinkedHashMap<String, List<String>>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var name = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_NULL) {
                map.put(name, null);
                continue;
            }
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw new IOException("expected an array at " + name + ", found " + p.currentToken());
            }
            var values = new ArrayList<String>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                values.add(text(p));
            }
            map.put(name, values);
        }
        return map;
    }

    /**
     * Any JSON object (an authorizer context, say) as plain maps, lists, strings, numbers and booleans.
     *
     * @param p the parser, on the value
     * @return the object, or null
     * @throws IOException if it is not an object
     */
    public static Map<String, Object> object(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expectObjectStart(p);
        var map = new LinkedHashMap<String, Object>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var name = p.currentName();
            p.nextToken();
            map.put(name, value(p));
        }
        return map;
    }

    /**
     * @param p the parser, on the value
     * @return the value as plain data (see {@link #object})
     * @throws IOException on malformed input
     */
    public static Object value(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> {
                var list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getNumberValue(); // Integer, Long or BigInteger by size, as databind
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + p.currentToken() + " at " + p.currentName());
        };
    }

    /**
     * Moves to the first token, which must start an object.
     *
     * @param p the parser, before its first token
     * @throws IOException if the input is not a JSON object
     */
    public static void expectObject(JsonParser p) throws IOException {
        p.nextToken();
        expectObjectStart(p);
    }

    /**
     * @param p the parser, on the value
     * @throws IOException if the value does not start an object
     */
    public static void expectObjectStart(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("expected a JSON object at " + p.currentName() + ", found " + p.currentToken());
        }
    }

    /**
     * Writes plain data — maps, lists, arrays, strings, numbers, booleans, null — as JSON; map entries whose
     * value is null are left out (as a databind mapper with {@code NON_NULL} inclusion writes them).
     *
     * @param g the generator
     * @param value the value
     * @throws IOException if writing fails or the value is of another type
     */
    public static void writeValue(JsonGenerator g, Object value) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case String text -> g.writeString(text);
            case Boolean flag -> g.writeBoolean(flag);
            case Integer n -> g.writeNumber(n);
            case Long n -> g.writeNumber(n);
            case Double n -> g.writeNumber(n);
            case Float n -> g.writeNumber(n);
            case java.math.BigInteger n -> g.writeNumber(n);
            case java.math.BigDecimal n -> g.writeNumber(n);
            case Map<?, ?> map -> {
                g.writeStartObject();
                for (var e : map.entrySet()) {
                    if (e.getValue() != null) { // e.g. an IAM statement's absent Condition: left out, not null
                        g.writeFieldName(String.valueOf(e.getKey()));
                        writeValue(g, e.getValue());
                    }
                }
                g.writeEndObject();
            }
            case Iterable<?> list -> {
                g.writeStartArray();
                for (var item : list) {
                    writeValue(g, item);
                }
                g.writeEndArray();
            }
            case Object[] array -> {
                g.writeStartArray();
                for (var item : array) {
                    writeValue(g, item);
                }
                g.writeEndArray();
            }
            default -> throw new IOException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }
}
