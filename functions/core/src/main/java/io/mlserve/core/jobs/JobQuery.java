package io.mlserve.core.jobs;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.model.ModelRef;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A page request over jobs, read from a query string ({@code model}, {@code status}, {@code limit},
 * {@code cursor}); every value is checked here so the store only sees valid filters.
 *
 * @param model only this model's jobs, or null
 * @param status only jobs in this status, or null
 * @param limit page size, {@value #MIN_LIMIT}..{@value #MAX_LIMIT}
 * @param cursor the previous page's cursor, or null
 */
public record JobQuery(String model, JobStatus status, int limit, String cursor) {
    /** Page size when {@code limit} is absent. */
    public static final int DEFAULT_LIMIT = 100;
    /** Smallest page. */
    public static final int MIN_LIMIT = 1;
    /** Largest page. */
    public static final int MAX_LIMIT = 500;
    /** Longest cursor accepted; the store's are far shorter. */
    static final int MAX_CURSOR_LENGTH = 2048;

    private static final String STATUSES = Arrays.stream(JobStatus.values()).map(Enum::name).collect(Collectors.joining(", "));

    /**
     * @param params the query string parameters (absent and blank values mean "not given")
     * @return the checked query
     * @throws InvalidInputException {@code INVALID_MODEL_NAME}, {@code INVALID_STATUS}, {@code INVALID_LIMIT}
     *     or {@code INVALID_CURSOR}
     */
    public static JobQuery fromParams(Map<String, String> params) {
        var model = param(params, "model");
        if (model != null) {
            ModelRef.checkName(model);
        }
        return new JobQuery(model, status(param(params, "status")), limit(param(params, "limit")), cursor(param(params, "cursor")));
    }

    private static String param(Map<String, String> params, String name) {
        var value = params.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static JobStatus status(String value) {
        if (value == null) {
            return null;
        }
        try {
            return JobStatus.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("INVALID_STATUS", "'status' must be one of " + STATUSES,
                    Map.of("parameter", "status", "value", shorten(value)));
        }
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= MIN_LIMIT && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("INVALID_LIMIT", "'limit' must be an integer from " + MIN_LIMIT + " to " + MAX_LIMIT,
                Map.of("parameter", "limit", "value", shorten(value)));
    }

    private static String cursor(String value) {
        if (value != null && value.length() > MAX_CURSOR_LENGTH) {
            throw new InvalidInputException("INVALID_CURSOR", "the cursor is not valid for this query; start again without 'cursor'",
                    Map.of("parameter", "cursor"));
        }
        return value;
    }

    private static String shorten(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "…" : value;
    }
}
