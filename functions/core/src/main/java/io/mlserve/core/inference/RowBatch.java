package io.mlserve.core.inference;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.ModelManifest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validates rows one at a time against a manifest — from JSON values (the online API, JSONL files) or
 * from text cells (CSV files) — and collects the accepted ones straight into the columns the predictor
 * reads. The same checks for every source, so the online API and bulk prediction accept and answer the
 * same rows alike. A refused row leaves no trace in the columns.
 *
 * <p>N.B. not thread-safe; reuse one per worker with {@link #clear()} between chunks.
 */
public final class RowBatch {
    private final List<Feature> features;
    private final Set<String> known = new HashSet<>();
    private final int capacity;
    private final Object[] columns;
    private final Object[] pending; // values of the row being read, written to columns only when it is accepted
    private int size;

    /**
     * @param manifest the model the rows are for
     * @param capacity most rows one batch holds
     */
    public RowBatch(ModelManifest manifest, int capacity) {
        this.features = manifest.features();
        this.capacity = capacity;
        this.columns = new Object[features.size()];
        this.pending = new Object[features.size()];
        for (int j = 0; j < features.size(); j++) {
            var f = features.get(j);
            known.add(f.name());
            columns[j] = switch (f.type()) {
                case FLOAT, DOUBLE -> new double[capacity];
                case INT64 -> new long[capacity];
                case STRING -> new String[capacity];
            };
        }
    }

    /** @return the manifest's features, in column order */
    public List<Feature> features() {
        return features;
    }

    /** @return accepted rows held */
    public int size() {
        return size;
    }

    /** @return true when no further row fits */
    public boolean isFull() {
        return size == capacity;
    }

    /** Forgets every row (the arrays are reused). */
    public void clear() {
        size = 0;
    }

    /**
     * Adds one JSON object of feature name → value, checked as the online API checks an instance.
     *
     * @param instance the row
     * @return its problems; empty when the row was accepted
     * @throws IllegalStateException when the batch is full
     */
    public List<RowProblem> addJson(JsonNode instance) {
        return addJson(instance, false);
    }

    /**
     * Adds one JSON object, reading only the model's features from it: other fields (an id, a
     * timestamp) are the caller's to keep, as extra CSV columns are (bulk prediction's JSON lines).
     *
     * @param instance the row
     * @return its problems; empty when the row was accepted
     */
    public List<RowProblem> addJsonIgnoringOtherFields(JsonNode instance) {
        return addJson(instance, true);
    }

    private List<RowProblem> addJson(JsonNode instance, boolean ignoreOtherFields) {
        requireRoom();
        if (!instance.isObject()) {
            return List.of(new RowProblem(null, "NOT_AN_OBJECT", "instance must be a JSON object of feature name to value"));
        }
        List<RowProblem> problems = null;
        for (Iterator<String> it = instance.fieldNames(); it.hasNext() && !ignoreOtherFields; ) {
            var key = it.next();
            if (!known.contains(key)) {
                problems = add(problems, new RowProblem(key, "UNKNOWN_FEATURE", "the model has no feature '" + abbreviate(key) + "'"));
            }
        }
        for (int j = 0; j < features.size(); j++) {
            var f = features.get(j);
            var node = instance.get(f.name());
            if (node == null || node.isNull()) {
                problems = add(problems, missing(f));
                continue;
            }
            var problem = readJson(j, f, node);
            if (problem != null) {
                problems = add(problems, problem);
            }
        }
        return accept(problems);
    }

    /**
     * Adds one row of text cells (a CSV record), in manifest feature order.
     *
     * @param cells one cell per feature, null where the file has no such column
     * @return its problems; empty when the row was accepted
     * @throws IllegalStateException when the batch is full
     */
    public List<RowProblem> addText(String[] cells) {
        requireRoom();
        List<RowProblem> problems = null;
        for (int j = 0; j < features.size(); j++) {
            var f = features.get(j);
            var cell = cells[j];
            if (cell == null || cell.isEmpty()) {
                problems = add(problems, missing(f));
                continue;
            }
            var problem = readText(j, f, cell);
            if (problem != null) {
                problems = add(problems, problem);
            }
        }
        return accept(problems);
    }

    /** @return the accepted rows as the predictor's input (a view of the first {@link #size()} rows) */
    public FeatureBatch toBatch() {
        var list = new ArrayList<Object>(columns.length);
        for (var column : columns) {
            list.add(column);
        }
        var full = new FeatureBatch(capacity, features, list);
        return size == capacity ? full : full.slice(0, size);
    }

    /**
     * @param row an accepted row's index
     * @return its values, feature name → value, in manifest order (for the prediction log)
     */
    public Map<String, Object> row(int row) {
        var values = new LinkedHashMap<String, Object>();
        for (int j = 0; j < features.size(); j++) {
            values.put(features.get(j).name(), switch (columns[j]) {
                case double[] d -> d[row];
                case long[] l -> l[row];
                case String[] s -> s[row];
                default -> throw new IllegalStateException("unexpected column");
            });
        }
        return values;
    }

    private void requireRoom() {
        if (size == capacity) {
            throw new IllegalStateException("the batch holds " + capacity + " rows; clear it first");
        }
    }

    private List<RowProblem> accept(List<RowProblem> problems) {
        if (problems != null) {
            return problems;
        }
        for (int j = 0; j < columns.length; j++) {
            switch (columns[j]) {
                case double[] d -> d[size] = (Double) pending[j];
                case long[] l -> l[size] = (Long) pending[j];
                case String[] s -> s[size] = (String) pending[j];
                default -> throw new IllegalStateException("unexpected column");
            }
        }
        size++;
        return List.of();
    }

    private RowProblem readJson(int j, Feature f, JsonNode node) {
        switch (f.type()) {
            case FLOAT, DOUBLE -> {
                if (!node.isNumber()) {
                    return wrongType(f, "a number", describe(node));
                }
                return number(j, f, node.doubleValue());
            }
            case INT64 -> {
                if (!node.isNumber() || !isIntegral(node)) {
                    return wrongType(f, "an integer", describe(node));
                }
                return integer(j, f, node.longValue());
            }
            case STRING -> {
                if (!node.isTextual()) {
                    return wrongType(f, "a string", describe(node));
                }
                return string(j, f, node.textValue());
            }
            default -> throw new IllegalStateException("unhandled type " + f.type());
        }
    }

    private RowProblem readText(int j, Feature f, String cell) {
        switch (f.type()) {
            case FLOAT, DOUBLE -> {
                double d;
                try {
                    d = Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    return wrongType(f, "a number", "text " + quote(cell));
                }
                return number(j, f, d);
            }
            case INT64 -> {
                try {
                    return integer(j, f, Long.parseLong(cell));
                } catch (NumberFormatException e) {
                    try { // "3.0" is an integer in CSV as in JSON
                        double d = Double.parseDouble(cell);
                        if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
                            return integer(j, f, (long) d);
                        }
                    } catch (NumberFormatException ignored) {
                        // falls through to the type error
                    }
                    return wrongType(f, "an integer", "text " + quote(cell));
                }
            }
            case STRING -> {
                return string(j, f, cell);
            }
            default -> throw new IllegalStateException("unhandled type " + f.type());
        }
    }

    private RowProblem number(int j, Feature f, double d) {
        if (!Double.isFinite(d) || (f.type() == FeatureType.FLOAT && Math.abs(d) > Float.MAX_VALUE)) {
            return new RowProblem(f.name(), "NOT_FINITE", "value must be a finite " + f.type().manifestName());
        }
        if ((f.min() != null && d < f.min()) || (f.max() != null && d > f.max())) {
            return outOfRange(f, d);
        }
        if (f.values() != null && f.values().stream().noneMatch(a -> a instanceof Number n && n.doubleValue() == d)) {
            return notAllowed(f, d);
        }
        pending[j] = d;
        return null;
    }

    private RowProblem integer(int j, Feature f, long value) {
        if ((f.min() != null && value < f.min()) || (f.max() != null && value > f.max())) {
            return outOfRange(f, value);
        }
        if (f.values() != null && f.values().stream().noneMatch(a -> a instanceof Number n && n.doubleValue() == value)) {
            return notAllowed(f, value);
        }
        pending[j] = value;
        return null;
    }

    private RowProblem string(int j, Feature f, String value) {
        if (f.values() != null && f.values().stream().noneMatch(value::equals)) {
            return notAllowed(f, quote(value));
        }
        pending[j] = value;
        return null;
    }

    private static RowProblem missing(Feature f) {
        return new RowProblem(f.name(), "MISSING_FEATURE", "feature is missing (type " + f.type().manifestName() + ")");
    }

    private static RowProblem wrongType(Feature f, String expected, String got) {
        return new RowProblem(f.name(), "WRONG_TYPE", "expected " + expected + ", got " + got);
    }

    private static RowProblem outOfRange(Feature f, Object value) {
        return new RowProblem(f.name(), "OUT_OF_RANGE", "value " + value + " is outside [" + bound(f.min()) + ", " + bound(f.max()) + "]");
    }

    private static RowProblem notAllowed(Feature f, Object value) {
        return new RowProblem(f.name(), "NOT_ALLOWED", "value " + value + " is not one of " + f.values());
    }

    private static List<RowProblem> add(List<RowProblem> problems, RowProblem problem) {
        var list = problems == null ? new ArrayList<RowProblem>(2) : problems;
        list.add(problem);
        return list;
    }

    private static boolean isIntegral(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.canConvertToLong();
        }
        double d = node.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63;
    }

    private static String bound(Double b) {
        return b == null ? "-" : b.toString();
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT) + (node.isValueNode() ? " " + abbreviate(node.toString()) : "");
    }

    private static String quote(String text) {
        return "'" + abbreviate(text) + "'";
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
