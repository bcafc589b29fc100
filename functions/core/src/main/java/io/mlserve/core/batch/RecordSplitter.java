package io.mlserve.core.batch;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts the bytes of one {@link ByteRange} into the records it owns, streaming, with bounded memory.
 *
 * <p><b>Ownership.</b> A record belongs to the range where its first byte falls. The caller opens the
 * object at {@code max(0, start - 1)} and reads to the end of the file; the splitter
 * <ul>
 *   <li>for {@code start > 0}: looks at byte {@code start - 1}. A {@code \n} there means a record starts
 *       exactly at {@code start} (it is ours); anything else means the range begins inside a record the
 *       previous range owns, so everything through the next {@code \n} is skipped;</li>
 *   <li>hands out records while the next record starts before {@code end}, reading the last one to its
 *       terminator even when that lies beyond {@code end}, then stops (nothing after it is read).</li>
 * </ul>
 * Lines end with {@code \n} or {@code \r\n}; the terminator is not part of a record's bytes (nor is
 * a final {@code \r} at the end of the file).
 *
 * <p><b>CSV quoting</b> (RFC 4180, as FastCSV reads it): a {@code "} opens a quoted field only at the
 * start of a field; inside, {@code ""} is a quote and a lone {@code "} closes it. A {@code \n} inside
 * quotes belongs to the record, which then spans several lines. Such records are allowed only when
 * {@code multiLineAllowed} (single-range jobs): a range cut may fall inside quotes, where no byte-level
 * rule can tell a quoted line break from a record end, so a multi-range job fails with a clear reason
 * instead of guessing. The skip at the start of a range is quote-blind for the same reason.
 *
 * <p><b>Line numbers.</b> {@link #firstLine()} is range-local: the range's first owned line is line 1
 * (in range 0 that is the header), and each record advances it by the physical lines it spans, blank
 * lines included. {@link #lines()} is the total the range owned, so file line = the sum of
 * {@link #lines()} of earlier ranges + {@link #firstLine()} (see {@link ErrorLines}).
 *
 * <p><b>Bounds.</b> A record longer than {@code maxRecordBytes} is read to its end but not kept:
 * {@link #tooLong()} is set and the caller rejects it. N.B. not thread-safe.
 */
public final class RecordSplitter {
    /** How quotes affect record ends. */
    public enum Format {
        /** RFC 4180: line breaks inside quoted fields do not end a record. */
        CSV,
        /** One record per line; quotes mean nothing here. */
        JSONL
    }

    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_SEEN = 3;

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    private long bufBase; // file offset of buf[0]
    private final long end;
    private final boolean csv;
    private final int maxRecordBytes;
    private final boolean multiLineAllowed;
    private boolean done;

    private byte[] record = new byte[4096];
    private int length;
    private boolean tooLong;
    private boolean loneCr;
    private long recordStart;
    private long firstLine;
    private int lineCount;
    private long lines;

    /**
     * @param in the object's bytes from {@code max(0, start - 1)} to its end
     * @param start the range's first byte
     * @param end the range's end, exclusive
     * @param format CSV or JSONL
     * @param maxRecordBytes longest record kept
     * @param multiLineAllowed whether a quoted field may span lines (single-range jobs only)
     * @param bufferBytes read buffer size
     * @throws IOException when the stream fails
     */
    public RecordSplitter(InputStream in, long start, long end, Format format, int maxRecordBytes, boolean multiLineAllowed,
            int bufferBytes) throws IOException {
        this.in = in;
        this.buf = new byte[bufferBytes];
        this.end = end;
        this.csv = format == Format.CSV;
        this.maxRecordBytes = maxRecordBytes;
        this.multiLineAllowed = multiLineAllowed;
        this.bufBase = Math.max(0, start - 1);
        if (start > 0) {
            skipPartialRecord();
        }
    }

    /** With a 256 KiB read buffer. */
    public RecordSplitter(InputStream in, long start, long end, Format format, int maxRecordBytes, boolean multiLineAllowed)
            throws IOException {
        this(in, start, end, format, maxRecordBytes, multiLineAllowed, 256 * 1024);
    }

    private void skipPartialRecord() throws IOException {
        if (!fill()) {
            done = true;
            return;
        }
        if (buf[pos] == '\n') { // a record starts exactly at start
            pos++;
            return;
        }
        while (true) {
            if (!fill()) {
                done = true;
                return;
            }
            byte b = buf[pos++];
            if (b == '\n') {
                return;
            }
        }
    }

    /**
     * Moves to the next owned record.
     *
     * @return false when the range has no more records (nothing more is read)
     * @throws IOException when the stream fails
     * @throws BatchInputException when a quoted field spans lines and {@code multiLineAllowed} is false
     */
    public boolean next() throws IOException {
        if (done || !fill() || bufBase + pos >= end) {
            done = true;
            return false;
        }
        recordStart = bufBase + pos;
        firstLine = lines + 1;
        lineCount = 1;
        length = 0;
        tooLong = false;
        loneCr = false;
        int state = FIELD_START;
        boolean prevCr = false;
        while (true) {
            if (pos == limit && !fill()) {
                if (prevCr) {
                    dropLastCr(); // "\r" at the end of the file ends the line
                }
                break;
            }
            byte b = buf[pos++];
            if (b == '\n') {
                if (state == QUOTED) {
                    if (!multiLineAllowed) {
                        throw new BatchInputException("the record starting at byte " + recordStart + " has a line break inside a quoted "
                                + "field; such records are supported only when the whole file is one range: resubmit with "
                                + "rangeBytes larger than the file, or remove the line breaks inside quotes");
                    }
                    lineCount++;
                    prevCr = false;
                    append(b);
                    continue;
                }
                if (prevCr) {
                    dropLastCr();
                }
                break;
            }
            if (prevCr) {
                loneCr = true; // a CR that ends no line: FastCSV would cut the record there, so it is refused instead
            }
            prevCr = b == '\r';
            if (csv) {
                state = switch (state) {
                    case FIELD_START -> b == '"' ? QUOTED : b == ',' ? FIELD_START : UNQUOTED;
                    case UNQUOTED -> b == ',' ? FIELD_START : UNQUOTED;
                    case QUOTED -> b == '"' ? QUOTE_SEEN : QUOTED;
                    default -> b == '"' ? QUOTED : b == ',' ? FIELD_START : UNQUOTED; // QUOTE_SEEN: "" or the quote closed
                };
            }
            append(b);
        }
        lines += lineCount;
        return true;
    }

    private void append(byte b) {
        if (length == maxRecordBytes) {
            tooLong = true;
            return;
        }
        if (length == record.length) {
            record = Arrays.copyOf(record, (int) Math.min(maxRecordBytes, (long) record.length * 2));
        }
        record[length++] = b;
    }

    private void dropLastCr() {
        if (!tooLong && length > 0 && record[length - 1] == '\r') {
            length--;
        }
    }

    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        bufBase += limit;
        pos = 0;
        limit = n;
        return true;
    }

    /** @return the current record's bytes (valid up to {@link #length()}; reused by the next call) */
    public byte[] bytes() {
        return record;
    }

    /** @return the current record's length in bytes, without its line terminator */
    public int length() {
        return length;
    }

    /** @return true when the current record exceeded the byte cap (its bytes are incomplete) */
    public boolean tooLong() {
        return tooLong;
    }

    /** @return true when the current record holds a carriage return that ends no line */
    public boolean loneCarriageReturn() {
        return loneCr;
    }

    /** @return true when the current record is an empty line (not a row) */
    public boolean blank() {
        return length == 0 && !tooLong && !loneCr;
    }

    /** @return the current record's first byte offset in the file */
    public long recordStart() {
        return recordStart;
    }

    /** @return the current record's first line, range-local, from 1 */
    public long firstLine() {
        return firstLine;
    }

    /** @return physical lines the current record spans */
    public int lineCount() {
        return lineCount;
    }

    /** @return physical lines owned so far (all of them once {@link #next()} returned false) */
    public long lines() {
        return lines;
    }
}
