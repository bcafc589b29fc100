package io.mlserve.aws;

import java.time.Duration;
import java.util.Map;

/**
 * Settings every function reads once from its environment. Names are the env vars the CDK stack
 * sets; defaults suit a fresh deployment.
 *
 * @param modelsBucket S3 bucket holding model packages ({@value #MODELS_BUCKET})
 * @param predictionsTable DynamoDB prediction log table ({@value #PREDICTIONS_TABLE})
 * @param registryTable DynamoDB model registry table ({@value #REGISTRY_TABLE})
 * @param predictionLogTtl how long logged predictions are kept ({@value #PREDICTION_LOG_TTL_DAYS})
 * @param maxInstancesPerRequest largest {@code instances} array accepted ({@value #MAX_INSTANCES_PER_REQUEST})
 * @param aliasTtl how long a container trusts an alias lookup ({@value #MODEL_ALIAS_TTL_SECONDS})
 * @param maxRequestBytes largest request body accepted ({@value #MAX_REQUEST_BYTES})
 * @param onnxIntraOpThreads ONNX Runtime threads per operator ({@value #ONNX_INTRA_OP_THREADS})
 * @param maxModelBytes largest model.onnx a function loads ({@value #MAX_MODEL_BYTES})
 * @param modelCacheVersions model versions kept loaded per container ({@value #MODEL_CACHE_VERSIONS})
 * @param logWriteDeadline budget of one prediction-log write with its retries ({@value #LOG_WRITE_DEADLINE_MS})
 */
public record FunctionConfig(
        String modelsBucket,
        String predictionsTable,
        String registryTable,
        Duration predictionLogTtl,
        int maxInstancesPerRequest,
        Duration aliasTtl,
        int maxRequestBytes,
        int onnxIntraOpThreads,
        long maxModelBytes,
        int modelCacheVersions,
        Duration logWriteDeadline) {

    public static final String MODELS_BUCKET = "MODELS_BUCKET";
    public static final String PREDICTIONS_TABLE = "PREDICTIONS_TABLE";
    public static final String REGISTRY_TABLE = "REGISTRY_TABLE";
    public static final String PREDICTION_LOG_TTL_DAYS = "PREDICTION_LOG_TTL_DAYS";
    public static final String MAX_INSTANCES_PER_REQUEST = "MAX_INSTANCES_PER_REQUEST";
    public static final String MODEL_ALIAS_TTL_SECONDS = "MODEL_ALIAS_TTL_SECONDS";
    public static final String MAX_REQUEST_BYTES = "MAX_REQUEST_BYTES";
    public static final String ONNX_INTRA_OP_THREADS = "ONNX_INTRA_OP_THREADS";
    public static final String MAX_MODEL_BYTES = "MAX_MODEL_BYTES";
    public static final String MODEL_CACHE_VERSIONS = "MODEL_CACHE_VERSIONS";
    public static final String LOG_WRITE_DEADLINE_MS = "LOG_WRITE_DEADLINE_MS";
    /** Prediction-log shards of a version registered without {@code logShards} (1..64, default 4). */
    public static final String LOG_SHARDS = "LOG_SHARDS";

    /**
     * @param env the process environment (tests pass a map)
     * @return the configuration
     * @throws IllegalStateException when a required variable is missing or a number is malformed
     */
    public static FunctionConfig fromEnv(Map<String, String> env) {
        return new FunctionConfig(
                required(env, MODELS_BUCKET),
                required(env, PREDICTIONS_TABLE),
                required(env, REGISTRY_TABLE),
                Duration.ofDays(number(env, PREDICTION_LOG_TTL_DAYS, 30)),
                number(env, MAX_INSTANCES_PER_REQUEST, 1000),
                Duration.ofSeconds(number(env, MODEL_ALIAS_TTL_SECONDS, 5)),
                number(env, MAX_REQUEST_BYTES, 1_048_576),
                number(env, ONNX_INTRA_OP_THREADS, 1),
                number(env, MAX_MODEL_BYTES, 256 * 1024 * 1024),
                number(env, MODEL_CACHE_VERSIONS, 8),
                Duration.ofMillis(number(env, LOG_WRITE_DEADLINE_MS, 2000)));
    }

    /**
     * Read only by the functions that register versions (registry, train, the CLI), so it is not a component.
     *
     * @param env the process environment
     * @return {@value #LOG_SHARDS}, default {@link io.mlserve.core.registry.RegistryService#DEFAULT_LOG_SHARDS}
     * @throws IllegalStateException when it is not an integer from 1 to 64
     */
    public static int logShards(Map<String, String> env) {
        int shards = number(env, LOG_SHARDS, io.mlserve.core.registry.RegistryService.DEFAULT_LOG_SHARDS);
        if (shards < io.mlserve.core.store.LogShards.MIN || shards > io.mlserve.core.store.LogShards.MAX) {
            throw new IllegalStateException("environment variable " + LOG_SHARDS + " must be an integer from "
                    + io.mlserve.core.store.LogShards.MIN + " to " + io.mlserve.core.store.LogShards.MAX + ", got " + shards);
        }
        return shards;
    }

    private static String required(Map<String, String> env, String name) {
        var value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }

    /** @return an integer environment variable, or {@code fallback} when it is unset or blank */
    static int number(Map<String, String> env, String name, int fallback) {
        var value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + name + " must be an integer, got '" + value + "'", e);
        }
    }
}
