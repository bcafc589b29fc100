package io.mlserve.http;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CloudWatch Embedded Metric Format, written by hand: one JSON line per invocation on standard output,
 * in the shape Powertools writes ({@code _aws.CloudWatchMetrics}, dimension {@code Service}, properties
 * {@code logStreamId} and {@code functionVersion}), which CloudWatch Logs turns into metrics.
 *
 * <p>Why not Powertools' {@code Metrics.flush()}: it builds a metrics context, a Jackson tree and a new
 * serializer per flush, 17 µs per invocation with full JIT and 27 µs under Lambda's C1-only JIT — more
 * than the prediction itself. Here the line's fixed part (namespace, metric names and units, dimension,
 * properties) is rendered once per set of metric names and cached; an invocation appends the timestamp
 * and the values to a reused buffer and writes it with one {@code write} call.
 *
 * <p>N.B. one instance per function; {@link #flush()} and the recording methods are meant for the one
 * thread Lambda runs an invocation on (they are synchronized, so a stray second thread is safe, not fast).
 */
public final class EmfMetrics {
    /** The metrics one invocation may record, in the order they appear in the line. */
    public enum Metric {
        /** a 2xx/3xx answer */
        REQUESTS("Requests", "Count"),
        /** a 4xx answer */
        CLIENT_ERRORS("ClientErrors", "Count"),
        /** a 5xx answer */
        SERVER_ERRORS("ServerErrors", "Count"),
        /** rows predicted */
        PREDICTED_ROWS("PredictedRows", "Count"),
        /** inference time of the request's batch */
        INFERENCE_LATENCY("InferenceLatency", "Milliseconds");

        final String metricName;
        final String unit;

        Metric(String metricName, String unit) {
            this.metricName = metricName;
            this.unit = unit;
        }
    }

    private static final Metric[] METRICS = Metric.values();

    private final String namespace;
    private final String service;
    private final String properties; // ,"logStreamId":…,"functionVersion":… rendered once
    private final byte[] middle; // },"Service":…,"logStreamId":…: between the timestamp and the values
    private final OutputStream out;
    private final double[] values = new double[METRICS.length];
    private int present; // bit set of METRICS recorded since the last flush
    private final Map<Integer, byte[]> prefixes = new ConcurrentHashMap<>();
    private byte[] line = new byte[512];
    private int length;
    private volatile boolean muted;

    /**
     * @param namespace CloudWatch namespace
     * @param env the process environment: {@code POWERTOOLS_SERVICE_NAME} (dimension {@code Service}),
     *     {@code AWS_LAMBDA_LOG_STREAM_NAME}, {@code AWS_LAMBDA_FUNCTION_VERSION}
     * @param out where the lines go (standard output on Lambda)
     */
    public EmfMetrics(String namespace, Map<String, String> env, OutputStream out) {
        this.namespace = namespace;
        this.service = env.getOrDefault("POWERTOOLS_SERVICE_NAME", "service_undefined");
        var props = new StringBuilder();
        property(props, "logStreamId", env.get("AWS_LAMBDA_LOG_STREAM_NAME"));
        property(props, "functionVersion", env.get("AWS_LAMBDA_FUNCTION_VERSION"));
        this.properties = props.toString();
        var mid = new StringBuilder("},\"Service\":");
        JsonText.quote(mid, service).append(properties);
        this.middle = mid.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.out = out;
    }

    /**
     * @param namespace CloudWatch namespace
     * @param env the process environment
     * @return metrics written straight to file descriptor 1 (no {@code System.out} lock or encoder)
     */
    public static EmfMetrics toStandardOutput(String namespace, Map<String, String> env) {
        return new EmfMetrics(namespace, env, new FileOutputStream(FileDescriptor.out));
    }

    /**
     * Adds to a metric of this invocation.
     *
     * @param metric which
     * @param value how much
     */
    public synchronized void add(Metric metric, double value) {
        int bit = 1 << metric.ordinal();
        values[metric.ordinal()] = (present & bit) == 0 ? value : values[metric.ordinal()] + value;
        present |= bit;
    }

    /**
     * @param muted true to drop what is recorded instead of writing it (SnapStart priming: its synthetic
     *     requests must not count as traffic)
     */
    public void mute(boolean muted) {
        this.muted = muted;
    }

    /** Writes this invocation's line (nothing when nothing was recorded) and starts the next one. */
    public synchronized void flush() {
        if (present == 0) {
            return;
        }
        if (muted) {
            present = 0;
            return;
        }
        var prefix = prefixes.computeIfAbsent(present, this::prefix);
        length = 0;
        append(prefix);
        appendLong(System.currentTimeMillis());
        append(middle);
        for (var metric : METRICS) {
            if ((present & (1 << metric.ordinal())) != 0) {
                append(NAMES[metric.ordinal()]);
                appendDouble(values[metric.ordinal()]);
            }
        }
        append(END);
        present = 0;
        try {
            out.write(line, 0, length);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One metric with its own dimension, written at once in its own line (for what must never wait, such as
     * lost prediction-log rows).
     *
     * @param name metric name
     * @param value value
     * @param unit CloudWatch unit
     * @param dimension dimension name
     * @param dimensionValue its value
     */
    public synchronized void flushSingle(String name, double value, String unit, String dimension, String dimensionValue) {
        var sb = new StringBuilder(256).append("{\"_aws\":{\"Timestamp\":").append(System.currentTimeMillis())
                .append(",\"CloudWatchMetrics\":[{\"Namespace\":");
        JsonText.quote(sb, namespace).append(",\"Metrics\":[{\"Name\":");
        JsonText.quote(sb, name).append(",\"Unit\":");
        JsonText.quote(sb, unit).append("}],\"Dimensions\":[[");
        JsonText.quote(sb, dimension).append("]]}]},");
        JsonText.quote(sb, dimension).append(':');
        JsonText.quote(sb, dimensionValue).append(',');
        JsonText.quote(sb, name).append(':').append(value).append(properties).append("}\n");
        try {
            out.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final byte[] END = ascii("}\n");
    private static final byte[][] NAMES = new byte[METRICS.length][];

    static {
        for (var m : METRICS) {
            NAMES[m.ordinal()] = ascii(",\"" + m.metricName + "\":");
        }
    }

    /** {@code {"_aws":{"CloudWatchMetrics":[…],"Timestamp":} — everything before the timestamp, for one set of metrics. */
    private byte[] prefix(int set) {
        var sb = new StringBuilder(256).append("{\"_aws\":{\"CloudWatchMetrics\":[{\"Namespace\":");
        JsonText.quote(sb, namespace).append(",\"Metrics\":[");
        boolean first = true;
        for (var m : METRICS) {
            if ((set & (1 << m.ordinal())) != 0) {
                sb.append(first ? "" : ",").append("{\"Name\":\"").append(m.metricName).append("\",\"Unit\":\"").append(m.unit).append("\"}");
                first = false;
            }
        }
        sb.append("],\"Dimensions\":[[\"Service\"]]}],\"Timestamp\":");
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, line, length, bytes.length);
        length += bytes.length;
    }

    private void appendLong(long v) {
        ensure(20);
        length = JsonText.writeLong(line, length, v);
    }

    private void appendDouble(double v) {
        if (v == (long) v && Math.abs(v) < 1e15) {
            appendLong((long) v);
            ensure(2);
            line[length++] = '.';
            line[length++] = '0';
            return;
        }
        var text = Double.toString(v);
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            line[length++] = (byte) text.charAt(i);
        }
    }

    private void ensure(int more) {
        if (length + more > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, length + more));
        }
    }

    private static void property(StringBuilder sb, String name, String value) {
        if (value != null) {
            sb.append(',');
            JsonText.quote(sb, name).append(':');
            JsonText.quote(sb, value);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
