package io.mlserve.core.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.Task;
import io.mlserve.core.store.PredictionId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Feedback: checks each item (its id, model, age and actual), records the good ones on their logged rows, and answers
 * one result per item in order. Items are independent: a bad item never stops the others, and a call where every item
 * is rejected is still answered (the caller reads the results). Only a body that is not a feedback call at all (not an
 * object, no {@code items} array, more than {@value #MAX_ITEMS} items) is refused as a whole.
 *
 * <p>Problem codes: {@code MALFORMED_ITEM} (not an object, no id, no actual, an unknown field, a bad
 * {@code observedAt}), {@code UNKNOWN_PREDICTION} (an id that is altered, forged or names no logged predicted row),
 * {@code OTHER_MODEL} (a prediction of another model), {@code EXPIRED} (older than the log keeps rows),
 * {@code INVALID_ACTUAL} (a label not among the classes, a value of the wrong type), {@code CONFLICTING_ACTUAL} (a
 * different actual is already recorded: never overwritten), {@code STORE_UNAVAILABLE} (not stored now; retry — feedback
 * is idempotent).
 */
public final class FeedbackService {
    /** Most items one call takes. */
    public static final int MAX_ITEMS = 1000;
    /** How far in the future an id's time may be (clock skew between functions) before it is not believed. */
    static final Duration FUTURE_SKEW = Duration.ofMinutes(5);
    private static final Set<String> ITEM_FIELDS = Set.of("predictionId", "actual", "observedAt");

    private final FeedbackStore store;
    private final ActualSpecs specs;
    private final Duration logTtl;
    private final Clock clock;
    /** Versions are immutable: a manifest read once holds for the container's life. */
    private final Map<ModelRef, ModelManifest> manifests = new ConcurrentHashMap<>();

    /**
     * @param store where actuals are recorded
     * @param specs registered versions' manifests
     * @param logTtl how long the prediction log keeps rows: older ids are {@code EXPIRED}
     * @param clock time source
     */
    public FeedbackService(FeedbackStore store, ActualSpecs specs, Duration logTtl, Clock clock) {
        this.store = store;
        this.specs = specs;
        this.logTtl = logTtl;
        this.clock = clock;
    }

    /**
     * One feedback item as read from a file: every field as text.
     *
     * @param predictionId the id, may be null
     * @param actual the actual as text, may be null
     * @param observedAt ISO-8601, or null / empty
     */
    public record Line(String predictionId, String actual, String observedAt) {}

    /**
     * The API call: {@code {"items": [{"predictionId", "actual", "observedAt"?}, …]}}.
     *
     * @param model model name from the path
     * @param body the parsed request body
     * @return one result per item, in order, with counts
     * @throws InvalidInputException {@code INVALID_MODEL_NAME}, {@code INVALID_BODY} (not an object, unknown top-level
     *     field, no {@code items} array), {@code TOO_MANY_ITEMS}
     */
    public FeedbackReport submit(String model, JsonNode body) {
        ModelRef.checkName(model);
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("INVALID_BODY", "the body must be a JSON object {\"items\": [...]}", null);
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            var name = names.next();
            if (!name.equals("items")) {
                throw new InvalidInputException("INVALID_BODY", "unknown field '" + abbreviate(name) + "'; the body takes only items",
                        Map.of("field", abbreviate(name)));
            }
        }
        var items = body.get("items");
        if (items == null || !items.isArray()) {
            throw new InvalidInputException("INVALID_BODY", "'items' must be an array of {predictionId, actual, observedAt?}",
                    Map.of("field", "items"));
        }
        if (items.size() > MAX_ITEMS) {
            throw new InvalidInputException("TOO_MANY_ITEMS", "at most " + MAX_ITEMS + " items per call, got " + items.size(),
                    Map.of("limit", MAX_ITEMS, "items", items.size()));
        }
        var checked = new ArrayList<Checked>(items.size());
        for (var item : items) {
            checked.add(checkJson(model, item));
        }
        return record(checked);
    }

    /**
     * Items read from a file (bulk feedback), at most {@value #MAX_ITEMS} per call.
     *
     * @param model model name (from the file's folder)
     * @param lines the items
     * @return one result per line, in order, with counts
     */
    public FeedbackReport submit(String model, List<Line> lines) {
        ModelRef.checkName(model);
        if (lines.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("at most " + MAX_ITEMS + " lines per call");
        }
        var checked = new ArrayList<Checked>(lines.size());
        for (var line : lines) {
            checked.add(checkLine(model, line));
        }
        return record(checked);
    }

    /** An item after its checks: a label to store, or already a result. */
    private record Checked(Label label, FeedbackResult rejected) {
        static Checked reject(String code, String message) {
            return new Checked(null, FeedbackResult.rejected(code, message));
        }
    }

    private Checked checkJson(String model, JsonNode item) {
        if (item == null || !item.isObject()) {
            return Checked.reject("MALFORMED_ITEM", "an item must be an object {predictionId, actual, observedAt?}");
        }
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            var name = names.next();
            if (!ITEM_FIELDS.contains(name)) {
                return Checked.reject("MALFORMED_ITEM", "unknown field '" + abbreviate(name) + "'; an item takes predictionId, actual, "
                        + "observedAt");
            }
        }
        var id = item.get("predictionId");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            return Checked.reject("MALFORMED_ITEM", "'predictionId' must be the string a prediction answered");
        }
        var actual = item.get("actual");
        if (actual == null || actual.isNull()) {
            return Checked.reject("MALFORMED_ITEM", "'actual' is missing");
        }
        var observed = item.get("observedAt");
        if (observed != null && !observed.isNull() && !observed.isTextual()) {
            return Checked.reject("MALFORMED_ITEM", "'observedAt' must be an ISO-8601 time such as 2026-12-04T10:15:30Z");
        }
        return check(model, id.asText(), observed == null || observed.isNull() ? null : observed.asText(),
                manifest -> actualOfJson(manifest, actual));
    }

    private Checked checkLine(String model, Line line) {
        if (line.predictionId() == null || line.predictionId().isBlank()) {
            return Checked.reject("MALFORMED_ITEM", "the predictionId is empty");
        }
        if (line.actual() == null || line.actual().isEmpty()) {
            return Checked.reject("MALFORMED_ITEM", "the actual is empty");
        }
        var observed = line.observedAt() == null || line.observedAt().isBlank() ? null : line.observedAt().trim();
        return check(model, line.predictionId().trim(), observed, manifest -> actualOfText(manifest, line.actual()));
    }

    /** Reads an actual against a manifest: the actual, or a message saying why it does not fit. */
    private interface ActualReader {
        Object read(ModelManifest manifest); // Actual or String (the problem)
    }

    private Checked check(String model, String idText, String observedText, ActualReader reader) {
        Instant observedAt = null;
        if (observedText != null) {
            try {
                observedAt = OffsetDateTime.parse(observedText).toInstant();
            } catch (DateTimeParseException e) {
                return Checked.reject("MALFORMED_ITEM", "'observedAt' must be an ISO-8601 time with an offset, such as "
                        + "2026-12-04T10:15:30Z");
            }
        }
        var decoded = PredictionId.decode(idText);
        if (decoded.isEmpty()) {
            return Checked.reject("UNKNOWN_PREDICTION", "not a predictionId this service gave (altered, truncated or made up)");
        }
        var id = decoded.get();
        if (!id.model().name().equals(model)) {
            return Checked.reject("OTHER_MODEL", "this prediction was made by model '" + id.model().name() + "', not '" + model + "'");
        }
        var now = clock.instant();
        if (id.timestamp().isAfter(now.plus(FUTURE_SKEW))) {
            return Checked.reject("UNKNOWN_PREDICTION", "no prediction was made at that time");
        }
        if (id.timestamp().isBefore(now.minus(logTtl))) {
            return Checked.reject("EXPIRED", "the prediction is older than the log keeps rows (" + logTtl.toDays() + " days)");
        }
        var manifest = manifest(id.model());
        if (manifest.isEmpty()) {
            return Checked.reject("UNKNOWN_PREDICTION", "version '" + id.model().version() + "' of '" + model + "' is not registered");
        }
        var actual = reader.read(manifest.get());
        if (actual instanceof String problem) {
            return Checked.reject("INVALID_ACTUAL", problem);
        }
        return new Checked(new Label(id, (Actual) actual, observedAt), null);
    }

    private Optional<ModelManifest> manifest(ModelRef ref) {
        var cached = manifests.get(ref);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<ModelManifest> read;
        try {
            read = specs.manifest(ref);
        } catch (MlServeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MlServeException(ErrorKind.UNAVAILABLE, "REGISTRY_UNAVAILABLE", "the model registry cannot be read right now; "
                    + "try again", null);
        }
        read.ifPresent(m -> manifests.put(ref, m));
        return read;
    }

    private static Object actualOfJson(ModelManifest manifest, JsonNode actual) {
        if (manifest.task() == Task.REGRESSION) {
            if (manifest.output().targetCount() > 1) {
                return multiTarget();
            }
            if (!actual.isNumber() || !Double.isFinite(actual.asDouble())) {
                return "a regression model's actual must be a finite number";
            }
            return new Actual.Value(actual.asDouble());
        }
        var labels = manifest.output().labels();
        if (integerLabels(labels)) {
            if (!actual.isIntegralNumber() || !actual.canConvertToLong()) {
                return "this model's classes are integers; the actual must be one of " + shown(labels);
            }
            return classLabel(labels, actual.asLong());
        }
        if (!actual.isTextual() && !(labels == null && actual.isIntegralNumber())) {
            return "this model's classes are strings; the actual must be one of " + shown(labels);
        }
        return classLabel(labels, actual.asText());
    }

    private static Object actualOfText(ModelManifest manifest, String text) {
        if (manifest.task() == Task.REGRESSION) {
            if (manifest.output().targetCount() > 1) {
                return multiTarget();
            }
            try {
                double value = Double.parseDouble(text.trim());
                if (Double.isFinite(value)) {
                    return new Actual.Value(value);
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            return "a regression model's actual must be a finite number, got '" + abbreviate(text) + "'";
        }
        var labels = manifest.output().labels();
        if (integerLabels(labels)) {
            try {
                return classLabel(labels, Long.parseLong(text.trim()));
            } catch (NumberFormatException e) {
                return "this model's classes are integers; the actual must be one of " + shown(labels) + ", got '" + abbreviate(text) + "'";
            }
        }
        return classLabel(labels, text);
    }

    private static Object classLabel(List<Object> labels, Object label) {
        if (labels != null && !labels.contains(label)) {
            return "'" + abbreviate(String.valueOf(label)) + "' is not one of the model's classes " + shown(labels);
        }
        return new Actual.ClassLabel(String.valueOf(label));
    }

    private static boolean integerLabels(List<Object> labels) {
        return labels != null && !labels.isEmpty() && labels.get(0) instanceof Long;
    }

    private static String multiTarget() {
        return "this model predicts several targets; feedback takes models with one value or one label";
    }

    private static String shown(List<Object> labels) {
        if (labels == null) {
            return "its classes";
        }
        return labels.size() <= 20 ? labels.toString() : labels.subList(0, 20) + " …";
    }

    private FeedbackReport record(List<Checked> checked) {
        var labels = new ArrayList<Label>();
        for (var c : checked) {
            if (c.label() != null) {
                labels.add(c.label());
            }
        }
        var outcomes = labels.isEmpty() ? List.<FeedbackStore.Outcome>of() : store.record(labels, clock.instant());
        if (outcomes.size() != labels.size()) {
            throw new IllegalStateException("the store answered " + outcomes.size() + " outcomes for " + labels.size() + " labels");
        }
        var results = new ArrayList<FeedbackResult>(checked.size());
        int next = 0;
        for (var c : checked) {
            results.add(c.label() == null ? c.rejected() : result(outcomes.get(next++)));
        }
        return FeedbackReport.of(results);
    }

    private static FeedbackResult result(FeedbackStore.Outcome outcome) {
        return switch (outcome.kind()) {
            case RECORDED -> FeedbackResult.ACCEPTED;
            case DUPLICATE -> FeedbackResult.DUPLICATE;
            case NOT_FOUND -> FeedbackResult.rejected("UNKNOWN_PREDICTION", "no logged prediction has this id (never logged, expired, "
                    + "or a failed request)");
            case CONFLICT -> FeedbackResult.rejected("CONFLICTING_ACTUAL", "a different actual"
                    + (outcome.detail() == null ? "" : " ('" + abbreviate(outcome.detail()) + "')")
                    + " is already recorded for this prediction; actuals are never overwritten");
            case FAILED -> FeedbackResult.rejected("STORE_UNAVAILABLE", "not stored: the prediction log could not be written right now; "
                    + "send the item again (feedback is idempotent)");
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
