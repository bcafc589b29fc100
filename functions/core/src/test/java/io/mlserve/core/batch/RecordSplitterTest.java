package io.mlserve.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecordSplitterTest {

    /** What one range saw: its records (text, first line) and the lines it owned. */
    record Seen(List<String> records, List<Long> firstLines, long lines) {}

    static Seen split(String file, long start, long end, RecordSplitter.Format format, boolean multiLine) throws IOException {
        var bytes = file.getBytes(StandardCharsets.UTF_8);
        int from = (int) Math.max(0, start - 1);
        var splitter = new RecordSplitter(new ByteArrayInputStream(bytes, from, bytes.length - from), start, end, format, 1 << 20,
                multiLine, 7); // a tiny buffer: records cross buffer refills
        var records = new ArrayList<String>();
        var firstLines = new ArrayList<Long>();
        while (splitter.next()) {
            records.add(new String(splitter.bytes(), 0, splitter.length(), StandardCharsets.UTF_8));
            firstLines.add(splitter.firstLine());
        }
        return new Seen(records, firstLines, splitter.lines());
    }

    /** Splits at every possible cut and checks every record comes out exactly once, in order. */
    static void assertEveryCutOwnsEachRecordOnce(String file, List<String> expected, RecordSplitter.Format format) throws IOException {
        int size = file.getBytes(StandardCharsets.UTF_8).length;
        for (int cut = 0; cut <= size; cut++) {
            var first = split(file, 0, cut, format, false);
            var second = split(file, cut, size, format, false);
            var all = new ArrayList<>(first.records());
            all.addAll(second.records());
            assertThat(all).as("cut at %d", cut).isEqualTo(expected);
            assertThat(first.lines() + second.lines()).as("lines, cut at %d", cut).isEqualTo(file.split("\n", -1).length
                    - (file.endsWith("\n") ? 1 : 0));
        }
    }

    @Test
    void next_shouldGiveEachRecordToExactlyOneRange_whenCutAnywhere() throws IOException {
        assertEveryCutOwnsEachRecordOnce("h1,h2\na,1\nbb,22\nccc,333\n", List.of("h1,h2", "a,1", "bb,22", "ccc,333"), RecordSplitter.Format.CSV);
    }

    @Test
    void next_shouldHandleCrlf_whenCutBetweenCrAndLf() throws IOException {
        assertEveryCutOwnsEachRecordOnce("h\r\nx\r\ny\r\n", List.of("h", "x", "y"), RecordSplitter.Format.CSV);
    }

    @Test
    void next_shouldKeepTheLastRecord_whenTheFileHasNoFinalNewline() throws IOException {
        assertEveryCutOwnsEachRecordOnce("h\nx\ny", List.of("h", "x", "y"), RecordSplitter.Format.JSONL);
    }

    @Test
    void next_shouldGiveARecordStartingExactlyAtEndToTheNextRange() throws IOException {
        var file = "ab\ncd\nef\n"; // "cd" starts at byte 3
        assertThat(split(file, 0, 3, RecordSplitter.Format.CSV, false).records()).containsExactly("ab");
        assertThat(split(file, 3, 9, RecordSplitter.Format.CSV, false).records()).containsExactly("cd", "ef");
        // one byte earlier the range ends inside "ab"'s terminator: still only "ab"
        assertThat(split(file, 0, 2, RecordSplitter.Format.CSV, false).records()).containsExactly("ab");
        // one byte later the first range owns "cd" and reads it past its end
        assertThat(split(file, 0, 4, RecordSplitter.Format.CSV, false).records()).containsExactly("ab", "cd");
        assertThat(split(file, 4, 9, RecordSplitter.Format.CSV, false).records()).containsExactly("ef");
    }

    @Test
    void firstLine_shouldCountBlankLinesAndTheHeader_rangeLocally() throws IOException {
        var file = "h\n\na\nb\n\nc\n";
        var first = split(file, 0, 4, RecordSplitter.Format.CSV, false); // h, blank, a
        var second = split(file, 4, file.length(), RecordSplitter.Format.CSV, false); // b, blank, c
        assertThat(first.records()).containsExactly("h", "", "a");
        assertThat(first.firstLines()).containsExactly(1L, 2L, 3L);
        assertThat(first.lines()).isEqualTo(3);
        assertThat(second.records()).containsExactly("b", "", "c");
        // file line = earlier ranges' lines + range-local line: c is line 3 + 3 = 6
        assertThat(second.firstLines()).containsExactly(1L, 2L, 3L);
        assertThat(first.lines() + second.firstLines().get(2)).isEqualTo(6);
    }

    @Test
    void next_shouldKeepQuotedLineBreaksInOneRecord_whenMultiLineAllowed() throws IOException {
        var file = "h,t\n1,\"two\nlines\"\n2,\"a \"\"q\"\" and, comma\"\n3,x\n";
        var seen = split(file, 0, file.length(), RecordSplitter.Format.CSV, true);
        assertThat(seen.records()).containsExactly("h,t", "1,\"two\nlines\"", "2,\"a \"\"q\"\" and, comma\"", "3,x");
        assertThat(seen.firstLines()).containsExactly(1L, 2L, 4L, 5L);
        assertThat(seen.lines()).isEqualTo(5);
    }

    @Test
    void next_shouldFailWithAClearReason_whenAQuotedLineBreakIsInAMultiRangeJob() {
        var file = "h,t\n1,\"two\nlines\"\n";
        assertThatThrownBy(() -> split(file, 0, file.length(), RecordSplitter.Format.CSV, false))
                .isInstanceOf(BatchInputException.class).hasMessageContaining("line break inside a quoted field");
    }

    @Test
    void next_shouldTreatAMidFieldQuoteAsText() throws IOException {
        var seen = split("a\"b,c\nd\n", 0, 8, RecordSplitter.Format.CSV, false);
        assertThat(seen.records()).containsExactly("a\"b,c", "d");
    }

    @Test
    void next_shouldFlagButNotKeep_whenARecordExceedsTheCap() throws IOException {
        var file = "h\n" + "x".repeat(5000) + "\nok\n";
        var bytes = file.getBytes(StandardCharsets.UTF_8);
        var splitter = new RecordSplitter(new ByteArrayInputStream(bytes), 0, bytes.length, RecordSplitter.Format.CSV, 100, false, 64);
        assertThat(splitter.next()).isTrue();
        assertThat(splitter.next()).isTrue();
        assertThat(splitter.tooLong()).isTrue();
        assertThat(splitter.length()).isEqualTo(100);
        assertThat(splitter.next()).isTrue();
        assertThat(splitter.tooLong()).isFalse();
        assertThat(new String(splitter.bytes(), 0, splitter.length(), StandardCharsets.UTF_8)).isEqualTo("ok");
        assertThat(splitter.firstLine()).isEqualTo(3);
        assertThat(splitter.next()).isFalse();
    }

    @Test
    void next_shouldFlagALoneCarriageReturn() throws IOException {
        var bytes = "a\rb\nc\r\n".getBytes(StandardCharsets.UTF_8);
        var splitter = new RecordSplitter(new ByteArrayInputStream(bytes), 0, bytes.length, RecordSplitter.Format.CSV, 100, false);
        assertThat(splitter.next()).isTrue();
        assertThat(splitter.loneCarriageReturn()).isTrue();
        assertThat(splitter.next()).isTrue();
        assertThat(splitter.loneCarriageReturn()).isFalse();
        assertThat(splitter.length()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 8, 13})
    void next_shouldGiveEveryRecordOnce_whenCutIntoManyRanges(int rangeBytes) throws IOException {
        var file = "h,v\r\n1,a\r\n22,bb\r\n\r\n333,ccc\r\n4,\"d\"\"\"\r\n";
        var expected = List.of("h,v", "1,a", "22,bb", "", "333,ccc", "4,\"d\"\"\"");
        var all = new ArrayList<String>();
        long lines = 0;
        for (var range : ByteRange.plan("j", file.length(), ByteRange.MIN_RANGE_BYTES)) {
            assertThat(range.end()).isEqualTo(file.length());
        }
        for (long start = 0; start < file.length(); start += rangeBytes) {
            var seen = split(file, start, Math.min(file.length(), start + rangeBytes), RecordSplitter.Format.CSV, false);
            all.addAll(seen.records());
            lines += seen.lines();
        }
        assertThat(all).isEqualTo(expected);
        assertThat(lines).isEqualTo(6);
    }
}
