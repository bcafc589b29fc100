package io.mlserve.infra.constructs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/** The one way a job's state machine (batch, training) calls its function and routes errors to its fail step. */
public final class JobSteps {
    private static final List<String> LAMBDA_FAULTS = List.of("Lambda.ServiceException", "Lambda.AWSLambdaException",
            "Lambda.SdkClientException", "Lambda.ClientExecutionTimeoutException", "Lambda.TooManyRequestsException", "Lambda.Unknown");
    private static final List<String> TIMEOUTS = List.of("Sandbox.Timedout", "States.Timeout");

    private JobSteps() {}

    /**
     * A step that invokes the function (request/response) with the payload and passes its answer on. Retries what is
     * not the job's fault: Lambda service errors and throttles, and timeouts when asked to.
     *
     * @param payload the step's payload; null passes the state's input as is
     * @param discardResult true: the state's output is its input (the fail step keeps the caught error)
     * @param retryTimeouts true to retry a step that timed out (short steps); false where a timeout means the work is too big
     * @return the step
     */
    public static LambdaInvoke invoke(Construct scope, String id, IFunction fn, Map<String, Object> payload, boolean discardResult,
            boolean retryTimeouts) {
        var builder = LambdaInvoke.Builder.create(scope, id)
                .lambdaFunction(fn)
                .payload(payload == null ? TaskInput.fromJsonPathAt("$") : TaskInput.fromObject(payload))
                .retryOnServiceExceptions(false); // replaced by the retry below (which adds throttles)
        var step = (discardResult ? builder.resultPath(JsonPath.DISCARD) : builder.outputPath("$.Payload")).build();
        var errors = new ArrayList<>(LAMBDA_FAULTS);
        if (retryTimeouts) {
            errors.addAll(TIMEOUTS);
        }
        step.addRetry(RetryProps.builder()
                .errors(errors)
                .interval(Duration.seconds(2))
                .maxAttempts(3)
                .backoffRate(2)
                .build());
        return step;
    }

    /**
     * The end a job's failures go to: the function's {@code fail} step records the caught error as the job's reason (so
     * no job stays RUNNING), then the Fail state ends the execution; a fail step that fails itself still ends there.
     *
     * @param failJob the fail step, to catch into with {@link #toFailStep()}
     * @param failed the Fail state, for what fails before there is a job to mark
     */
    public record FailSteps(LambdaInvoke failJob, Fail failed) {}

    /**
     * @param failJobId the fail step's id, e.g. {@code FailJob}
     * @param failedId the Fail state's id, e.g. {@code Failed}
     * @param error the Fail state's error name, e.g. {@code BatchJobFailed}
     * @param retryTimeouts as {@link #invoke}
     * @return the fail step chained to its Fail state
     */
    public static FailSteps failSteps(Construct scope, IFunction fn, String failJobId, String failedId, String error,
            boolean retryTimeouts) {
        var failed = Fail.Builder.create(scope, failedId)
                .error(error)
                .cause("the job's failureReason (GET /jobs/{jobId}) says why")
                .build();
        var failJob = invoke(scope, failJobId, fn, ordered(
                "step", "fail",
                "jobId", JsonPath.stringAt("$.jobId"),
                "error", JsonPath.stringAt("$.error.Error"),
                "cause", JsonPath.stringAt("$.error.Cause")), true, retryTimeouts);
        failJob.addCatch(failed, CatchProps.builder().errors(List.of("States.ALL")).build());
        failJob.next(failed);
        return new FailSteps(failJob, failed);
    }

    /** @return a catch of every error that keeps it at {@code $.error} for the fail step */
    public static CatchProps toFailStep() {
        return CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.error").build();
    }

    /** A map in the order given (key, value, key, value…): payloads read as the contract writes them. */
    public static Map<String, Object> ordered(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
