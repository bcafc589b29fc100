package io.mlserve.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainingSpecsTest {
    static final String BUCKET = "data-bucket";

    static final String CHURN = """
            {"data": "s3://data-bucket/training/churn/", "target": "churned",
             "features": [{"name": "tenure", "type": "float"}, {"name": "contract", "type": "string"}],
             "task": "classification",
             "candidates": [{"algorithm": "logistic-regression", "params": {"epochs": 3}}, {"algorithm": "random-forest"}],
             "metric": "macro-F1", "schedule": "rate(1 day)"}
            """;

    private static TrainingSpec parse(String json) {
        return TrainingSpecs.parse(Json.parseRequest(json), BUCKET);
    }

    @SuppressWarnings("unchecked")
    private static List<TrainingSpecs.Problem> problems(String json) {
        try {
            parse(json);
        } catch (MlServeException e) {
            assertThat(e.kind()).isEqualTo(ErrorKind.UNPROCESSABLE);
            assertThat(e.code()).isEqualTo("INVALID_TRAINING_SPEC");
            return (List<TrainingSpecs.Problem>) ((Map<String, Object>) e.details()).get("problems");
        }
        throw new AssertionError("expected INVALID_TRAINING_SPEC for " + json);
    }

    private static List<String> fields(String json) {
        return problems(json).stream().map(TrainingSpecs.Problem::field).toList();
    }

    @Test
    void parse_shouldFillDefaults_whenOptionalPartsLeftOut() {
        var spec = parse(CHURN);

        assertThat(spec.task()).isEqualTo(Task.CLASSIFICATION);
        assertThat(spec.metric()).isEqualTo(Metric.MACRO_F1);
        assertThat(spec.split()).isEqualTo(new TrainingSpec.Split(0.2, 7));
        assertThat(spec.promotion()).isEqualTo(new TrainingSpec.Promotion(TrainingSpec.PromotionPolicy.IF_BETTER, 0));
        assertThat(spec.features()).extracting(f -> f.type()).containsExactly(FeatureType.FLOAT, FeatureType.STRING);
        var lr = spec.candidates().get(0);
        assertThat(lr.algorithm()).isEqualTo(Algorithm.LOGISTIC_REGRESSION);
        assertThat(lr.params()).containsEntry("epochs", 3).containsEntry("learningRate", 1.0).containsEntry("seed", 12345L);
        var rf = spec.candidates().get(1);
        assertThat(rf.params()).containsOnlyKeys("trees", "maxDepth", "minChildWeight", "fractionFeaturesInSplit", "seed");
        assertThat(spec.schedule()).isEqualTo("rate(1 day)");
    }

    @Test
    void toJson_shouldRoundTrip_throughParse() {
        var spec = parse(CHURN);

        var json = TrainingSpecs.toJson(spec);
        var again = TrainingSpecs.parse(json, BUCKET);

        assertThat(again).isEqualTo(spec);
        assertThat(json.get("promotion").get("margin").asDouble()).isZero();
        assertThat(json.get("candidates").get(1).get("params").get("trees").asInt()).isEqualTo(50);
    }

    @Test
    void parse_shouldAcceptGetResponse_withReadOnlyFields() {
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) TrainingSpecs.toJson(parse(CHURN));
        json.put("updatedAt", "2026-11-24T00:00:00Z").put("updatedBy", "admin");

        assertThat(TrainingSpecs.parse(json, BUCKET).target()).isEqualTo("churned");
    }

    @Test
    void parse_shouldFillTaskDefault_forLiblinearSolver() {
        var spec = parse("""
                {"data": "s3://data-bucket/p/", "target": "y", "features": [{"name": "x", "type": "double"}],
                 "task": "regression", "candidates": [{"algorithm": "liblinear"}], "metric": "R²",
                 "promotion": {"policy": "always"}}
                """);

        assertThat(spec.candidates().get(0).params()).containsEntry("type", "l2r-l2loss-svr");
        assertThat(spec.metric()).isEqualTo(Metric.R2);
        assertThat(spec.promotion().policy()).isEqualTo(TrainingSpec.PromotionPolicy.ALWAYS);
        assertThat(spec.schedule()).isNull();
    }

    @Test
    void parse_shouldNameEveryProblem_whenSpecIsBroken() {
        // GIVEN a spec with one mistake in each part
        var json = """
                {"data": "s3://other-bucket/p/", "target": "x",
                 "features": [{"name": "x", "type": "float"}, {"name": "x", "type": "text"}, {"name": "bad name", "type": "int64"}],
                 "task": "regression",
                 "candidates": [{"algorithm": "logistic-regression"}, {"algorithm": "cart", "params": {"maxDepth": 0, "depth": 3}},
                                {"algorithm": "nope"}, {"algorithm": "liblinear", "params": {"type": "l2r-lr"}},
                                {"algorithm": "libsvm", "params": {"kernel": "cubic", "degree": 2.5}}],
                 "metric": "accuracy", "split": {"testFraction": 1.0, "seed": -1},
                 "promotion": {"policy": "never", "margin": 0.1}, "schedule": "rate(1 days)", "extra": 1}
                """;

        // WHEN / THEN every problem is named by its path
        assertThat(fields(json)).containsExactlyInAnyOrder(
                "extra", "data", "features[1].name", "features[1].type", "features[2].name", "target",
                "candidates[0].algorithm", "candidates[1].params.depth", "candidates[1].params.maxDepth",
                "candidates[2].algorithm", "candidates[3].params.type", "candidates[4].params.kernel",
                "candidates[4].params.degree", "metric", "split.testFraction", "split.seed", "promotion.margin", "schedule");
    }

    @Test
    void parse_shouldRequireFields_whenMissing() {
        assertThat(fields("{}")).containsExactlyInAnyOrder("data", "features", "target", "task", "candidates", "metric");
    }

    @Test
    void parse_shouldRefuseTooManyCandidates() {
        var many = "{\"algorithm\": \"cart\"}, ".repeat(9);
        var json = CHURN.replace("{\"algorithm\": \"logistic-regression\", \"params\": {\"epochs\": 3}}, ", many);

        assertThat(fields(json)).containsExactly("candidates");
    }

    @Test
    void parse_shouldRefuse_whenBodyIsNotAnObject() {
        assertThatThrownBy(() -> parse("[1]")).isInstanceOf(InvalidInputException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://data-bucket/", "s3://data-bucket/p", "s3://data-bucket//p/", "data-bucket/p/"})
    void parse_shouldRefuseData_whenNotAFolderOfTheBucket(String data) {
        assertThat(fields(CHURN.replace("s3://data-bucket/training/churn/", data))).containsExactly("data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate(1 minute)", "rate(5 minutes)", "rate(2 hours)", "rate(1 day)", "cron(0 3 * * ? *)",
            "cron(0/15 8-17 ? * MON-FRI *)"})
    void scheduleProblem_shouldAccept_whenAwsWouldAccept(String schedule) {
        assertThat(TrainingSpecs.scheduleProblem(schedule)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate(0 days)", "rate(1 days)", "rate(2 day)", "rate(1 week)", "rate(1  day)", "cron(0 3 * * ?)",
            "cron(0 3 * * ? * *)", "every day", "cron(0 3 * * ; *)"})
    void scheduleProblem_shouldRefuse_whenAwsWouldRefuse(String schedule) {
        assertThat(TrainingSpecs.scheduleProblem(schedule)).isNotNull();
    }

    @Test
    void algorithmParams_shouldHaveDefaultsInsideTheirRanges() {
        for (var algorithm : Algorithm.values()) {
            for (var p : algorithm.params()) {
                for (var task : algorithm.tasks()) {
                    Object d = AlgorithmParams.defaultFor(algorithm, task, p);
                    assertThat(d).as(algorithm + "." + p.name()).isNotNull();
                    if (d instanceof Number n) {
                        assertThat(n.doubleValue()).as(algorithm + "." + p.name()).isBetween(p.min(), p.max());
                    } else {
                        assertThat(p.values()).as(algorithm + "." + p.name()).contains((String) d);
                    }
                    assertThat(AlgorithmParams.taskProblem(algorithm, task, p.name(), d)).isNull();
                }
            }
        }
    }
}
