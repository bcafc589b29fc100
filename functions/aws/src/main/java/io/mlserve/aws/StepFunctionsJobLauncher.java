package io.mlserve.aws;

import io.mlserve.core.jobs.JobLauncher;
import io.mlserve.core.json.Json;
import java.util.LinkedHashMap;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/**
 * Starts the batch state machine for a job the API has claimed: the execution is named after the
 * job, so starting it twice is a no-op (Step Functions refuses a second execution of that name, or
 * answers the first one's start when it runs with the same input).
 */
public final class StepFunctionsJobLauncher implements JobLauncher {
    private final SfnClient sfn;
    private final String stateMachineArn;

    /**
     * @param sfn client
     * @param stateMachineArn the batch state machine (stack output BatchStateMachineArn)
     */
    public StepFunctionsJobLauncher(SfnClient sfn, String stateMachineArn) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    /**
     * @param jobId a claimed job
     * @return the execution input: the machine skips its claim step
     */
    static String input(String jobId) {
        var input = new LinkedHashMap<String, Object>();
        input.put("jobId", jobId);
        input.put("claimed", true);
        return Json.write(input);
    }

    @Override
    public void launch(String jobId) {
        try {
            sfn.startExecution(b -> b.stateMachineArn(stateMachineArn).name(jobId).input(input(jobId)));
        } catch (ExecutionAlreadyExistsException e) {
            // started before (a retry, or a concurrent request for the same input): nothing to do
        }
    }
}
