package io.mlserve.function.registry;

import java.util.Map;

/**
 * What the jobs routes need from the registry function's environment (names as the CDK stack sets them).
 *
 * @param dataBucket the bucket job inputs and outputs live in ({@value #DATA_BUCKET})
 * @param jobsTable the jobs table ({@value #JOBS_TABLE})
 * @param stateMachineArn the batch state machine a claimed job is started on ({@value #BATCH_STATE_MACHINE_ARN})
 */
record JobsConfig(String dataBucket, String jobsTable, String stateMachineArn) {
    static final String DATA_BUCKET = "DATA_BUCKET";
    static final String JOBS_TABLE = "JOBS_TABLE";
    static final String BATCH_STATE_MACHINE_ARN = "BATCH_STATE_MACHINE_ARN";

    /**
     * @param env the process environment (tests pass a map)
     * @return the configuration
     * @throws IllegalStateException when a variable is missing
     */
    static JobsConfig fromEnv(Map<String, String> env) {
        return new JobsConfig(required(env, DATA_BUCKET), required(env, JOBS_TABLE), required(env, BATCH_STATE_MACHINE_ARN));
    }

    private static String required(Map<String, String> env, String name) {
        var value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
