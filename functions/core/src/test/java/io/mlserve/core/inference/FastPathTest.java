package io.mlserve.core.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.inference.Prediction.Classification;
import io.mlserve.core.inference.Prediction.Regression;
import io.mlserve.core.json.Json;
import io.mlserve.core.json.PredictionJson;
import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.InputSpec;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import io.mlserve.core.serving.PredictionService.PredictResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast paths of the predict request (text → columns, answer → text) agree with the JSON-tree paths they shortcut. */
class FastPathTest {
    private static final ModelManifest NUMERIC = new ModelManifest(1, "num", "1", Task.REGRESSION, "test",
            List.of(new Feature("a", FeatureType.FLOAT, -10.0, 10.0, null, null, null),
                    new Feature("b", FeatureType.DOUBLE, null, null, null, null, null),
                    new Feature("c", FeatureType.FLOAT, null, null, null, null, null)),
            new InputSpec(InputSpec.Layout.TENSOR, "input", FeatureType.FLOAT, null),
            new OutputSpec(null, null, null, "output", null), Map.of(), null, "2026-11-23T00:00:00Z", null, null);

    private final InstanceParser parser = new InstanceParser(5);

    @Test
    void decimals_shouldEqualParseDouble_whenRandomDecimals() {
        var random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            String text = switch (i % 5) {
                case 0 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(30) - 15));
                case 1 -> Float.toString((float) (random.nextGaussian() * Math.pow(10, random.nextInt(20) - 10)));
                case 2 -> String.format("%." + random.nextInt(12) + "f", random.nextGaussian() * 1000);
                case 3 -> Long.toString(random.nextLong() >> random.nextInt(64));
                default -> (random.nextBoolean() ? "-" : "") + random.nextInt(1000) + "." + "0".repeat(random.nextInt(4))
                        + random.nextInt(100_000) + (random.nextBoolean() ? "e" + (random.nextInt(40) - 20) : "");
            };
            assertThat(Decimals.parse(text)).as(text).isEqualTo(Double.parseDouble(text));
        }
    }

    @Test
    void shortest_shouldPrintAsFloatToString_whenWrittenAsDouble() {
        var random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            float f = i % 2 == 0 ? random.nextFloat() : Float.intBitsToFloat(random.nextInt());
            if (!Float.isFinite(f)) {
                continue;
            }
            assertThat(Double.toString(Decimals.shortest(f))).as("%s", f).isEqualTo(Float.toString(f));
            assertThat(Decimals.shortest(f)).isEqualTo(Double.parseDouble(Float.toString(f)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"instances\": [{\"a\": 1.5, \"b\": -2, \"c\": 3e2}, {\"c\": 0.125, \"b\": 1e-7, \"a\": -10}]}",
            "{\"instances\":[{\"a\":0,\"b\":12345678901234567890,\"c\":1.00000000000000000001}]}",
            "  {\"instances\" : [ {\"a\" : 9.999, \"b\" : 0.1, \"c\" : -0.0 } ] }  "})
    void parse_shouldMatchTreePath_whenValid(String body) {
        var fast = parser.parse(body, NUMERIC);
        var tree = parser.parse(Json.parseRequest(body), NUMERIC);
        assertThat(fast.batch().rows()).isEqualTo(tree.batch().rows());
        for (int j = 0; j < 3; j++) {
            assertThat(fast.batch().doubles(j)).containsExactly(tree.batch().doubles(j));
        }
        assertThat(fast.rows()).isEqualTo(tree.rows());
        assertThat(new ArrayList<>(fast.rows().get(0).keySet())).containsExactly("a", "b", "c");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "{", "[]", "{\"instances\": []}", "{\"instances\": [{\"a\": 1, \"b\": 2}]}",
            "{\"instances\": [{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}]}", "{\"instances\": [{\"a\": 11, \"b\": 2, \"c\": 3}]}",
            "{\"instances\": [{\"a\": 1, \"a\": 1, \"b\": 2, \"c\": 3}]}", "{\"instances\": [{\"a\": NaN, \"b\": 2, \"c\": 3}]}",
            "{\"instances\": [{\"a\": \"1\", \"b\": 2, \"c\": 3}]}", "{\"instances\": [{\"a\": 1, \"b\": 2, \"c\": 1e39}]}",
            "{\"instances\": [{\"a\": 1, \"b\": 2, \"c\": 3}], \"x\": 1}", "{\"instances\": [{\"a\": 1, \"b\": 2, \"c\": 3}]} {}",
            "{\"instances\": [{\"a\": 1, \"b\": 2, \"c\": 3}, 5]}", "{\"instances\": [{\"a\": 1, \"b\": 2, \"c\": null}]}",
            "{\"instances\": [{},{},{},{},{},{}]}", "{\"instances\": [{\"a\": 1, \"b\": 2, \"c\": 3}], \"instances\": []}"})
    void parse_shouldFailAsTreePath_whenInvalid(String body) {
        var expected = catchError(() -> parser.parse(Json.parseRequest(body), NUMERIC));
        var actual = catchError(() -> parser.parse(body, NUMERIC));
        assertThat(actual.code()).isEqualTo(expected.code());
        assertThat(actual.getMessage()).isEqualTo(expected.getMessage());
        assertThat(actual.details()).isEqualTo(expected.details());
    }

    @Test
    void parse_shouldAgreeWithTreePath_whenBodiesAreMutatedAtRandom() {
        // GIVEN valid bodies (numbers of every JSON shape, whitespace, any order) and random edits of them
        var random = new Random(2026);
        String[] numbers = {"0", "-0", "1", "-10", "9.999", "0.125", "-0.0", "1e2", "1E-7", "2.5e+3", "123456789012345678",
            "1234567890123456789", "0.1234567890123456789", "1e400", "3.4028235e38", "3.5e38", "00", "01", "1.", ".5", "-", "+1",
            "1e", "1e+", "0x10", "1_0", "NaN", "Infinity", "\"1\"", "true", "null", "1.5.2", "4e-324"};
        String[] edits = {"", " ", ",", ":", "{", "}", "[", "]", "\"", "\\", "a", "b", "0", "-", ".", "e", "\n", "\u0001", "é", "\uD800"};
        int fastAnswers = 0;
        for (int n = 0; n < 30_000; n++) {
            var body = new StringBuilder("{\"instances\":[");
            int rows = 1 + random.nextInt(3);
            for (int r = 0; r < rows; r++) {
                var names = new ArrayList<>(List.of("a", "b", "c"));
                if (random.nextInt(4) == 0) {
                    java.util.Collections.shuffle(names, random);
                }
                body.append(r > 0 ? "," : "").append(random.nextBoolean() ? " {" : "{");
                for (int k = 0; k < names.size(); k++) {
                    var number = random.nextInt(3) == 0 ? numbers[random.nextInt(numbers.length)]
                            : Double.toString(Math.round(random.nextGaussian() * 1e4) / 1e3);
                    body.append(k > 0 ? "," : "").append('"').append(names.get(k)).append("\":")
                            .append(random.nextInt(5) == 0 ? "\t" : "").append(number);
                }
                body.append('}');
            }
            body.append("]}");
            int changes = random.nextInt(3);
            for (int c = 0; c < changes; c++) {
                int at = random.nextInt(body.length());
                switch (random.nextInt(3)) {
                    case 0 -> body.deleteCharAt(at);
                    case 1 -> body.insert(at, edits[random.nextInt(edits.length)]);
                    default -> body.setCharAt(at, edits[1 + random.nextInt(edits.length - 1)].charAt(0));
                }
            }
            var text = body.toString();

            // WHEN both paths read it
            Object tree;
            try {
                tree = parser.parse(Json.parseRequest(text), NUMERIC);
            } catch (InvalidInputException e) {
                tree = e.code() + ": " + e.getMessage() + " " + e.details();
            }
            Object fast;
            try {
                fast = parser.parse(text, NUMERIC);
            } catch (InvalidInputException e) {
                fast = e.code() + ": " + e.getMessage() + " " + e.details();
            }

            // THEN the same values (bit for bit) or the same error
            if (tree instanceof String error) {
                assertThat(fast).as(text).isEqualTo(error);
            } else {
                var t = (InstanceParser.ParsedInstances) tree;
                var f = (InstanceParser.ParsedInstances) fast;
                assertThat(f.batch().rows()).as(text).isEqualTo(t.batch().rows());
                for (int j = 0; j < 3; j++) {
                    assertThat(f.batch().doubles(j)).as(text).containsExactly(t.batch().doubles(j));
                }
                assertThat(f.rows()).as(text).isEqualTo(t.rows());
            }
            if (new FastInstances().tryParse(text, NUMERIC, 5) != null) {
                assertThat(tree).as(text).isInstanceOf(InstanceParser.ParsedInstances.class);
                fastAnswers++;
            }
        }
        assertThat(fastAnswers).isGreaterThan(1_500); // the fast path itself answered many (most valid bodies)
    }

    private static InvalidInputException catchError(Runnable call) {
        try {
            call.run();
        } catch (InvalidInputException e) {
            return e;
        }
        throw new AssertionError("no error");
    }

    @Test
    void predictionJson_shouldEqualJackson_whenAnyAnswer() throws Exception {
        var scores = new float[] {0.1f, 0.7f, 0.2f, 1e-8f, 0.99999994f, 3.4e38f};
        var labels = List.of("c0", "c\"1", "c\n2");
        var byLabel = new LinkedHashMap<String, Double>();
        byLabel.put("x", 0.25);
        byLabel.put("y", 1e-9);
        var targets = new LinkedHashMap<String, Double>();
        targets.put("t1", -3.5);
        targets.put("t2", 12345.678);
        var predictions = List.<Prediction>of(
                new Classification("c\"1", new ScoreRow(labels, scores, 0)),
                new Classification(7L, new ScoreRow(labels, scores, 3)),
                new Classification("x", byLabel), new Classification("only", null),
                new Regression(0.30000001192092896), new Regression(targets), new Regression(-0.0));
        var response = new PredictResponse("m\u0001", "1", "req-\t1", predictions);

        assertThat(PredictionJson.write(response)).isEqualTo(Json.write(response));
        var ids = java.util.stream.IntStream.range(0, predictions.size()).mapToObj(i -> "id-" + i + (i == 2 ? "\"" : "")).toList();
        var withIds = new PredictResponse("m", "1", "r", predictions, ids);
        assertThat(PredictionJson.write(withIds)).isEqualTo(Json.write(withIds)).contains("\"predictionId\":\"id-0\"}");
        assertThat(Json.MAPPER.readTree(PredictionJson.write(withIds)).get("predictions").get(6).get("predictionId").asText())
                .isEqualTo("id-6");
        assertThat(PredictionJson.write(new PredictResponse("m", "1", null, List.of()))).isEqualTo(Json.write(new PredictResponse("m", "1", null, List.of())));
    }
    @Test
    void predictionJson_shouldEqualJackson_whenNonAsciiTextOrEmptyPredictionsOrLazyIds() throws Exception {
        // GIVEN labels beyond ASCII (2-, 3- and 4-byte UTF-8), rows alternating with ASCII labels, empty entries
        var labels = List.of("setosa", "versicolor", "vírginica", "日本", "emoji \uD83D\uDE00");
        var scores = new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
        var asciiLabels = List.of("a", "b");
        var predictions = List.<Prediction>of(new Classification("vírginica", new ScoreRow(labels, scores, 0)),
                new Classification("a", new ScoreRow(asciiLabels, scores, 0)),
                new Classification(null, new ScoreRow(labels, scores, 0)), new Classification(null, null),
                new Regression(null), new Regression(2.5));
        var ref = new io.mlserve.core.model.ModelRef("m\u00e9", "1");
        var at = java.time.Instant.parse("2026-12-04T10:15:30.123456Z");
        var lazy = new io.mlserve.core.store.PredictionIds(ref, 8, at, "req-1", predictions.size());
        var eager = new ArrayList<String>();
        for (int i = 0; i < predictions.size(); i++) {
            eager.add(io.mlserve.core.store.PredictionId.of(new io.mlserve.core.store.PredictionRecord(
                    ref, "req-1", i, at, Map.of(), Map.of(), 1, "api", null), 8).encode());
        }

        // WHEN / THEN the lazy ids are the logged rows' ids, and every answer is Jackson's text
        assertThat(lazy).isEqualTo(eager);
        for (var ids : java.util.Arrays.asList(null, eager, lazy)) {
            for (var model : List.of("m", "m\u00e9")) {
                var response = new PredictResponse(model, "1", "req-1", predictions, ids);
                assertThat(PredictionJson.write(response)).isEqualTo(Json.write(response));
            }
        }
        var ascii = new PredictResponse("m", "1", "req-1", List.<Prediction>of(new Regression(1.0), new Classification(null, null)),
                new io.mlserve.core.store.PredictionIds(ref, 8, at, "req-1", 2));
        assertThat(PredictionJson.write(ascii)).isEqualTo(Json.write(ascii)).contains("{\"predictionId\":\"");
        // only the class labels beyond ASCII, written again from the kept literals
        var onlyLabels = new PredictResponse("m", "1", "req-1", List.<Prediction>of(new Classification("a", new ScoreRow(labels, scores, 0))));
        assertThat(PredictionJson.write(onlyLabels)).isEqualTo(Json.write(onlyLabels));
        assertThat(PredictionJson.write(onlyLabels)).isEqualTo(Json.write(onlyLabels));
        // a lone surrogate: Jackson writes the answer
        var lone = new PredictResponse("m", "1", "req-1", List.<Prediction>of(new Classification("lone \uD800", null)));
        assertThat(PredictionJson.write(lone)).isEqualTo(Json.write(lone));
    }
}
