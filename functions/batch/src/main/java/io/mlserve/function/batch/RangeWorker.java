package io.mlserve.function.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.mlserve.core.batch.BlobOutput;
import io.mlserve.core.batch.LazyLines;
import io.mlserve.core.batch.ByteRange;
import io.mlserve.core.batch.ErrorLines;
import io.mlserve.core.batch.LogSampler;
import io.mlserve.core.batch.OutputColumns;
import io.mlserve.core.batch.RecordSplitter;
import io.mlserve.core.inference.Prediction;
import io.mlserve.core.inference.RowBatch;
import io.mlserve.core.inference.RowProblem;
import io.mlserve.core.json.Json;
import io.mlserve.core.serving.LoadedModel;
import io.mlserve.core.store.PredictionId;
import io.mlserve.core.store.PredictionLog;
import io.mlserve.core.store.PredictionRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Predicts one byte range: streams its records in, validates them into a reused {@link RowBatch},
 * predicts a chunk at a time, and streams the part (and, when rows are refused, the range's error
 * lines) out. Memory is bounded by the chunk size and the record cap, whatever the range's size.
 *
 * <p>Row outcomes, each counted exactly once in {@code rowsRead} and then in {@code rowsPredicted}
 * or {@code rowsRejected}: a non-blank record is a row (the header of range 0 and blank lines are not);
 * a row is rejected with reason {@code TOO_LONG} (over the record cap), {@code MALFORMED_RECORD} (a
 * carriage return that ends no line, or not readable as one CSV record), {@code BAD_ENCODING} (not
 * UTF-8: the row is refused, the job goes on), {@code FIELD_COUNT} (CSV: not as many fields as the
 * header), {@code MALFORMED_JSON} (JSONL), or the validation problems of {@link RowBatch}.
 */
final class RangeWorker {
    /** The output column of a logAll job's rows: the logged row's id, for feedback. */
    static final String PREDICTION_ID_COLUMN = "prediction_id";

    /** The counts a range reports. */
    record Counts(long rowsRead, long rowsPredicted, long rowsRejected, long lines) {}

    private final LoadedModel model;
    private final RowBatch batch;
    private final OutputColumns outputColumns;
    private final PredictionLog log;
    private final LogSampler sampler;
    private final ByteRange range;
    private final String jobId;
    private final Instant logTime;
    private final int chunkRows;
    private final Utf8 utf8 = new Utf8();
    /** 0, or a logAll job's shard count. */
    private final int logShards;

    // one chunk of rows in file order, each either pending validation or already refused
    private final long[] lineOf;
    private final long[] ordinalOf;
    private final RowProblem[] refusedOf; // set when refused before validation
    private final List<List<RowProblem>> problemsOf; // validation problems, or null
    private final int[] batchRowOf; // row in the RowBatch, or -1
    private final long[] textLineOf; // CSV: first line in the chunk text
    private final Object[] payloadOf; // CSV: CsvRecord; JSONL: the parsed node
    private int pending;

    private long rowsRead;
    private long rowsPredicted;
    private long rowsRejected;
    private final List<PredictionRecord> sampled = new ArrayList<>();

    RangeWorker(LoadedModel model, PredictionLog log, LogSampler sampler, ByteRange range, Instant logTime, int chunkRows) {
        this(model, log, sampler, range, logTime, chunkRows, 0);
    }

    /**
     * @param logShards 0 for a sampled job; for a {@code logAll} job the version's log shard count: every row is logged,
     *     each output row carries its {@code prediction_id} (CSV column) / {@code predictionId} (JSON lines field), and a
     *     row the log could not store fails the range rather than hand out an id that finds nothing
     */
    RangeWorker(LoadedModel model, PredictionLog log, LogSampler sampler, ByteRange range, Instant logTime, int chunkRows,
            int logShards) {
        this.logShards = logShards;
        this.model = model;
        this.batch = new RowBatch(model.manifest(), chunkRows);
        this.outputColumns = OutputColumns.of(model.manifest());
        this.log = log;
        this.sampler = sampler;
        this.range = range;
        this.jobId = range.jobId();
        this.logTime = logTime;
        this.chunkRows = chunkRows;
        this.lineOf = new long[chunkRows];
        this.ordinalOf = new long[chunkRows];
        this.refusedOf = new RowProblem[chunkRows];
        this.problemsOf = new ArrayList<>(chunkRows);
        for (int i = 0; i < chunkRows; i++) {
            problemsOf.add(null);
        }
        this.batchRowOf = new int[chunkRows];
        this.textLineOf = new long[chunkRows];
        this.payloadOf = new Object[chunkRows];
    }

