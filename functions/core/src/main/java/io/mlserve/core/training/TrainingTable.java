package io.mlserve.core.training;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.Task;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rows of a training dataset, read from one or more CSV files with a header (the spec's features
 * and target by name; other columns kept for other versions' features, never checked). Kept as text cells so every
 * consumer (trainer, ONNX check, serving-version evaluation, baseline) sees the values exactly as a caller would send
 * them; numeric cells are trimmed.
 *
 * <p>A row is usable when every feature cell parses as its type (float, double, int64: a finite number in that type;
 * string: non-blank) and the target cell is non-blank (classification) or a finite number (regression). {@code NaN}
 * counts as blank. Unusable rows are skipped and counted in {@link #rejectedRows()}, never fatal on their own.
 */
public final class TrainingTable {

    /**
     * One CSV object.
     *
     * @param key object key (for problems and the fingerprint)
     * @param content its bytes (the caller closes it)
     */
    public record CsvFile(String key, java.io.InputStream content) {}

    private final List<String> columns;
    private final Map<String, Integer> columnIndex;
    private final Set<String> completeColumns;
    private final List<String[]> cells;
    private final List<Object> targets;
    private final long rejected;
    private final List<String> classes;

    private TrainingTable(List<String> columns, Set<String> completeColumns, List<String[]> cells, List<Object> targets,
            long rejected, List<String> classes) {
        this.columns = List.copyOf(columns);
        this.columnIndex = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            columnIndex.put(columns.get(i), i);
        }
        this.completeColumns = Set.copyOf(completeColumns);
        this.cells = cells;
        this.targets = targets;
        this.rejected = rejected;
        this.classes = classes;
    }

    /**
     * Reads and checks the data for a spec.
     *
     * @param spec features, target and task
     * @param files the CSV objects, in key order
     * @return the table
     * @throws TrainingDataException naming every problem: no rows, a missing column, a feature or target column with
     *     no usable value (all blank/NaN), a target with one class (classification), a non-numeric target (regression)
     * @throws UncheckedIOException when a file cannot be read
     */
    public static TrainingTable read(TrainingSpec spec, List<CsvFile> files) {
        if (files.isEmpty()) {
            throw new TrainingDataException(List.of("no .csv objects under " + spec.data()));
        }
        var reader = new Reader(spec);
        for (var file : files) {
            reader.read(file);
        }
        return reader.finish();
    }

    /** @return usable rows */
    public int rows() {
        return cells.size();
    }

    /** @return rows skipped as unusable (blank/NaN feature or target cell, wrong cell count), counted not fatal */
    public long rejectedRows() {
        return rejected;
    }

    /**
     * @param row a row index
     * @param features the features wanted, by name (e.g. another version's manifest features)
     * @return the row's text cells in that order (null where a file lacked the column)
     * @throws IllegalArgumentException when a feature is not a column of this table
     */
    public String[] cells(int row, List<Feature> features) {
        String[] all = cells.get(row);
        var out = new String[features.size()];
        for (int i = 0; i < out.length; i++) {
            Integer c = columnIndex.get(features.get(i).name());
            if (c == null) {
                throw new IllegalArgumentException("the training data has no column '" + features.get(i).name() + "'");
            }
            out[i] = c < all.length ? all[c] : null;
        }
        return out;
    }

    /**
     * @param name a column name
     * @return true when every data file has that column
     */
    public boolean hasFeature(String name) {
        return completeColumns.contains(name);
    }

    /**
     * @param row a row index
     * @return the target: the label text (classification) or a Double (regression)
     */
    public Object actual(int row) {
        return targets.get(row);
    }

    /** @return classification: the distinct labels, sorted; regression: empty */
    public List<String> classes() {
        return classes;
    }

    /** @return every column name seen in a header, first-seen order */
    public List<String> columns() {
        return columns;
    }

    /**
     * @param type a feature type
     * @param cell a text cell
     * @return true when a model input of that type can take the cell
     */
    public static boolean usable(FeatureType type, String cell) {
        if (cell == null || cell.isBlank()) {
            return false;
        }
        String t = cell.trim();
        if (t.equalsIgnoreCase("nan")) {
            return false;
        }
        try {
            return switch (type) {
                case FLOAT -> Float.isFinite(Float.parseFloat(t));
                case DOUBLE -> Double.isFinite(Double.parseDouble(t));
                case INT64 -> {
                    Long.parseLong(t);
                    yield true;
                }
                case STRING -> true;
            };
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Streams the files into rows; one instance per {@link #read}. */
    private static final class Reader {
        private final TrainingSpec spec;
        private final List<String> columns = new ArrayList<>();
        private final Map<String, Integer> index = new HashMap<>();
        private Set<String> complete;
        private final List<String[]> rows = new ArrayList<>();
        private final List<Object> targets = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        /** Usable cells per spec column (features, then target), over rows with the right cell count. */
        private final Map<String, Long> usableCells = new LinkedHashMap<>();
        private long rejected;
        private long read;
        private final FeatureType targetType;

        Reader(TrainingSpec spec) {
            this.spec = spec;
            this.targetType = spec.task() == Task.REGRESSION ? FeatureType.DOUBLE : FeatureType.STRING;
            spec.features().forEach(f -> usableCells.put(f.name(), 0L));
            usableCells.put(spec.target(), 0L);
        }

        void read(CsvFile file) {
            var text = new BufferedReader(new InputStreamReader(file.content(), StandardCharsets.UTF_8), 1 << 16);
            try (var csv = CsvReader.builder().ignoreDifferentFieldCount(true).detectBomHeader(true).ofCsvRecord(text)) {
                var records = csv.iterator();
                if (!records.hasNext()) {
                    return; // an empty object holds no rows; other files may
                }
                CsvRecord header = records.next();
                int width = header.getFieldCount();
                int[] toColumn = new int[width];
                var names = new HashSet<String>();
                for (int i = 0; i < width; i++) {
                    String name = header.getField(i).trim();
                    names.add(name);
                    toColumn[i] = index.computeIfAbsent(name, n -> {
                        columns.add(n);
                        return columns.size() - 1;
                    });
                }
                complete = complete == null ? new HashSet<>(names) : complete;
                complete.retainAll(names);
                int[] featureAt = new int[spec.features().size()];
                boolean missing = false;
                for (int f = 0; f < featureAt.length; f++) {
                    featureAt[f] = position(header, spec.features().get(f).name());
                    if (featureAt[f] < 0) {
                        problems.add(file.key() + ": the header has no column for feature '" + spec.features().get(f).name() + "'");
                        missing = true;
                    }
                }
                int targetAt = position(header, spec.target());
                if (targetAt < 0) {
                    problems.add(file.key() + ": the header has no column for the target '" + spec.target() + "'");
                    missing = true;
                }
                if (missing) {
                    return;
                }
                while (records.hasNext()) {
                    row(records.next(), width, toColumn, featureAt, targetAt);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file.key(), e);
            }
        }

        private void row(CsvRecord record, int width, int[] toColumn, int[] featureAt, int targetAt) {
            read++;
            if (record.getFieldCount() != width) {
                rejected++;
                return;
            }
            boolean ok = true;
            for (int f = 0; f < featureAt.length; f++) {
                var feature = spec.features().get(f);
                if (usable(feature.type(), record.getField(featureAt[f]))) {
                    usableCells.merge(feature.name(), 1L, Long::sum);
                } else {
                    ok = false;
                }
            }
            String targetCell = record.getField(targetAt);
            if (usable(targetType, targetCell)) {
                usableCells.merge(spec.target(), 1L, Long::sum);
            } else {
                ok = false;
            }
            if (!ok) {
                rejected++;
                return;
            }
            var cells = new String[columns.size()];
            for (int i = 0; i < width; i++) {
                cells[toColumn[i]] = record.getField(i);
            }
            for (int f = 0; f < featureAt.length; f++) {
                if (spec.features().get(f).type().isNumeric()) {
                    int c = toColumn[featureAt[f]];
                    cells[c] = cells[c].trim();
                }
            }
            rows.add(cells);
            targets.add(spec.task() == Task.REGRESSION ? (Object) Double.parseDouble(targetCell.trim()) : targetCell.trim());
        }

        private static int position(CsvRecord header, String name) {
            for (int i = 0; i < header.getFieldCount(); i++) {
                if (header.getField(i).trim().equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        TrainingTable finish() {
            if (problems.isEmpty()) {
                usableCells.forEach((column, count) -> {
                    if (count == 0 && read > 0) {
                        boolean isTarget = column.equals(spec.target());
                        String kind = isTarget
                                ? (spec.task() == Task.REGRESSION ? "a number" : "a label")
                                : "a " + spec.features().stream().filter(f -> f.name().equals(column)).findFirst().orElseThrow()
                                        .type().manifestName();
                        problems.add((isTarget ? "the target column '" : "column '") + column + "' has no usable value"
                                + " (every cell is blank, NaN or not " + kind + ")");
                    }
                });
            }
            if (problems.isEmpty() && rows.isEmpty()) {
                problems.add(read == 0 ? "the data has no rows (only headers or empty files)"
                        : "no usable rows: all " + read + " rows have a blank, NaN or unparsable cell");
            }
            var classes = new TreeSet<String>();
            if (spec.task() == Task.CLASSIFICATION) {
                targets.forEach(t -> classes.add((String) t));
                if (problems.isEmpty() && classes.size() < 2) {
                    problems.add("the target '" + spec.target() + "' has only one class (" + classes.first()
                            + "); classification needs at least two");
                }
            }
            if (!problems.isEmpty()) {
                throw new TrainingDataException(problems);
            }
            return new TrainingTable(columns, complete == null ? Set.of() : complete, rows, targets, rejected,
                    List.copyOf(classes));
        }
    }
}
