package io.mlserve.core.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.model.Task;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/training.md's hyper-parameter tables are {@link AlgorithmParams} rendered: a parameter added, renamed or
 * re-ranged in code fails this test until the page says the same (the rendering is in target/ to copy from).
 */
class TrainingDocTest {
    private static final Path DOC = Path.of("../../docs/training.md");
    private static final String BEGIN = "<!-- algorithm-params: generated from AlgorithmParams by TrainingDocTest -->\n";
    private static final String END = "<!-- /algorithm-params -->";

    static String render() {
        var out = new StringBuilder();
        for (var algorithm : Algorithm.values()) {
            var tasks = Arrays.stream(Task.values()).filter(algorithm.tasks()::contains).map(t -> t.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
            out.append("\n#### `").append(algorithm.specName()).append("` (").append(tasks).append(")\n\n");
            out.append("| parameter | type | default | allowed | what it does |\n|---|---|---|---|---|\n");
            for (var p : algorithm.params()) {
                var defaults = algorithm.tasks().stream().sorted().map(t -> AlgorithmParams.defaultFor(algorithm, t, p)).distinct()
                        .map(TrainingDocTest::value).collect(Collectors.joining(" / "));
                var allowed = p.values() != null ? p.values().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "))
                        : number(p.min()) + " – " + number(p.max());
                out.append("| `").append(p.name()).append("` | ").append(p.type()).append(" | ").append(defaults).append(" | ")
                        .append(allowed).append(" | ").append(p.description()).append(" |\n");
            }
        }
        return out.toString();
    }

    private static String value(Object value) {
        return value instanceof Number n ? "`" + number(n.doubleValue()) + "`" : "`" + value + "`";
    }

    private static String number(Double value) {
        if (value == null) {
            return "";
        }
        if (value == AlgorithmParams.MAX_SEED) {
            return "2^53";
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    @Test
    void trainingDoc_shouldListEveryAlgorithmsParameters_asTheCodeChecksThem() throws IOException {
        var expected = render();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/training-params.md"), BEGIN + expected + END + "\n");
        var doc = Files.readString(DOC);
        assertThat(doc).contains(BEGIN).contains(END);
        var generated = doc.substring(doc.indexOf(BEGIN) + BEGIN.length(), doc.indexOf(END));
        assertThat(generated).as("docs/training.md differs from AlgorithmParams; copy functions/core/target/training-params.md")
                .isEqualTo(expected);
    }
}
