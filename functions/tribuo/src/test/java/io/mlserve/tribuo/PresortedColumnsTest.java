package io.mlserve.tribuo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The radix sort behind the presorted trees. */
class PresortedColumnsTest {

    @Test
    void sortRows_shouldOrderByValueThenRow_whenValuesSpanSignsMagnitudesAndTies() {
        // GIVEN negatives, zeros, tiny and huge magnitudes, infinities and many ties
        var random = new Random(5);
        double[] column = new double[5000];
        for (int i = 0; i < column.length; i++) {
            column[i] = switch (random.nextInt(6)) {
                case 0 -> random.nextGaussian() * 1e-300;
                case 1 -> random.nextGaussian() * 1e300;
                case 2 -> random.nextInt(7) - 3;
                case 3 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                default -> random.nextGaussian();
            };
        }

        // WHEN sorted
        int[] rows = PresortedColumns.sortRows(column);

        // THEN the order is that of a stable comparison sort on the values
        int[] expected = IntStream.range(0, column.length).boxed()
                .sorted(Comparator.comparingDouble((Integer row) -> column[row]))
                .mapToInt(Integer::intValue).toArray();
        assertThat(rows).containsExactly(expected);
    }

    @Test
    void sortRows_shouldKeepRowOrder_whenAllValuesAreEqual() {
        assertThat(PresortedColumns.sortRows(new double[] {2.5, 2.5, 2.5})).containsExactly(0, 1, 2);
    }
}
