package io.mlserve.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.json.Json;
import io.mlserve.core.testing.Manifests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstanceParserTest {
    private final InstanceParser parser = new InstanceParser(3);
    private final String good = "{\"amount\": 12.5, \"ratio\": 0.25, \"count\": 3, \"plan\": \"pro\"}";

    @Test
    void parse_shouldBuildTypedColumns_whenInstancesValid() {
        var parsed = parser.parse(Json.parseRequest("{\"instances\": [" + good + ", " + good.replace("pro", "basic") + "]}"),
                Manifests.mixed(null));

        assertThat(parsed.batch().rows()).isEqualTo(2);
        assertThat(parsed.batch().doubles(0)).containsExactly(12.5, 12.5);
        assertThat(parsed.batch().longs(2)).containsExactly(3L, 3L);
        assertThat(parsed.batch().strings(3)).containsExactly("pro", "basic");
        assertThat(parsed.rows().get(1)).containsEntry("plan", "basic").containsEntry("count", 3L);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "missing feature   | {\"amount\": 1, \"ratio\": 0.1, \"count\": 1}                                   | MISSING_FEATURE",
        "unknown feature   | {\"amount\": 1, \"ratio\": 0.1, \"count\": 1, \"plan\": \"pro\", \"extra\": 1}  | UNKNOWN_FEATURE",
        "string for number | {\"amount\": \"1\", \"ratio\": 0.1, \"count\": 1, \"plan\": \"pro\"}            | WRONG_TYPE",
        "fraction for int  | {\"amount\": 1, \"ratio\": 0.1, \"count\": 1.5, \"plan\": \"pro\"}              | WRONG_TYPE",
        "number for string | {\"amount\": 1, \"ratio\": 0.1, \"count\": 1, \"plan\": 7}                      | WRONG_TYPE",
        "NaN               | {\"amount\": NaN, \"ratio\": 0.1, \"count\": 1, \"plan\": \"pro\"}              | NOT_FINITE",
        "Infinity          | {\"amount\": 1, \"ratio\": Infinity, \"count\": 1, \"plan\": \"pro\"}           | NOT_FINITE",
        "overflow float    | {\"amount\": 1, \"ratio\": 1e999, \"count\": 1, \"plan\": \"pro\"}              | NOT_FINITE",
        "above max         | {\"amount\": 100.5, \"ratio\": 0.1, \"count\": 1, \"plan\": \"pro\"}            | OUT_OF_RANGE",
        "below min         | {\"amount\": 1, \"ratio\": 0.1, \"count\": -1, \"plan\": \"pro\"}               | OUT_OF_RANGE",
        "not allowed value | {\"amount\": 1, \"ratio\": 0.1, \"count\": 1, \"plan\": \"gold\"}              | NOT_ALLOWED",
        "null value        | {\"amount\": null, \"ratio\": 0.1, \"count\": 1, \"plan\": \"pro\"}             | MISSING_FEATURE",
        "not an object     | [1, 2, 3, 4]                                                                    | NOT_AN_OBJECT",
    })
    void parse_shouldReport400WithReason_whenInstanceInvalid(String caseName, String instance, String reason) {
        assertThatThrownBy(() -> parser.parse(Json.parseRequest("{\"instances\": [" + good + ", " + instance + "]}"),
                        Manifests.mixed(null)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.kind()).isEqualTo(io.mlserve.core.error.ErrorKind.INVALID_INPUT);
                    assertThat(e.code()).isEqualTo("INVALID_INSTANCES");
                    @SuppressWarnings("unchecked")
                    var problems = (List<Map<String, Object>>) ((Map<String, Object>) e.details()).get("problems");
                    assertThat(problems).extracting(p -> p.get("reason")).contains(reason);
                    assertThat(problems).allSatisfy(p -> assertThat(p.get("instance")).isEqualTo(1));
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty            | {\"instances\": []}                 | EMPTY_INSTANCES",
        "too many         | {\"instances\": [{}, {}, {}, {}]}   | TOO_MANY_INSTANCES",
        "no instances     | {\"rows\": []}                      | INVALID_REQUEST",
        "not an array     | {\"instances\": {}}                 | INVALID_REQUEST",
        "array body       | [1]                                 | INVALID_REQUEST",
    })
    void parse_shouldReject_whenBodyShapeWrong(String caseName, String body, String code) {
        assertThatThrownBy(() -> parser.parse(Json.parseRequest(body), Manifests.mixed(null)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void parseRequest_shouldReportMalformedJson_whenBodyIsNotJson() {
        assertThatThrownBy(() -> Json.parseRequest("{\"instances\": [")).isInstanceOfSatisfying(
                InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("MALFORMED_JSON"));
        assertThatThrownBy(() -> Json.parseRequest("")).isInstanceOfSatisfying(
                InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("MALFORMED_JSON"));
    }

    @Test
    void parse_shouldAcceptIntegralFloat_whenFeatureIsInt64() {
        var parsed = parser.parse(Json.parseRequest("{\"instances\": [" + good.replace("\"count\": 3", "\"count\": 4.0") + "]}"),
                Manifests.mixed(null));

        assertThat(parsed.batch().longs(2)).containsExactly(4L);
    }
}
