package io.mlserve.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.ErrorKind;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DriftConfigTest {
    static final List<String> FEATURES = List.of("age", "income", "plan");

    static JsonNode json(String text) {
        return Json.parseRequest(text.replace('\'', '"'));
    }

    @SuppressWarnings("unchecked")
    static List<String> problems(String body) {
        var e = catchThrowableOfType(MlServeException.class, () -> DriftConfig.parse(json(body), FEATURES));
        assertThat(e).as("refused: %s", body).isNotNull();
        assertThat(e.kind()).isEqualTo(ErrorKind.UNPROCESSABLE);
        assertThat(e.code()).isEqualTo("INVALID_DRIFT_CONFIG");
        return (List<String>) ((Map<String, Object>) e.details()).get("problems");
    }

    @Test
    void parse_shouldFillDefaults_whenBodyIsEmpty() {
        var config = DriftConfig.parse(json("{}"), FEATURES);

        assertThat(config).isEqualTo(DriftConfig.defaults());
        assertThat(config.schedule()).isEqualTo("rate(1 hour)");
        assertThat(config.window()).isEqualTo(new DriftConfig.Window(24, 10_000));
        assertThat(config.minSamples()).isEqualTo(500);
        assertThat(config.thresholds()).isEqualTo(new DriftConfig.Thresholds(0.2, 0.1, 0.1, 0.01, Map.of()));
        assertThat(config.retrain()).isFalse();
        assertThat(config.cooldownMinutes()).isEqualTo(360);
        assertThat(DriftConfig.parse(null, FEATURES)).isEqualTo(DriftConfig.defaults());
    }

    @Test
    void parse_shouldReadEveryField_andRoundTripThroughToJson() {
        var body = json("""
                {'schedule': 'cron(0 6 * * ? *)', 'window': {'hours': 6}, 'minSamples': 200,
                 'thresholds': {'psi': 0.25, 'ks': 0.15, 'chi2': 0.2, 'pValue': 0.001,
                                'features': {'age': {'ks': 0.3}, 'plan': {'chi2': 0.05, 'pValue': 0.05}}},
                 'retrain': true, 'cooldownMinutes': 0}""");

        var config = DriftConfig.parse(body, FEATURES);

        assertThat(config.schedule()).isEqualTo("cron(0 6 * * ? *)");
        assertThat(config.window()).isEqualTo(new DriftConfig.Window(6, null));
        assertThat(config.retrain()).isTrue();
        assertThat(config.cooldownMinutes()).isZero();
        assertThat(config.thresholdsFor("age")).isEqualTo(new DriftConfig.FeatureThresholds(0.25, 0.3, 0.2, 0.001));
        assertThat(config.thresholdsFor("plan")).isEqualTo(new DriftConfig.FeatureThresholds(0.25, 0.15, 0.05, 0.05));
        assertThat(config.thresholdsFor("income")).isEqualTo(new DriftConfig.FeatureThresholds(0.25, 0.15, 0.2, 0.001));
        assertThat(DriftConfig.parse(config.toJson(), FEATURES)).isEqualTo(config);
        assertThat(config.toJson().get("window").has("lastRows")).isFalse();
        assertThat(DriftConfig.defaults().toJson().toString()).isEqualTo(
                "{\"schedule\":\"rate(1 hour)\",\"window\":{\"hours\":24,\"lastRows\":10000},\"minSamples\":500,"
                        + "\"thresholds\":{\"psi\":0.2,\"ks\":0.1,\"chi2\":0.1,\"pValue\":0.01,\"features\":{}},"
                        + "\"retrain\":false,\"cooldownMinutes\":360}");
    }

    @Test
    void parse_shouldListEveryProblem_eachWithItsFieldPath() {
        var problems = problems("""
                {'schedule': 'every hour', 'window': {'hours': 0, 'days': 2}, 'minSamples': 5,
                 'thresholds': {'psi': -0.1, 'ks': 1.5, 'chi2': 'high', 'pValue': 1,
                                'features': {'height': {'ks': 0.2}, 'age': {'ks': -1, 'mean': 2}}},
                 'retrain': 'yes', 'cooldownMinutes': 30.5, 'alerts': true}""");

        assertThat(problems).containsExactlyInAnyOrder(
                "alerts: unknown field (expected cooldownMinutes, minSamples, retrain, schedule, thresholds, window)",
                "schedule: must be rate(<n> <minutes|hours|days>) or cron(<6 fields>), not \"every hour\"",
                "window.days: unknown field (expected hours, lastRows)",
                "window.hours: must be an integer from 1 to 720",
                "minSamples: must be an integer from 10 to 1000000",
                "thresholds.psi: must be a number above 0",
                "thresholds.ks: must be a number above 0, at most 1",
                "thresholds.chi2: must be a number above 0, at most 1",
                "thresholds.pValue: must be a number between 0 and 1 (exclusive)",
                "thresholds.features.height: unknown feature (the model's features: age, income, plan)",
                "thresholds.features.age.mean: unknown field (expected chi2, ks, pValue, psi)",
                "thresholds.features.age.ks: must be a number above 0, at most 1",
                "retrain: must be true or false",
                "cooldownMinutes: must be an integer from 0 to 525600");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate(1 hour)", "rate(5 minutes)", "rate(2 days)", "cron(0 * * * ? *)", "cron(15 10 ? * MON-FRI *)"})
    void parse_shouldAcceptSchedule(String schedule) {
        assertThat(DriftConfig.parse(json("{'schedule': '" + schedule + "'}"), FEATURES).schedule()).isEqualTo(schedule);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate(0 hours)", "rate(2 hour)", "rate(1 hours)", "rate(1 week)", "cron(0 * * * ?)", "at(2026-01-01T00:00:00)", ""})
    void parse_shouldRefuseSchedule(String schedule) {
        assertThat(problems("{'schedule': '" + schedule + "'}")).singleElement().asString().startsWith("schedule: ");
    }

    @Test
    void parse_shouldRefuseMinSamplesAboveLastRows() {
        assertThat(problems("{'window': {'lastRows': 300}}"))
                .containsExactly("minSamples: 500 is more than window.lastRows (300): every check would find too few rows");
        assertThat(DriftConfig.parse(json("{'window': {'lastRows': 300}, 'minSamples': 300}"), FEATURES).minSamples()).isEqualTo(300);
    }

    @Test
    void parse_shouldRefuseEmptyWindowAndWrongShapes() {
        assertThat(problems("{'window': {}}")).containsExactly("window: needs hours and/or lastRows");
        assertThat(problems("{'window': 24}")).containsExactly("window: must be an object with hours and/or lastRows");
        assertThat(problems("{'thresholds': [0.2]}")).containsExactly("thresholds: must be an object");
        assertThat(problems("{'thresholds': {'features': {'age': 0.2}}}"))
                .containsExactly("thresholds.features.age: must be an object with psi, ks, chi2 and/or pValue");
        assertThat(problems("[]")).containsExactly("(body): must be a JSON object");
        assertThat(problems("{'window': {'hours': '24'}}")).containsExactly("window.hours: must be an integer from 1 to 720");
    }
}
