package io.mlserve.function.predict;

import io.mlserve.core.serving.PredictionService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /health}: this function's build and the model versions loaded in this container. */
final class Health {
    private static final String VERSION = buildVersion();

    private final PredictionService predictions;
    private final Clock clock;
    private final Instant startedAt;

    Health(PredictionService predictions, Clock clock) {
        this.predictions = predictions;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    Map<String, Object> report() {
        var report = new LinkedHashMap<String, Object>();
        report.put("status", "ok");
        report.put("service", "mlserve-predict");
        report.put("version", VERSION);
        report.put("functionName", System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "local"));
        report.put("functionVersion", System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_VERSION", "local"));
        report.put("runtime", "java " + Runtime.version());
        report.put("containerUptimeSeconds", Duration.between(startedAt, clock.instant()).toSeconds());
        List<Map<String, Object>> models = predictions.loadedModels().stream()
                .map(m -> Map.<String, Object>of(
                        "name", m.ref().name(), "version", m.ref().version(), "task", m.manifest().task(),
                        "loadedAt", m.loadedAt().toString()))
                .toList();
        report.put("models", models);
        return report;
    }

    /** From a resource filtered at build time: works from the jar and from Lambda's unpacked /var/task alike. */
    private static String buildVersion() {
        try (var in = Health.class.getResourceAsStream("/mlserve-predict.properties")) {
            var properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "dev");
        } catch (java.io.IOException e) {
            return "dev";
        }
    }
}