    /**
     * @param in the object from {@code max(0, start - 1)} to its end
     * @param layout the header's columns matched to the features
     * @param multiLine whether quoted line breaks are allowed (single-range jobs)
     * @param maxRecordBytes record cap
     * @param part where predicted rows go (the caller closes or aborts it)
     * @param errors where refused rows go
     */
    Counts csv(InputStream in, CsvLayout layout, boolean multiLine, int maxRecordBytes, BlobOutput part, LazyLines errors)
            throws IOException {
        var splitter = new RecordSplitter(in, range.start(), range.end(), RecordSplitter.Format.CSV, maxRecordBytes, multiLine);
        var writer = CsvWriter.builder().lineDelimiter(LineDelimiter.LF).bufferSize(64 * 1024)
                .build(new OutputStreamWriter(part, StandardCharsets.UTF_8));
        int inputColumns = layout.columns().size();
        var header = new ArrayList<>(layout.columns());
        header.addAll(outputColumns.names());
        if (logShards > 0) {
            header.add(PREDICTION_ID_COLUMN);
        }
        writer.writeRecord(header);
        var chunkText = new StringBuilder(64 * 1024);
        long textLines = 0;
        var cells = new String[outputColumns.size()];
        var featureCells = new String[layout.featureColumns().length];
        boolean header0 = range.index() == 0;
        while (splitter.next()) {
            if (header0) { // range 0 starts at byte 0: its first record is the header
                header0 = false;
                continue;
            }
            if (splitter.blank()) {
                continue;
            }
            int slot = add(splitter.firstLine());
            var refused = refusal(splitter);
            String text = refused == null ? utf8.decode(splitter.bytes(), splitter.length()) : null;
            if (refused == null && text == null) {
                refused = new RowProblem(null, "BAD_ENCODING", "the row is not valid UTF-8: files must be UTF-8 encoded");
            }
            if (refused != null) {
                refusedOf[slot] = refused;
            } else {
                textLineOf[slot] = textLines + 1;
                textLines += splitter.lineCount();
                chunkText.append(text).append('\n');
            }
            if (pending == chunkRows) {
                flushCsv(chunkText, inputColumns, layout, featureCells, cells, writer, errors);
                chunkText.setLength(0);
                textLines = 0;
            }
        }
        flushCsv(chunkText, inputColumns, layout, featureCells, cells, writer, errors);
        writer.flush();
        return new Counts(rowsRead, rowsPredicted, rowsRejected, splitter.lines());
    }

