package io.mlserve.core.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlserve.core.error.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The one configured Jackson mapper, and helpers that turn parse failures into 400s. */
public final class Json {
    /** Deepest nesting a request body may have. */
    public static final int MAX_NESTING_DEPTH = 64;
    /** Most digits a number in a request body may have. */
    public static final int MAX_NUMBER_LENGTH = 100;

    /** Shared, thread-safe mapper: strict about duplicates, silent about unknown manifest fields. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Read NaN/Infinity so validation can name the feature instead of failing the parse.
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // A valid document followed by garbage or a second document is not a valid body.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    static {
        // Bound what a hostile body can make the parser do (deep nesting, huge numbers).
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build());
    }

    private Json() {}

    /**
     * Parses a client's request body.
     *
     * @param body the raw body, may be null
     * @return the parsed tree
     * @throws InvalidInputException {@code MALFORMED_JSON} when the body is empty or not JSON
     */
    public static JsonNode parseRequest(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidInputException("MALFORMED_JSON", "request body is empty; expected a JSON object", null);
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            throw new InvalidInputException(
                    "MALFORMED_JSON",
                    "request body is not valid JSON: " + problem(e),
                    location == null
                            ? null
                            : Map.of("line", location.getLineNr(), "column", location.getColumnNr()));
        }
    }

    /**
     * @param e a failure to read a document into a type (a manifest, a stored item)
     * @return what is wrong, naming the field path but no class of ours or Jackson's
     */
    public static String describe(Exception e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            var path = new StringBuilder();
            for (var ref : mapping.getPath()) {
                if (ref.getFieldName() != null) {
                    path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
            return "field '" + path + "' has a missing or wrongly typed value";
        }
        if (e instanceof JsonProcessingException processing) {
            return problem(processing);
        }
        return e.getMessage() == null ? "it cannot be read" : e.getMessage();
    }

    /**
     * The parser's complaint in the caller's words: Jackson's own messages name its classes and
     * settings ({@code StreamReadConstraints.getMaxNestingDepth()}), which callers should not see.
     */
    static String problem(JsonProcessingException e) {
        var original = String.valueOf(e.getOriginalMessage());
        if (e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException) {
            if (original.contains("nesting depth")) {
                return "it is nested more than " + MAX_NESTING_DEPTH + " levels deep";
            }
            if (original.contains("Number value length") || original.contains("number length")) {
                return "a number has more than " + MAX_NUMBER_LENGTH + " digits";
            }
            if (original.contains("String value length")) {
                return "a string is too long";
            }
            return "it exceeds the parser's limits";
        }
        if (original.startsWith("Duplicate field")) {
            int start = original.indexOf('\'');
            int end = original.lastIndexOf('\'');
            return start >= 0 && end > start ? "field " + original.substring(start, end + 1) + " appears twice" : "a field appears twice";
        }
        if (original.startsWith("Trailing token")) {
            return "there is more content after the JSON value";
        }
        if (original.contains("end-of-input") || original.contains("end of input")) {
            return "it ends before the JSON value is complete";
        }
        if (original.startsWith("Unexpected character") || original.startsWith("Unrecognized token")
                || original.startsWith("Unexpected close marker") || original.startsWith("Invalid UTF-8")
                || original.startsWith("Illegal character") || original.startsWith("Illegal unquoted character")) {
            return "unexpected character";
        }
        return "it cannot be parsed";
    }

    /**
     * @param value any serializable value
     * @return its JSON text
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param bytes JSON bytes
     * @param type target type
     * @param <T> target type
     * @return the bound value
     * @throws IOException when the bytes are not JSON of that shape
     */
    public static <T> T read(byte[] bytes, Class<T> type) throws IOException {
        return MAPPER.readValue(bytes, type);
    }
}
