package io.mlserve.core.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlserve.core.model.ModelRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spill's message format: prediction records as JSON, packed into messages of at most a given size (SQS takes
 * 256 KiB). {@code {"v":1,"rows":[{"model","version","requestId","row","timestamp","inputs","output","latencyMs",
 * "source","error"}]}}; the timestamp is ISO-8601 with its full precision, so a replayed row gets exactly the key it
 * would have had.
 */
public final class SpilledRows {
    /** Format version written into every message. */
    static final int FORMAT = 1;
    private static final byte[] HEAD = ("{\"v\":" + FORMAT + ",\"rows\":[").getBytes(StandardCharsets.UTF_8);
    private static final byte[] TAIL = "]}".getBytes(StandardCharsets.UTF_8);
    // A plain mapper: null map values and non-finite numbers ("NaN" as a string) must survive the round trip.
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private SpilledRows() {}

    /**
     * One message.
     *
     * @param body its JSON
     * @param records the rows it holds
     */
    public record Message(String body, List<PredictionRecord> records) {}

    /**
     * Rows packed into messages.
     *
     * @param messages messages, each at most the size asked for (UTF-8 bytes)
     * @param oversized rows that alone exceed that size (they fit no message)
     */
    public record Packed(List<Message> messages, List<PredictionRecord> oversized) {}

    /**
     * @param records rows to pack, kept in order
     * @param maxBytes most UTF-8 bytes a message body may have
     * @return the messages, fewest that fit in order
     */
    public static Packed pack(List<PredictionRecord> records, int maxBytes) {
        int overhead = HEAD.length + TAIL.length;
        var messages = new ArrayList<Message>();
        var oversized = new ArrayList<PredictionRecord>();
        var body = new java.io.ByteArrayOutputStream(Math.min(maxBytes, 64 * 1024));
        body.writeBytes(HEAD);
        var rows = new ArrayList<PredictionRecord>();
        for (var record : records) {
            var json = encode(record); // UTF-8 bytes: their length is what SQS counts
            if (json.length + overhead > maxBytes) {
                oversized.add(record);
                continue;
            }
            if (!rows.isEmpty() && body.size() + 1 + json.length + TAIL.length > maxBytes) {
                messages.add(close(body, rows));
                body.reset();
                body.writeBytes(HEAD);
                rows.clear();
            }
            if (!rows.isEmpty()) {
                body.write(',');
            }
            body.writeBytes(json);
            rows.add(record);
        }
        if (!rows.isEmpty()) {
            messages.add(close(body, rows));
        }
        return new Packed(messages, oversized);
    }

    private static Message close(java.io.ByteArrayOutputStream body, List<PredictionRecord> rows) {
        body.writeBytes(TAIL);
        return new Message(body.toString(StandardCharsets.UTF_8), List.copyOf(rows));
    }

    /**
     * @param body a message body written by {@link #pack}
     * @return its rows, in order
     * @throws IllegalArgumentException when the body is not such a message (a poison message)
     */
    public static List<PredictionRecord> unpack(String body) {
        Map<String, Object> message;
        try {
            message = MAPPER.readValue(body, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("spill message is not JSON: " + e.getMessage(), e);
        }
        if (!(message.get("v") instanceof Integer v) || v != FORMAT || !(message.get("rows") instanceof List<?> rows)) {
            throw new IllegalArgumentException("spill message has no format " + FORMAT + " rows");
        }
        var records = new ArrayList<PredictionRecord>(rows.size());
        for (var row : rows) {
            records.add(decode(row));
        }
        return records;
    }

    private static byte[] encode(PredictionRecord r) {
        var row = new LinkedHashMap<String, Object>();
        row.put("model", r.model().name());
        row.put("version", r.model().version());
        row.put("requestId", r.requestId());
        row.put("row", r.row());
        row.put("timestamp", r.timestamp().toString());
        row.put("inputs", r.inputs());
        row.put("output", r.output());
        row.put("latencyMs", r.latencyMs());
        row.put("source", r.source());
        row.put("error", r.error());
        try {
            return MAPPER.writeValueAsBytes(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static PredictionRecord decode(Object value) {
        if (!(value instanceof Map<?, ?> row)) {
            throw new IllegalArgumentException("spill row is not an object");
        }
        try {
            return new PredictionRecord(
                    new ModelRef((String) row.get("model"), (String) row.get("version")),
                    (String) row.get("requestId"),
                    ((Number) row.get("row")).intValue(),
                    Instant.parse((String) row.get("timestamp")),
                    (Map<String, Object>) row.get("inputs"),
                    (Map<String, Object>) row.get("output"),
                    ((Number) row.get("latencyMs")).doubleValue(),
                    (String) row.get("source"),
                    (String) row.get("error"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("spill row is malformed: " + e.getMessage(), e);
        }
    }
}