    /**
     * @param in the object from {@code max(0, start - 1)} to its end
     * @param maxRecordBytes record cap
     * @param part where predicted rows go (the caller closes or aborts it)
     * @param errors where refused rows go
     */
    Counts jsonl(InputStream in, int maxRecordBytes, BlobOutput part, LazyLines errors) throws IOException {
        var splitter = new RecordSplitter(in, range.start(), range.end(), RecordSplitter.Format.JSONL, maxRecordBytes, true);
        var out = new BufferedWriter(new OutputStreamWriter(part, StandardCharsets.UTF_8), 256 * 1024);
        while (splitter.next()) {
            if (splitter.blank()) {
                continue;
            }
            var refused = refusal(splitter);
            String text = refused == null ? utf8.decode(splitter.bytes(), splitter.length()) : null;
            if (refused == null && text == null) {
                refused = new RowProblem(null, "BAD_ENCODING", "the row is not valid UTF-8: files must be UTF-8 encoded");
            }
            JsonNode node = null;
            if (refused == null) {
                if (text.isBlank()) {
                    continue; // whitespace only: a blank line, not a row
                }
                try {
                    node = Json.MAPPER.readTree(text);
                } catch (IOException e) {
                    refused = new RowProblem(null, "MALFORMED_JSON", "the line is not one JSON value: " + firstLine(e.getMessage()));
                }
            }
            int slot = add(splitter.firstLine());
            if (refused != null) {
                refusedOf[slot] = refused;
            } else {
                payloadOf[slot] = node;
                var problems = batch.addJsonIgnoringOtherFields(node); // extra fields are kept, as extra CSV columns are
                if (problems.isEmpty()) {
                    batchRowOf[slot] = batch.size() - 1;
                } else {
                    problemsOf.set(slot, problems);
                }
            }
            if (pending == chunkRows) {
                flushJsonl(out, errors);
            }
        }
        flushJsonl(out, errors);
        out.flush();
        return new Counts(rowsRead, rowsPredicted, rowsRejected, splitter.lines());
    }

    private int add(long line) {
        int slot = pending++;
        rowsRead++;
        lineOf[slot] = line;
        ordinalOf[slot] = rowsRead - 1;
        refusedOf[slot] = null;
        problemsOf.set(slot, null);
        batchRowOf[slot] = -1;
        payloadOf[slot] = null;
        return slot;
    }

    private RowProblem refusal(RecordSplitter splitter) {
        if (splitter.tooLong()) {
            return new RowProblem(null, "TOO_LONG", "the row is longer than the limit of " + splitter.length() + " bytes");
        }
        if (splitter.loneCarriageReturn()) {
            return new RowProblem(null, "MALFORMED_RECORD", "the row holds a carriage return that does not end a line; lines must end "
                    + "with LF or CRLF");
        }
        return null;
    }

    private void flushCsv(StringBuilder chunkText, int inputColumns, CsvLayout layout, String[] featureCells, String[] cells,
            CsvWriter writer, LazyLines errors) throws IOException {
        if (pending == 0) {
            return;
        }
        if (!chunkText.isEmpty()) {
            assignRecords(chunkText);
        }
        int[] featureColumns = layout.featureColumns();
        for (int i = 0; i < pending; i++) {
            if (refusedOf[i] != null) {
                continue;
            }
            var record = (CsvRecord) payloadOf[i];
            if (record == null) {
                refusedOf[i] = new RowProblem(null, "MALFORMED_RECORD", "the row cannot be read as one CSV record (check its quotes)");
                continue;
            }
            if (record.getFieldCount() != inputColumns) {
                refusedOf[i] = new RowProblem(null, "FIELD_COUNT",
                        "the row has " + record.getFieldCount() + " fields, the header has " + inputColumns);
                continue;
            }
            for (int j = 0; j < featureColumns.length; j++) {
                featureCells[j] = record.getField(featureColumns[j]);
            }
            var problems = batch.addText(featureCells);
            if (problems.isEmpty()) {
                batchRowOf[i] = batch.size() - 1;
            } else {
                problemsOf.set(i, problems);
            }
        }
        var predictions = predict();
        for (int i = 0; i < pending; i++) {
            if (batchRowOf[i] < 0) {
                reject(i, errors);
                continue;
            }
            var record = (CsvRecord) payloadOf[i];
            var prediction = predictions.get(batchRowOf[i]);
            outputColumns.write(prediction, cells, 0);
            var row = writer.writeRecord();
            for (int c = 0; c < inputColumns; c++) {
                row.writeField(record.getField(c));
            }
            for (var cell : cells) {
                row.writeField(cell);
            }
            var id = predicted(i, prediction);
            if (id != null) {
                row.writeField(id);
            }
            row.endRecord();
        }
        finishChunk();
    }

