package io.mlserve.function.batch;

import de.siegmar.fastcsv.reader.CsvReader;
import io.mlserve.core.batch.BatchInputException;
import io.mlserve.core.batch.BlobStore;
import io.mlserve.core.batch.RecordSplitter;
import io.mlserve.core.model.ModelManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A CSV file's header matched to a model: which column feeds which feature. Columns match features by
 * exact (case-sensitive) name; other columns are carried to the output and ignored for prediction; a
 * feature without a column fails the job.
 *
 * @param columns the header's column names, in file order
 * @param featureColumns for each manifest feature (in manifest order), its column index
 */
record CsvLayout(List<String> columns, int[] featureColumns) {

    /**
     * Reads the first record of the file (a small ranged read) and matches it to the model.
     *
     * @throws BatchInputException when the header cannot feed the model
     */
    static CsvLayout read(BlobStore blobs, String bucket, String key, ModelManifest manifest, int maxRecordBytes) {
        List<String> columns;
        try (var in = blobs.openFrom(bucket, key, 0)) {
            var splitter = new RecordSplitter(in, 0, 1, RecordSplitter.Format.CSV, maxRecordBytes, true, 64 * 1024);
            if (!splitter.next()) {
                throw new BatchInputException("the file is empty");
            }
            if (splitter.tooLong()) {
                throw new BatchInputException("the first line (the header) is longer than " + maxRecordBytes + " bytes");
            }
            if (splitter.blank()) {
                throw new BatchInputException("the first line is empty: a CSV file must start with a header line naming its columns");
            }
            var text = new Utf8().decode(splitter.bytes(), splitter.length());
            if (text == null) {
                throw new BatchInputException("the header line is not valid UTF-8: files must be UTF-8 encoded");
            }
            columns = parse(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return match(columns, manifest);
    }

    static List<String> parse(String headerText) {
        var text = headerText.startsWith("\uFEFF") ? headerText.substring(1) : headerText; // a UTF-8 byte order mark
        try (var reader = CsvReader.builder().ofCsvRecord(text)) {
            var it = reader.iterator();
            if (!it.hasNext()) {
                throw new BatchInputException("the first line is empty: a CSV file must start with a header line naming its columns");
            }
            return List.copyOf(it.next().getFields());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (e instanceof BatchInputException b) {
                throw b;
            }
            throw new BatchInputException("the header line cannot be read as CSV: " + e.getMessage());
        }
    }

    static CsvLayout match(List<String> columns, ModelManifest manifest) {
        var index = new HashMap<String, Integer>();
        var duplicates = new ArrayList<String>();
        for (int c = 0; c < columns.size(); c++) {
            if (index.putIfAbsent(columns.get(c), c) != null) {
                duplicates.add(columns.get(c));
            }
        }
        var features = manifest.features();
        var featureColumns = new int[features.size()];
        var missing = new ArrayList<String>();
        for (int j = 0; j < features.size(); j++) {
            var name = features.get(j).name();
            if (duplicates.contains(name)) {
                throw new BatchInputException("the header names column '" + name + "' more than once");
            }
            Integer c = index.get(name);
            if (c == null) {
                missing.add(name);
            } else {
                featureColumns[j] = c;
            }
        }
        if (!missing.isEmpty()) {
            var found = String.join(", ", columns.stream().map(CsvLayout::abbreviate).toList());
            var message = new StringBuilder();
            if (columns.size() == 1 && columns.get(0).matches(".*[;\t|].*")) {
                message.append("the header is a single column ('").append(abbreviate(columns.get(0)))
                        .append("'): the file must be comma-separated; ");
            } else if (missing.size() == features.size()) {
                message.append("the header matches no feature of model ").append(manifest.name()).append(" (is the first line a header?); ");
            }
            message.append("missing column(s) for feature(s) ").append(String.join(", ", missing)).append(" (found: ").append(found)
                    .append("); column names must equal the feature names, case-sensitive");
            throw new BatchInputException(message.toString());
        }
        return new CsvLayout(columns, featureColumns);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
