package io.mlserve.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.inference.RowProblem;
import io.mlserve.core.jobs.RangeResult;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorLinesTest {

    private static RangeResult range(int index, long lines) {
        return new RangeResult(index, 0, 0, 0, lines, "s3://b/o", null);
    }

    @Test
    void offsets_shouldBePrefixSumsOfEarlierRangesLines() {
        assertThat(ErrorLines.offsets(List.of(range(0, 4), range(1, 0), range(2, 7), range(3, 1)))).containsExactly(0, 4, 4, 11);
    }

    @Test
    void offsets_shouldRefuse_whenARangeIsMissing() {
        assertThatThrownBy(() -> ErrorLines.offsets(List.of(range(0, 4), range(2, 7)))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void renumber_shouldAddTheOffsetToEveryLine_andKeepTheProblems() throws Exception {
        var local = ErrorLines.line(2, List.of(new RowProblem("x", "WRONG_TYPE", "expected a number, got text 'a'"))) + "\n"
                + ErrorLines.line(5, List.of(new RowProblem(null, "TOO_LONG", "too long"))) + "\n";
        var out = new StringWriter();

        long copied = ErrorLines.renumber(new BufferedReader(new StringReader(local)), out, 100);

        assertThat(copied).isEqualTo(2);
        assertThat(out.toString()).isEqualTo(
                "{\"line\":102,\"problems\":[{\"feature\":\"x\",\"reason\":\"WRONG_TYPE\",\"message\":\"expected a number, got text 'a'\"}]}\n"
                        + "{\"line\":105,\"problems\":[{\"reason\":\"TOO_LONG\",\"message\":\"too long\"}]}\n");
    }
}
