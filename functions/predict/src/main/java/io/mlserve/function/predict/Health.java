package io.mlserve.function.predict;

import io.mlserve.core.model.Task;
import io.mlserve.core.serving.PredictionService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** {@code GET /health} (public: up and the build, nothing else) and {@code GET /health/details} (any key). */
final class Health {
    private static final String VERSION = buildVersion();

    private final PredictionService predictions;
    private final Clock clock;
    private final Instant startedAt;

    /**
     * What anyone may see.
     *
     * @param status always {@code ok} when the function answers
     * @param version the build
     */
    record Summary(String status, String version) {}

    /**
     * What a key holder may see.
     *
     * @param status {@code ok}
     * @param service {@code mlserve-predict}
     * @param version the build
     * @param functionName the Lambda function
     * @param functionVersion its version
     * @param runtime the JVM
     * @param containerUptimeSeconds since this container started
     * @param models versions loaded in this container
     */
    record Report(String status, String service, String version, String functionName, String functionVersion, String runtime,
            long containerUptimeSeconds, List<LoadedVersion> models) {}

    /**
     * @param name model
     * @param version version
     * @param task classification or regression
     * @param loadedAt when this container loaded it
     */
    record LoadedVersion(String name, String version, Task task, String loadedAt) {}

    Health(PredictionService predictions, Clock clock) {
        this.predictions = predictions;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    Summary summary() {
        return new Summary("ok", VERSION);
    }

    Report report() {
        return new Report("ok", "mlserve-predict", VERSION,
                System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "local"),
                System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_VERSION", "local"),
                "java " + Runtime.version(),
                Duration.between(startedAt, clock.instant()).toSeconds(),
                predictions.loadedModels().stream()
                        .map(m -> new LoadedVersion(m.ref().name(), m.ref().version(), m.manifest().task(), m.loadedAt().toString()))
                        .toList());
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
