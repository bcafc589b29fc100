package io.mlserve.core.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlserve.core.inference.RowProblem;
import io.mlserve.core.jobs.RangeResult;
import io.mlserve.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rejected rows as error lines, {@code {"line": n, "problems": [{"feature"?, "reason", "message"}]}}, and
 * the step that makes their line numbers global.
 *
 * <p>A range writes range-local numbers ({@link RecordSplitter#firstLine()}: its first owned line is 1).
 * Ranges own whole lines in file order with no gap and no overlap, and each reports how many it owned
 * ({@link RangeResult#lines()}, header and blank lines included), so the file line of a range-local line
 * {@code n} of range {@code i} is {@code n + sum(lines of ranges 0..i-1)}.
 */
public final class ErrorLines {
    private ErrorLines() {}

    /**
     * @param ranges every range's result, by index from 0 without gaps
     * @return for each range, the lines owned by all earlier ranges
     */
    public static long[] offsets(List<RangeResult> ranges) {
        var offsets = new long[ranges.size()];
        long sum = 0;
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i).index() != i) {
                throw new IllegalArgumentException("range " + i + " is missing");
            }
            offsets[i] = sum;
            sum += ranges.get(i).lines();
        }
        return offsets;
    }

    /**
     * @param line range-local (or global) line number
     * @param problems why the row was refused
     * @return the error line's JSON, without a line terminator
     */
    public static String line(long line, List<RowProblem> problems) {
        var out = new LinkedHashMap<String, Object>();
        out.put("line", line);
        out.put("problems", problems.stream().map(ErrorLines::problem).toList());
        return Json.write(out);
    }

    private static Map<String, Object> problem(RowProblem p) {
        var out = new LinkedHashMap<String, Object>();
        if (p.feature() != null) {
            out.put("feature", p.feature());
        }
        out.put("reason", p.reason());
        out.put("message", p.message());
        return out;
    }

    /**
     * Copies a range's error lines, adding {@code offset} to each line number.
     *
     * @param in the range's error file
     * @param out the final error file
     * @param offset lines owned by earlier ranges
     * @return error lines copied
     * @throws IOException when reading or writing fails, or a line is not an error line
     */
    public static long renumber(BufferedReader in, Writer out, long offset) throws IOException {
        long count = 0;
        for (String text = in.readLine(); text != null; text = in.readLine()) {
            if (text.isEmpty()) {
                continue;
            }
            var node = Json.MAPPER.readTree(text);
            if (!(node instanceof ObjectNode object) || !node.path("line").canConvertToLong()) {
                throw new IOException("not an error line: " + text.substring(0, Math.min(80, text.length())));
            }
            object.put("line", object.get("line").longValue() + offset);
            out.write(Json.MAPPER.writeValueAsString(object));
            out.write('\n');
            count++;
        }
        return count;
    }
}
