package io.mlserve.aws;

import java.util.Map;

/**
 * What starting and scheduling training needs from a function's environment (names as the CDK stack sets them):
 * the registry function (the training routes) and the train function (schedule firings) both read it.
 *
 * @param dataBucket the bucket training data lives in; a spec's {@code data} must name it ({@value #DATA_BUCKET})
 * @param jobsTable the jobs table: training jobs and their per-model locks ({@value #JOBS_TABLE})
 * @param stateMachineArn the train state machine a claimed job is started on ({@value #TRAIN_STATE_MACHINE_ARN})
 * @param scheduleGroup the EventBridge Scheduler group training schedules live in ({@value #SCHEDULE_GROUP})
 * @param schedulerRoleArn the role EventBridge Scheduler assumes to invoke the train function ({@value #SCHEDULER_ROLE_ARN})
 * @param trainFunctionArn the function a training schedule invokes ({@value #TRAIN_FUNCTION_ARN})
 */
public record TrainingConfig(String dataBucket, String jobsTable, String stateMachineArn, String scheduleGroup,
        String schedulerRoleArn, String trainFunctionArn) {
    public static final String DATA_BUCKET = "DATA_BUCKET";
    public static final String JOBS_TABLE = "JOBS_TABLE";
    public static final String TRAIN_STATE_MACHINE_ARN = "TRAIN_STATE_MACHINE_ARN";
    public static final String SCHEDULE_GROUP = "SCHEDULE_GROUP";
    public static final String SCHEDULER_ROLE_ARN = "SCHEDULER_ROLE_ARN";
    public static final String TRAIN_FUNCTION_ARN = "TRAIN_FUNCTION_ARN";

    /**
     * @param env the process environment (tests pass a map)
     * @return the configuration
     * @throws IllegalStateException when a variable is missing
     */
    public static TrainingConfig fromEnv(Map<String, String> env) {
        return new TrainingConfig(required(env, DATA_BUCKET), required(env, JOBS_TABLE), required(env, TRAIN_STATE_MACHINE_ARN),
                required(env, SCHEDULE_GROUP), required(env, SCHEDULER_ROLE_ARN), required(env, TRAIN_FUNCTION_ARN));
    }

    private static String required(Map<String, String> env, String name) {
        var value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
