package io.mlserve.core.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.json.Json;
import java.io.IOException;
import java.util.Set;

/**
 * The reason a person reads when a job's state machine caught an error: the job's own errors (bad input, bad data) as
 * they are, a step that did not finish as such, anything else as "internal error (what): message" — never a stack
 * trace. One reading for every job type (batch, train).
 */
public final class FailureReason {
    /** Longest reason kept on a job. */
    public static final int MAX_LENGTH = 1000;

    private FailureReason() {}

    /**
     * @param error the error name (a Step Functions {@code Error} or a Java class name), may be null
     * @param cause the cause: a Lambda error's JSON ({@code errorMessage}, {@code errorType}) or text, may be null
     * @param functionName the job's function as a person calls it ({@code batch}, {@code train})
     * @param ownErrors simple class names of the job's own errors, whose message is the reason as it is
     * @return the reason, at most {@value #MAX_LENGTH} characters (then ending in "…")
     */
    public static String of(String error, String cause, String functionName, Set<String> ownErrors) {
        String type = error;
        String message = cause;
        if (cause != null && cause.trim().startsWith("{")) {
            try {
                JsonNode node = Json.MAPPER.readTree(cause);
                if (node.hasNonNull("errorMessage")) {
                    message = node.get("errorMessage").asText();
                }
                if (node.hasNonNull("errorType")) {
                    type = node.get("errorType").asText();
                }
            } catch (IOException e) {
                // not JSON after all: keep the text
            }
        }
        var simple = type == null ? "error" : type.substring(type.lastIndexOf('.') + 1);
        var detail = message == null || message.isBlank() ? "" : ": " + message;
        String reason;
        if (type != null && ownErrors.contains(simple) && message != null) {
            reason = message;
        } else if (type != null && (type.startsWith("States.") || type.startsWith("Lambda.") || type.startsWith("Sandbox."))) {
            reason = "the " + functionName + " function did not finish (" + type + ")" + detail;
        } else {
            reason = "internal error (" + simple + ")" + detail;
        }
        reason = reason.strip();
        return reason.length() <= MAX_LENGTH ? reason : reason.substring(0, MAX_LENGTH) + "…";
    }
}
