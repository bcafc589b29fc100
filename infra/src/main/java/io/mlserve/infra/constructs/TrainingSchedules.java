package io.mlserve.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.ServicePrincipalOpts;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.scheduler.CfnScheduleGroup;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * What the training API needs beside the train function and its state machine: the EventBridge Scheduler group that
 * holds the run-time training schedules ({@code mlserve-<stack name>}), the role the scheduler assumes to invoke the
 * train function (that function only), and the registry function's rights and settings to start training and to
 * create, change and delete those schedules (schedules in this group only; the role passed to the scheduler only).
 * The train function's own rights (it deletes a schedule its spec no longer names) are {@link TrainJobs}'.
 *
 * <p>The schedules themselves are not in the template: {@code PUT /models/{name}/training} makes them at run time.
 */
public final class TrainingSchedules extends Construct {
    /** Schedule names are {@code <kind>-<model>}; a group per stack keeps two stacks' schedules apart. */
    static final String GROUP_PREFIX = "mlserve-";

    private final CfnScheduleGroup group;
    private final Role schedulerRole;
    private final String groupName;

    /**
     * @param registry the function answering the training routes (gets the env vars and rights)
     * @param trainFunction the function a training schedule invokes ({@code {"action": "start", ...}}); it may delete its group's schedules
     * @param trainJobs the train state machine a claimed job is started on
     * @param jobsTable the jobs table: training jobs and their per-model lock items
     */
    public record Props(Function registry, IFunction trainFunction, IStateMachine trainJobs, ITable jobsTable) {}

    /**
     * @param scope the stack
     * @param id construct id
     * @param props the functions, machine and table it connects
     */
    public TrainingSchedules(Construct scope, String id, Props props) {
        super(scope, id);
        var stack = Stack.of(this);
        groupName = GROUP_PREFIX + stack.getStackName();
        group = CfnScheduleGroup.Builder.create(this, "Group").name(groupName).build();

        // confused-deputy guard: only this account's schedules may use the role
        schedulerRole = Role.Builder.create(this, "SchedulerRole")
                .description("mlserve: EventBridge Scheduler invokes the train function for training schedules")
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com", ServicePrincipalOpts.builder()
                        .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", stack.getAccount())))
                        .build()))
                .build();
        // the function itself, not its versions (grantInvoke would add <arn>:*): schedules name the unqualified ARN
        schedulerRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("lambda:InvokeFunction"))
                .resources(List.of(props.trainFunction().getFunctionArn()))
                .build());

        // a firing whose spec lost its schedule deletes that leftover schedule (the train function's only schedule right)
        props.trainFunction().addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("scheduler:DeleteSchedule"))
                .resources(List.of(schedulesArn()))
                .build());

        var registry = props.registry();
        registry.addEnvironment("TRAIN_STATE_MACHINE_ARN", props.trainJobs().getStateMachineArn());
        registry.addEnvironment("SCHEDULE_GROUP", groupName);
        registry.addEnvironment("SCHEDULER_ROLE_ARN", schedulerRole.getRoleArn());
        registry.addEnvironment("TRAIN_FUNCTION_ARN", props.trainFunction().getFunctionArn());
        registry.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule",
                        "scheduler:GetSchedule"))
                .resources(List.of(schedulesArn()))
                .build());
        // Create/UpdateSchedule hand the role to the scheduler: this role, to that service only
        registry.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("iam:PassRole"))
                .resources(List.of(schedulerRole.getRoleArn()))
                .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "scheduler.amazonaws.com")))
                .build());
        props.trainJobs().grantStartExecution(registry);
        // claim a job (conditional Put), take and release the model's lock (conditional Put / Delete), end a job that
        // could not be launched (Update), read the running job (Get)
        props.jobsTable().grant(registry, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");

        for (var holder : List.<software.constructs.IConstruct>of(registry, props.trainFunction())) {
            NagSuppressions.addResourceSuppressions(holder, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM5")
                    .reason("training schedules are created at run time, one per model (<kind>-<model>): the rights cover "
                            + "the schedules of this stack's own group only")
                    .appliesTo(List.of(RegexAppliesTo.builder()
                            .regex("/^Resource::arn:<AWS::Partition>:scheduler:.+:schedule\\/" + groupName + "\\/\\*$/g")
                            .build()))
                    .build()), true);
        }
    }

    /**
     * Lets another function's schedules live in this group (drift: {@code drift-<model>}, made by the drift function
     * itself): the scheduler role may invoke it, and it may create, change, read and delete this group's schedules,
     * passing this role to the scheduler only.
     *
     * @param fn the function the schedules invoke and which manages them
     */
    public void addScheduledFunction(Function fn) {
        schedulerRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("lambda:InvokeFunction"))
                .resources(List.of(fn.getFunctionArn()))
                .build());
        fn.addEnvironment("SCHEDULE_GROUP", groupName);
        fn.addEnvironment("SCHEDULER_ROLE_ARN", schedulerRole.getRoleArn());
        fn.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule",
                        "scheduler:GetSchedule"))
                .resources(List.of(schedulesArn()))
                .build());
        fn.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("iam:PassRole"))
                .resources(List.of(schedulerRole.getRoleArn()))
                .conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "scheduler.amazonaws.com")))
                .build());
        NagSuppressions.addResourceSuppressions(fn, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM5")
                .reason("schedules are created at run time, one per model (<kind>-<model>): the rights cover the schedules of "
                        + "this stack's own group only")
                .appliesTo(List.of(RegexAppliesTo.builder()
                        .regex("/^Resource::arn:<AWS::Partition>:scheduler:.+:schedule\\/" + groupName + "\\/\\*$/g")
                        .build()))
                .build()), true);
    }

    /** @return every schedule of this group, as IAM names them */
    private String schedulesArn() {
        return Stack.of(this).formatArn(ArnComponents.builder()
                .service("scheduler")
                .resource("schedule")
                .resourceName(groupName + "/*")
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .build());
    }

    /** @return the schedule group's name ({@code mlserve-<stack name>}) */
    public String groupName() {
        return groupName;
    }

    /** @return the schedule group */
    public CfnScheduleGroup group() {
        return group;
    }

    /** @return the role EventBridge Scheduler assumes to invoke the train function */
    public Role schedulerRole() {
        return schedulerRole;
    }
}
