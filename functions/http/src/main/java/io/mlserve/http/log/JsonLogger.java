package io.mlserve.http.log;

import io.mlserve.http.JsonText;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/**
 * One JSON object per line, in the layout Powertools writes on Lambda: {@code level}, {@code message},
 * {@code error} ({@code message}, {@code name}, {@code stack}) when there is a throwable, the Lambda
 * context fields from the MDC ({@code cold_start}, {@code function_arn}, {@code function_memory_size},
 * {@code function_name}, {@code function_request_id}, {@code function_version}, {@code service}),
 * {@code timestamp}, {@code xray_trace_id}, then any other MDC entry and the event's key-value pairs
 * (SLF4J's {@code addKeyValue}) as top-level fields.
 */
final class JsonLogger extends LegacyAbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;
    static final int TRACE = 0;
    static final int DEBUG = 1;
    static final int INFO = 2;
    static final int WARN = 3;
    static final int ERROR = 4;
    private static final List<String> CONTEXT = List.of("cold_start", "function_arn", "function_memory_size", "function_name",
            "function_request_id", "function_version", "sampling_rate", "service");
    private static final Set<String> UNQUOTED = Set.of("cold_start", "function_memory_size", "sampling_rate");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final transient int threshold;
    private final transient Sink sink;

    JsonLogger(String name, int threshold, Sink sink) {
        this.name = name;
        this.threshold = threshold;
        this.sink = sink;
    }

    static int levelOf(String name, int fallback) {
        if (name == null) {
            return fallback;
        }
        return switch (name.trim().toUpperCase(Locale.ROOT)) {
            case "TRACE" -> TRACE;
            case "DEBUG" -> DEBUG;
            case "INFO" -> INFO;
            case "WARN" -> WARN;
            case "ERROR", "FATAL" -> ERROR;
            default -> fallback;
        };
    }

    @Override
    public boolean isTraceEnabled() {
        return threshold <= TRACE;
    }

    @Override
    public boolean isDebugEnabled() {
        return threshold <= DEBUG;
    }

    @Override
    public boolean isInfoEnabled() {
        return threshold <= INFO;
    }

    @Override
    public boolean isWarnEnabled() {
        return threshold <= WARN;
    }

    @Override
    public boolean isErrorEnabled() {
        return threshold <= ERROR;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
        sink.write(level, MessageFormatter.basicArrayFormat(pattern, arguments), throwable, null);
    }

    @Override
    public void log(LoggingEvent event) {
        if (threshold > event.getLevel().toInt() / 10) {
            return;
        }
        var args = event.getArgumentArray();
        sink.write(event.getLevel(), args == null ? event.getMessage() : MessageFormatter.basicArrayFormat(event.getMessage(), args),
                event.getThrowable(), event.getKeyValuePairs());
    }

    /** Renders and writes lines; one write per line, so lines from several threads never interleave. */
    static final class Sink {
        private final java.util.function.Supplier<? extends OutputStream> out;
        private final BasicMDCAdapter mdc;

        Sink(java.util.function.Supplier<? extends OutputStream> out, BasicMDCAdapter mdc) {
            this.out = out;
            this.mdc = mdc;
        }

        void write(Level level, String message, Throwable throwable, List<KeyValuePair> pairs) {
            var sb = new StringBuilder(256).append("{\"level\":\"").append(level.name()).append("\",\"message\":");
            JsonText.quote(sb, message == null ? "" : message);
            if (throwable != null) {
                sb.append(",\"error\":{\"message\":");
                JsonText.quote(sb, String.valueOf(throwable.getMessage()));
                sb.append(",\"name\":");
                JsonText.quote(sb, throwable.getClass().getName());
                var trace = new StringWriter();
                throwable.printStackTrace(new PrintWriter(trace));
                sb.append(",\"stack\":");
                JsonText.quote(sb, trace.toString());
                sb.append('}');
            }
            Map<String, String> context = mdc.getCopyOfContextMap();
            if (context != null) {
                for (var key : CONTEXT) {
                    var value = context.get(key);
                    if (value != null) {
                        field(sb, key, value, UNQUOTED.contains(key) && plain(value));
                    }
                }
            }
            sb.append(",\"timestamp\":\"").append(TIME.format(Instant.now())).append('"');
            if (context != null) {
                var trace = context.get("xray_trace_id");
                if (trace != null) {
                    field(sb, "xray_trace_id", trace, false);
                }
                for (var e : context.entrySet()) {
                    if (!CONTEXT.contains(e.getKey()) && !e.getKey().equals("xray_trace_id")) {
                        field(sb, e.getKey(), e.getValue(), false);
                    }
                }
            }
            if (pairs != null) {
                for (var pair : pairs) {
                    var v = pair.value;
                    boolean raw = (v instanceof Number n && Double.isFinite(n.doubleValue())) || v instanceof Boolean;
                    field(sb, pair.key, String.valueOf(v), raw);
                }
            }
            sb.append("}\n");
            var bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            synchronized (this) {
                try {
                    var stream = out.get();
                    stream.write(bytes);
                    stream.flush();
                } catch (IOException e) {
                    // nowhere left to report it
                }
            }
        }

        private static boolean plain(String value) {
            return value.equals("true") || value.equals("false") || value.matches("-?[0-9]+(\\.[0-9]+)?");
        }

        private static void field(StringBuilder sb, String key, String value, boolean raw) {
            sb.append(',');
            JsonText.quote(sb, key);
            sb.append(':');
            if (raw) {
                sb.append(value);
            } else {
                JsonText.quote(sb, value);
            }
        }

    }
}
