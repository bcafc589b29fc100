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
    /** Shared, thread-safe mapper: strict about duplicates, silent about unknown manifest fields. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Read NaN/Infinity so validation can name the feature instead of failing the parse.
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    static {
        // Bound what a hostile body can make the parser do (deep nesting, huge numbers).
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(64)
                        .maxNumberLength(100)
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
                    "request body is not valid JSON: " + e.getOriginalMessage(),
                    location == null
                            ? null
                            : Map.of("line", location.getLineNr(), "column", location.getColumnNr()));
        }
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
