package io.mlserve.http;

import com.amazonaws.services.lambda.runtime.Context;
import org.slf4j.MDC;

/**
 * Puts the Lambda context into every structured log line: the same fields, under the same names, as
 * Powertools' {@code PowertoolsLogging.withLogging} ({@code function_name}, {@code function_version},
 * {@code function_arn}, {@code function_memory_size}, {@code function_request_id}, {@code cold_start},
 * {@code service}, {@code xray_trace_id}).
 *
 * <p>Why not {@code withLogging}: per invocation it rebuilds the field map from the context, re-reads the
 * sampling settings, puts every field into the copy-on-write MDC and clears it again — several µs under
 * Lambda's C1-only JIT, on a path whose work is a few µs. The fields that never change in a container
 * are put once here; an invocation puts its request id and trace id only. Not supported: Powertools'
 * log sampling ({@code POWERTOOLS_LOGGER_SAMPLE_RATE}) and log buffering, which the stack does not use.
 *
 * <p>N.B. call {@link #enter} on the invocation's thread (Lambda runs a container's invocations on one thread).
 */
public final class LambdaLogContext {
    private final String service;
    private boolean constantsPut;
    private boolean coldStartCleared;

    /** @param service the {@code service} field ({@code POWERTOOLS_SERVICE_NAME}) */
    public LambdaLogContext(String service) {
        this.service = service == null ? "service_undefined" : service;
    }

    /** @param context this invocation's context */
    public void enter(Context context) {
        if (!constantsPut) {
            put("function_name", context.getFunctionName());
            put("function_version", context.getFunctionVersion());
            put("function_arn", context.getInvokedFunctionArn());
            put("function_memory_size", String.valueOf(context.getMemoryLimitInMB()));
            put("service", service);
            MDC.put("cold_start", "true");
            constantsPut = true;
        } else if (!coldStartCleared) {
            MDC.put("cold_start", "false");
            coldStartCleared = true;
        }
        put("function_request_id", context.getAwsRequestId());
        put("xray_trace_id", traceId());
    }

    /** The Root part of the X-Ray header the runtime sets per invocation, or null. */
    static String traceId() {
        var header = System.getProperty("com.amazonaws.xray.traceHeader");
        if (header == null) {
            header = System.getenv("_X_AMZN_TRACE_ID");
        }
        if (header == null) {
            return null;
        }
        int start = header.indexOf("Root=");
        if (start < 0) {
            return null;
        }
        int end = header.indexOf(';', start);
        return header.substring(start + 5, end < 0 ? header.length() : end);
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
