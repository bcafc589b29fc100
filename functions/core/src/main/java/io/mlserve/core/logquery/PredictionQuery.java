package io.mlserve.core.logquery;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.model.ModelRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A validated read of the prediction log: one model, optionally one version, the time window
 * {@code [from, to)}, a page size and where to resume.
 *
 * <p>Times have millisecond precision (the log's); {@code from} is inclusive and {@code to}
 * exclusive. Build instances from query parameters with {@link #fromParams} or {@link #forModel}.
 *
 * @param model model name
 * @param version one version, or null for every version of the model
 * @param from start of the window, inclusive
 * @param to end of the window, exclusive
 * @param limit page size, {@value #MIN_LIMIT}..{@value #MAX_LIMIT}
 * @param cursor opaque token from a previous page, or null for the first page
 * @param fromGiven true when the client gave {@code from}; false when it was defaulted
 * @param toGiven true when the client gave {@code to}; false when it was defaulted to now
 */
public record PredictionQuery(
        String model, String version, Instant from, Instant to, int limit, String cursor, boolean fromGiven, boolean toGiven) {
    /** Page size when {@code limit} is absent. */
    public static final int DEFAULT_LIMIT = 100;
    /** Smallest page size. */
    public static final int MIN_LIMIT = 1;
    /** Largest page size. */
    public static final int MAX_LIMIT = 500;
    /** Window length when {@code from} is absent: {@code from = to − 24 h}. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);

    // The log's sort key formats years with 4 digits; outside this range string order breaks.
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    /**
     * @param model model name
     * @param version one version, or null for every version
     * @param from start of the window, inclusive
     * @param to end of the window, exclusive
     * @param limit page size
     * @param cursor opaque token from a previous page, or null
     * @param fromGiven whether the client gave {@code from}
     * @param toGiven whether the client gave {@code to}
     * @throws IllegalArgumentException when {@code from} is after {@code to} (a programming error;
     *     clients get a 400 from the factories)
     */
    public PredictionQuery {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from " + from + " is after to " + to);
        }
    }

    /**
     * Validates the query string of {@code GET /predictions}.
     *
     * <p>Parameters: {@code model} (required), {@code version}, {@code from}, {@code to} (ISO-8601
     * instants; default {@code to} = now and {@code from} = {@code to} − 24 h), {@code limit}
     * (1..500, default 100), {@code cursor}. Blank values count as absent; other parameters are
     * ignored.
     *
     * @param params query string parameters, may be null
     * @param clock gives "now" for the default window
     * @return the query
     * @throws InvalidInputException {@code MISSING_PARAMETER} without a model;
     *     {@code INVALID_MODEL_NAME}, {@code INVALID_VERSION}; {@code INVALID_TIME} for a time that
     *     is not an ISO-8601 instant (or outside years 1970–9999); {@code INVALID_TIME_RANGE} when
     *     {@code from} is after {@code to}; {@code INVALID_LIMIT} for a limit outside 1..500
     */
    public static PredictionQuery fromParams(Map<String, String> params, Clock clock) {
        var p = params == null ? Map.<String, String>of() : params;
        var model = param(p, "model");
        if (model == null) {
            throw new InvalidInputException(
                    "MISSING_PARAMETER", "query parameter 'model' is required", Map.of("parameter", "model"));
        }
        return parse(model, p, clock, true);
    }

    /**
     * Validates the query string of {@code GET /models/{name}/stats}: {@code version}, {@code from}
     * and {@code to} as in {@link #fromParams}; {@code model}, {@code limit} and {@code cursor} are
     * ignored.
     *
     * @param model the model name from the path
     * @param params query string parameters, may be null
     * @param clock gives "now" for the default window
     * @return the query (limit {@value #DEFAULT_LIMIT}, no cursor)
     * @throws InvalidInputException as {@link #fromParams}, except {@code MISSING_PARAMETER} and
     *     {@code INVALID_LIMIT}
     */
    public static PredictionQuery forModel(String model, Map<String, String> params, Clock clock) {
        return parse(model, params == null ? Map.of() : params, clock, false);
    }

    private static PredictionQuery parse(String model, Map<String, String> p, Clock clock, boolean paged) {
        ModelRef.checkName(model);
        var version = param(p, "version");
        if (version != null) {
            ModelRef.checkVersion(version);
        }
        var givenTo = time(p, "to");
        var givenFrom = time(p, "from");
        var to = givenTo != null ? givenTo : clock.instant().truncatedTo(ChronoUnit.MILLIS);
        var from = givenFrom != null ? givenFrom : to.minus(DEFAULT_WINDOW);
        if (from.isAfter(to)) {
            var details = new LinkedHashMap<String, Object>();
            details.put("from", from.toString());
            details.put("to", to.toString());
            throw new InvalidInputException("INVALID_TIME_RANGE", "'from' must not be after 'to'", details);
        }
        int limit = paged ? limit(p) : DEFAULT_LIMIT;
        var cursor = paged ? param(p, "cursor") : null;
        return new PredictionQuery(model, version, from, to, limit, cursor, givenFrom != null, givenTo != null);
    }

    /** @return true when the query spans every version of the model */
    public boolean allVersions() {
        return version == null;
    }

    /**
     * @param resumeFrom the window's start kept in a cursor
     * @param resumeTo the window's end kept in a cursor
     * @return this query over that window, with the same {@code given} flags
     */
    public PredictionQuery withWindow(Instant resumeFrom, Instant resumeTo) {
        return new PredictionQuery(model, version, resumeFrom, resumeTo, limit, cursor, fromGiven, toGiven);
    }

    /**
     * @param next a cursor, or null
     * @return this query resuming at that cursor
     */
    public PredictionQuery withCursor(String next) {
        return new PredictionQuery(model, version, from, to, limit, next, fromGiven, toGiven);
    }

    private static String param(Map<String, String> params, String name) {
        var value = params.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Instant time(Map<String, String> params, String name) {
        var value = param(params, name);
        if (value == null) {
            return null;
        }
        try {
            var instant = Instant.parse(value).truncatedTo(ChronoUnit.MILLIS);
            if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
                throw invalidTime(name, value);
            }
            return instant;
        } catch (DateTimeParseException e) {
            throw invalidTime(name, value);
        }
    }

    private static InvalidInputException invalidTime(String name, String value) {
        return new InvalidInputException(
                "INVALID_TIME",
                "'" + name + "' must be an ISO-8601 instant such as 2026-11-23T10:00:00Z, between 1970 and 9999",
                Map.of("parameter", name, "value", value));
    }

    private static int limit(Map<String, String> params) {
        var value = param(params, "limit");
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
        throw new InvalidInputException(
                "INVALID_LIMIT",
                "'limit' must be an integer from " + MIN_LIMIT + " to " + MAX_LIMIT,
                Map.of("parameter", "limit", "value", value));
    }
}
