package io.mlserve.function.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.mlserve.core.batch.ByteRange;
import io.mlserve.core.json.Json;
import java.util.Map;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Bulk prediction's steps for Step Functions: the payload's {@code step} picks one of {@code claim},
 * {@code plan}, {@code range}, {@code finalize}, {@code fail} (see {@link BatchJobs}). An error the
 * file or model causes is thrown as {@link io.mlserve.core.batch.BatchInputException}; the machine's
 * Catch then calls {@code fail}, whose reason is that exception's message. Env vars: {@link BatchConfig}
 * and {@link io.mlserve.aws.FunctionConfig}.
 */
public final class BatchHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final BatchJobs jobs;

    /** Called by the runtime once per execution environment (INIT): clients and caches. */
    public BatchHandler() {
        this(Wiring.fromEnvironment(System.getenv()).jobs());
    }

    BatchHandler(BatchJobs jobs) { // tests pass their own
        this.jobs = jobs;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return PowertoolsLogging.withLogging(context, () -> handle(input));
    }

    Map<String, Object> handle(Map<String, Object> input) {
        var step = text(input, "step");
        return switch (step) {
            case "claim" -> jobs.claim(text(input, "bucket"), text(input, "key"), text(input, "etag"));
            case "plan" -> jobs.plan(text(input, "jobId"));
            case "range" -> jobs.range(new ByteRange(text(input, "jobId"), (int) number(input, "index"), number(input, "start"),
                    number(input, "end")));
            case "finalize" -> jobs.finish(text(input, "jobId"));
            case "fail" -> fail(input);
            default -> throw new IllegalArgumentException("unknown step '" + step + "'");
        };
    }

    /** Accepts {@code error} and {@code cause} as strings, or {@code error} as the Catch's {@code {"Error", "Cause"}} object. */
    private Map<String, Object> fail(Map<String, Object> input) {
        Object error = input.get("error");
        Object cause = input.get("cause");
        if (error instanceof Map<?, ?> caught) {
            cause = cause != null ? cause : caught.get("Cause");
            error = caught.get("Error");
        }
        return jobs.fail(text(input, "jobId"), error == null ? null : error.toString(), cause == null ? null : asText(cause));
    }

    private static String asText(Object value) {
        return value instanceof String s ? s : Json.write(value);
    }

    private static String text(Map<String, Object> input, String field) {
        var value = input.get(field);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("the " + field + " field is missing");
        }
        return value.toString();
    }

    private static long number(Map<String, Object> input, String field) {
        var value = input.get(field);
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            return Long.parseLong(s.trim());
        }
        throw new IllegalArgumentException("the " + field + " field must be a number");
    }
}
