package io.mlserve.core.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityConfigTest {

    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void parse_shouldFillDefaults_whenBodyEmpty() throws Exception {
        var config = QualityConfig.parse(json("{}"), Task.CLASSIFICATION);

        assertThat(config).isEqualTo(QualityConfig.defaults());
        assertThat(config.toJson().toString())
                .isEqualTo("{\"schedule\":\"rate(1 hour)\",\"window\":{\"hours\":24},\"minLabelled\":100,\"floors\":{},"
                        + "\"retrain\":false,\"cooldownMinutes\":360}");
    }

    @Test
    void parse_shouldReadBackItsOwnJson_whenEveryFieldSet() throws Exception {
        var config = QualityConfig.parse(json("{\"schedule\": \"rate(15 minutes)\", \"window\": {\"hours\": 6}, \"minLabelled\": 50,"
                + " \"floors\": {\"minAccuracy\": 0.8, \"minMacroF1\": 0.7, \"maxLogLoss\": 0.6}, \"retrain\": true, \"cooldownMinutes\": 0}"),
                Task.CLASSIFICATION);

        assertThat(QualityConfig.parse(config.toJson(), Task.CLASSIFICATION)).isEqualTo(config);
        assertThat(config.floors().minAccuracy()).isEqualTo(0.8);
        assertThat(config.window().hours()).isEqualTo(6);
    }

    @Test
    void parse_shouldNameEveryProblem_whenManyFieldsAreWrong() throws Exception {
        assertThatThrownBy(() -> QualityConfig.parse(json("{\"schedule\": \"rate(2 hour)\", \"window\": {\"hours\": 0, \"lastRows\": 5},"
                + " \"minLabelled\": 0, \"floors\": {\"minAccuracy\": 1.5, \"maxMape\": 0.1, \"speed\": 1}, \"retrain\": \"yes\","
                + " \"cooldownMinutes\": -1, \"extra\": 1}"), Task.CLASSIFICATION))
                .isInstanceOfSatisfying(MlServeException.class, e -> {
                    assertThat(e.code()).isEqualTo(QualityConfig.INVALID);
                    @SuppressWarnings("unchecked")
                    var problems = (List<String>) ((Map<String, Object>) e.details()).get("problems");
                    assertThat(problems).anyMatch(p -> p.startsWith("schedule:"))
                            .anyMatch(p -> p.startsWith("window.hours:"))
                            .anyMatch(p -> p.startsWith("window.lastRows: unknown field"))
                            .anyMatch(p -> p.startsWith("minLabelled:"))
                            .anyMatch(p -> p.startsWith("floors.minAccuracy: must be from 0 to 1"))
                            .anyMatch(p -> p.startsWith("floors.maxMape: applies to regressors"))
                            .anyMatch(p -> p.startsWith("floors.speed: unknown field"))
                            .anyMatch(p -> p.startsWith("retrain:"))
                            .anyMatch(p -> p.startsWith("cooldownMinutes:"))
                            .anyMatch(p -> p.startsWith("extra: unknown field"));
                });
    }

    @Test
    void parse_shouldRefuseClassifierFloors_whenModelIsARegressor() throws Exception {
        assertThatThrownBy(() -> QualityConfig.parse(json("{\"floors\": {\"minAccuracy\": 0.9}}"), Task.REGRESSION))
                .hasMessageContaining("floors.minAccuracy: applies to classifiers");
        assertThat(QualityConfig.parse(json("{\"floors\": {\"maxMape\": 0.2, \"minR2\": -1}}"), Task.REGRESSION).floors().maxMape())
                .isEqualTo(0.2);
    }

    @Test
    void broken_shouldNameTheFloor_whenValueCrossesIt() throws Exception {
        var config = QualityConfig.parse(json("{\"floors\": {\"maxMape\": 0.05, \"maxMae\": 100}}"), Task.REGRESSION);
        var metrics = QualityMetrics.regression(new double[] {100, 200, 300}, new double[] {110, 180, 330});

        var broken = config.broken(metrics);

        assertThat(broken).containsOnlyKeys("maxMape");
        assertThat(broken.get("maxMape")).containsEntry("floor", 0.05);
        assertThat(broken.get("maxMape").get("value")).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-12));
    }
}