    /**
     * Parses the chunk's records with FastCSV in one pass and gives each row the record that starts on
     * its first line. A row FastCSV reads differently (more or fewer records than the splitter saw) gets
     * none and is refused; the other rows are unaffected.
     */
    private void assignRecords(StringBuilder chunkText) {
        var parsed = new int[pending]; // slots sent to the parser, in text order
        int n = 0;
        for (int i = 0; i < pending; i++) {
            if (refusedOf[i] == null) {
                parsed[n++] = i;
            }
        }
        var extra = new boolean[pending];
        try (var reader = CsvReader.builder().ignoreDifferentFieldCount(true).ofCsvRecord(chunkText.toString())) {
            int p = 0;
            for (var record : reader) {
                long line = record.getStartingLineNumber();
                while (p + 1 < n && textLineOf[parsed[p + 1]] <= line) {
                    p++;
                }
                int slot = parsed[p];
                if (textLineOf[slot] == line && payloadOf[slot] == null) {
                    payloadOf[slot] = record;
                } else {
                    extra[slot] = true;
                }
            }
        } catch (RuntimeException | IOException e) {
            // a parse failure leaves the rows not yet assigned without a record: they are refused one by one
        }
        for (int i = 0; i < pending; i++) {
            if (extra[i]) {
                payloadOf[i] = null;
            }
        }
    }

    private void flushJsonl(Writer out, LazyLines errors) throws IOException {
        if (pending == 0) {
            return;
        }
        var predictions = predict();
        for (int i = 0; i < pending; i++) {
            if (batchRowOf[i] < 0) {
                reject(i, errors);
                continue;
            }
            var node = payloadOf[i] instanceof ObjectNode o ? o : null;
            var prediction = predictions.get(batchRowOf[i]);
            node.set("prediction", Json.MAPPER.valueToTree(prediction));
            var id = predicted(i, prediction);
            if (id != null) {
                node.put("predictionId", id);
            }
            out.write(Json.MAPPER.writeValueAsString(node));
            out.write('\n');
        }
        finishChunk();
    }

    private List<Prediction> predict() {
        if (batch.size() == 0) {
            return List.of();
        }
        long started = System.nanoTime();
        var predictions = model.predictor().predict(batch.toBatch());
        lastInferenceMs = (System.nanoTime() - started) / 1e6;
        if (predictions.size() != batch.size()) {
            throw new IllegalStateException("the model answered " + predictions.size() + " predictions for " + batch.size() + " rows");
        }
        return predictions;
    }

    private double lastInferenceMs;

    private void reject(int slot, LazyLines errors) throws IOException {
        var problems = refusedOf[slot] != null ? List.of(refusedOf[slot]) : problemsOf.get(slot);
        errors.write(ErrorLines.line(lineOf[slot], problems));
        rowsRejected++;
    }

    /** @return the row's prediction id in a logAll job, else null */
    private String predicted(int slot, Prediction prediction) {
        rowsPredicted++;
        if (sampler.sampled(range.index(), ordinalOf[slot])) {
            // deterministic keys: time = the job's start + range index ms, row = the row's ordinal in its range,
            // so a retried range writes the same items again instead of new ones
            var record = new PredictionRecord(model.ref(), jobId, (int) Math.min(Integer.MAX_VALUE, ordinalOf[slot]), logTime,
                    batch.row(batchRowOf[slot]), prediction.asMap(), lastInferenceMs, "batch", null);
            sampled.add(record);
            if (logShards > 0) {
                return PredictionId.of(record, logShards).encode();
            }
        }
        return null;
    }

    private void finishChunk() {
        if (!sampled.isEmpty()) {
            var written = log.write(List.copyOf(sampled));
            // a sample that cannot be written is not worth failing the range; a logAll row is: its id would find nothing
            if (logShards > 0 && !written.complete()) {
                throw new IllegalStateException("the prediction log could not store " + written.failed() + " of " + sampled.size()
                        + " rows of this logAll job: " + written.lastError());
            }
            sampled.clear();
        }
        batch.clear();
        java.util.Arrays.fill(payloadOf, 0, pending, null);
        pending = 0;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        var first = nl < 0 ? message : message.substring(0, nl);
        return first.length() <= 200 ? first : first.substring(0, 200) + "…";
    }
}
