package io.mlserve.function.batch;

import java.util.Map;

/**
 * The batch function's own settings (the shared ones are in {@link io.mlserve.aws.FunctionConfig}).
 *
 * @param dataBucket where outputs and work files go ({@value #DATA_BUCKET})
 * @param jobsTable DynamoDB jobs table ({@value #JOBS_TABLE})
 * @param eventBusName bus for BatchJobCompleted / BatchJobFailed ({@value #EVENT_BUS_NAME}, default {@code default})
 * @param rangeBytes bytes per range when the job does not say ({@value #BATCH_RANGE_BYTES}, default 64 MiB)
 * @param sampleRate share of predicted rows written to the prediction log ({@value #BATCH_LOG_SAMPLE_RATE}, default 0.01)
 * @param chunkRows rows per ONNX call ({@value #BATCH_CHUNK_ROWS}, default 1024)
 * @param maxRecordBytes longest record accepted; longer ones are rejected as TOO_LONG ({@value #BATCH_MAX_RECORD_BYTES}, default 1 MiB)
 */
public record BatchConfig(String dataBucket, String jobsTable, String eventBusName, long rangeBytes, double sampleRate, int chunkRows,
        int maxRecordBytes) {

    public static final String DATA_BUCKET = "DATA_BUCKET";
    public static final String JOBS_TABLE = "JOBS_TABLE";
    public static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";
    public static final String BATCH_RANGE_BYTES = "BATCH_RANGE_BYTES";
    public static final String BATCH_LOG_SAMPLE_RATE = "BATCH_LOG_SAMPLE_RATE";
    public static final String BATCH_CHUNK_ROWS = "BATCH_CHUNK_ROWS";
    public static final String BATCH_MAX_RECORD_BYTES = "BATCH_MAX_RECORD_BYTES";

    /**
     * @param env the process environment (tests pass a map)
     * @return the configuration
     * @throws IllegalStateException when a required variable is missing or a value is malformed
     */
    public static BatchConfig fromEnv(Map<String, String> env) {
        var config = new BatchConfig(
                required(env, DATA_BUCKET),
                required(env, JOBS_TABLE),
                env.getOrDefault(EVENT_BUS_NAME, "default"),
                (long) number(env, BATCH_RANGE_BYTES, 64L * 1024 * 1024),
                number(env, BATCH_LOG_SAMPLE_RATE, 0.01),
                (int) number(env, BATCH_CHUNK_ROWS, 1024),
                (int) number(env, BATCH_MAX_RECORD_BYTES, 1 << 20));
        if (config.sampleRate < 0 || config.sampleRate > 1 || config.chunkRows < 1 || config.rangeBytes < 1024
                || config.maxRecordBytes < 1024) {
            throw new IllegalStateException("batch settings out of range: " + config);
        }
        return config;
    }

    private static String required(Map<String, String> env, String name) {
        var value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }

    private static double number(Map<String, String> env, String name, double fallback) {
        var value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + name + " must be a number, got '" + value + "'", e);
        }
    }
}
