package io.mlserve.core.batch;

import java.util.ArrayList;
import java.util.List;

/**
 * One unit of a batch job: the records whose first byte lies in {@code [start, end)}.
 *
 * @param jobId the job
 * @param index position from 0, in file order
 * @param start first byte offset, inclusive
 * @param end last byte offset, exclusive
 */
public record ByteRange(String jobId, int index, long start, long end) {

    /** Fewest bytes a range may cover (so a tiny setting cannot make millions of ranges). */
    public static final long MIN_RANGE_BYTES = 1024;

    /**
     * Cuts a file into ranges of {@code rangeBytes} (the last one shorter). Cuts fall anywhere; record
     * ownership ({@link RecordSplitter}) makes every record belong to exactly one range.
     *
     * @param jobId the job
     * @param size file size in bytes, &gt; 0
     * @param rangeBytes bytes per range, at least {@link #MIN_RANGE_BYTES}
     * @return the ranges, covering {@code [0, size)} without gaps
     */
    public static List<ByteRange> plan(String jobId, long size, long rangeBytes) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive");
        }
        long step = Math.max(MIN_RANGE_BYTES, rangeBytes);
        var ranges = new ArrayList<ByteRange>((int) Math.min(100_000, (size + step - 1) / step));
        int index = 0;
        for (long start = 0; start < size; start += step) {
            ranges.add(new ByteRange(jobId, index++, start, Math.min(size, start + step)));
        }
        return ranges;
    }

    /** @return the range index as part files and range items write it: 5 digits, zero-padded */
    public String paddedIndex() {
        return pad(index);
    }

    /**
     * @param index a range index
     * @return it zero-padded to 5 digits (more digits when larger)
     */
    public static String pad(int index) {
        var digits = Integer.toString(index);
        return digits.length() >= 5 ? digits : "00000".substring(digits.length()) + digits;
    }
}
