package io.mlserve.infra.constructs;

import io.mlserve.infra.Artifacts;
import io.mlserve.infra.DeployTarget;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.Pass;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Training: the train function and the TrainJobs state machine, input {@code {"jobId"}} (a job the training API or a
 * schedule has claimed): Prepare → an inline Map over the spec's candidates (each a train invocation; a candidate that
 * fails is a result, not a Map failure) → Select. Any step's error goes to the fail step, which ends the job FAILED
 * with the reason and releases the model's lock, then to a Fail state, so the execution is FAILED too.
 *
 * <p>The function may read training data ({@code training/} of the data bucket), read registered versions and write
 * new ones ({@code models/}) and staged candidates ({@code staging/}, expired after a week) in the models bucket, use the
 * registry and jobs tables, publish events and start this machine (schedule and drift triggers); the schedules
 * themselves (group, role, rights) are {@link TrainingSchedules}'.
 */
public final class TrainJobs extends Construct {
    /** Data bucket prefix training data lives under (a spec's {@code data} is below it). */
    public static final String TRAINING_PREFIX = "training/";
    /** Models bucket prefix of staged candidates: scratch, expired after a week. */
    public static final String STAGING_PREFIX = "staging/";
    /** Models bucket prefix of registered versions. */
    public static final String MODELS_PREFIX = "models/";

    /** The train function (the schedules' target). */
    public final JavaFunction trainFunction;
    /** The TrainJobs state machine. */
    public final StateMachine trainJobs;
    /** Its ARN, built from its fixed name (the function's environment holds it without a reference cycle). */
    public final String trainJobsArn;

    /**
     * What the construct needs from the stack.
     *
     * @param target AWS or the emulator
     * @param artifacts where the train jar is
     * @param environment the functions' shared environment (models bucket, tables)
     * @param modelsBucket versions and staged candidates
     * @param dataBucket training data
     * @param registryTable versions, aliases, audit, training specs
     * @param jobsTable jobs and training locks
     * @param maxConcurrency candidates trained at once (each a JVM: 2 on a 2-core emulator machine, 8 on AWS)
     * @param scheduleGroup the EventBridge Scheduler group training schedules live in
     */
    public record Props(DeployTarget target, Artifacts artifacts, Map<String, String> environment, Bucket modelsBucket, Bucket dataBucket,
            Table registryTable, Table jobsTable, int maxConcurrency, String scheduleGroup) {}

    /**
     * @param scope the stack
     * @param id construct id
     * @param props settings
     */
    public TrainJobs(Construct scope, String id, Props props) {
        super(scope, id);
        var stack = Stack.of(this);
        var machineName = stack.getStackName() + "-TrainJobs";
        trainJobsArn = stack.formatArn(ArnComponents.builder().service("states").resource("stateMachine")
                .resourceName(machineName).arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());

        var environment = new HashMap<>(props.environment());
        environment.put("DATA_BUCKET", props.dataBucket().getBucketName());
        environment.put("JOBS_TABLE", props.jobsTable().getTableName());
        environment.put("EVENT_BUS_NAME", "default");
        environment.put("TRAIN_STATE_MACHINE_ARN", trainJobsArn);
        environment.put("SCHEDULE_GROUP", props.scheduleGroup());
        environment.put("POWERTOOLS_SERVICE_NAME", "train");
        // 3008 MB: the most every account gets without a quota raise (~2 vCPUs); a candidate fits 100,000 rows x 20
        // features (docs/benchmarks.md). 15 minutes: a step is one fit, Lambda's ceiling.
        trainFunction = new JavaFunction(this, "Train", props.target(), props.artifacts(), new JavaFunction.Props(
                "train", "io.mlserve.function.train.TrainHandler::handleRequest", 3008, Duration.minutes(15), environment,
                null, JavaFunction.Jit.THROUGHPUT));
        grantAccess(props);
        props.modelsBucket().addLifecycleRule(LifecycleRule.builder().id("expire-training-staging").prefix(STAGING_PREFIX)
                .expiration(Duration.days(7)).build());
        trainJobs = stateMachine(machineName, props.maxConcurrency());
    }

    private void grantAccess(Props props) {
        var fn = trainFunction.function();
        var data = props.dataBucket();
        var models = props.modelsBucket();
        fn.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject"))
                .resources(List.of(data.arnForObjects(TRAINING_PREFIX + "*")))
                .build());
        // listing is the job's input (every .csv under the prefix), and makes a vanished object a 404, not a 403
        fn.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(data.getBucketArn()))
                .conditions(Map.of("StringLike", Map.of("s3:prefix", List.of(TRAINING_PREFIX + "*"))))
                .build());
        fn.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"))
                .resources(List.of(models.arnForObjects(MODELS_PREFIX + "*"), models.arnForObjects(STAGING_PREFIX + "*")))
                .build());
        // registered versions are read (and checked before promotion) at their pinned object versions
        fn.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObjectVersion"))
                .resources(List.of(models.arnForObjects(MODELS_PREFIX + "*")))
                .build());
        fn.addToRolePolicy(PolicyStatement.Builder.create() // HeadObject on a free version folder: 404 needs ListBucket
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(models.getBucketArn()))
                .build());
        // registry: versions and aliases (registration and promotion are transactions of Puts), training specs
        props.registryTable().grant(fn, "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem");
        // jobs: the job item (claim, start, details, progress units, finish) and the per-model lock (Put/Get/Delete)
        props.jobsTable().grant(fn, "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem");
        EventBus.fromEventBusName(this, "DefaultBus", "default").grantPutEventsTo(fn);
        fn.addToRolePolicy(PolicyStatement.Builder.create() // schedule and drift triggers start jobs like the API does
                .actions(List.of("states:StartExecution"))
                .resources(List.of(trainJobsArn))
                .build());
        // DeleteSchedule (a firing whose spec dropped its schedule deletes it) comes with TrainingSchedules, which owns them
    }

    private StateMachine stateMachine(String name, int maxConcurrency) {
        var flow = new Construct(this, "Flow");
        var fn = trainFunction.function();

        var failJob = JobSteps.failSteps(flow, fn, "FailJob", "Failed", "TrainingJobFailed", false).failJob();
        var toFail = JobSteps.toFailStep();

        var prepare = step(flow, "Prepare", fn, ordered("step", "prepare", "jobId", JsonPath.stringAt("$.jobId")), false);
        prepare.addCatch(failJob, toFail);

        var candidate = step(flow, "Candidate", fn, null, false); // the item the selector built is its payload
        // a candidate that died (timeout, out of memory) is a FAILED result like one that could not be trained
        var candidateDied = Pass.Builder.create(flow, "CandidateDied")
                .parameters(ordered(
                        "index", JsonPath.numberAt("$.index"),
                        "status", "FAILED",
                        "error", JsonPath.objectAt("$.error")))
                .build();
        candidate.addCatch(candidateDied, JobSteps.toFailStep());
        var candidates = software.amazon.awscdk.services.stepfunctions.Map.Builder.create(flow, "Candidates")
                .itemsPath(JsonPath.stringAt("$.candidates"))
                .itemSelector(ordered(
                        "step", "candidate",
                        "jobId", JsonPath.stringAt("$.jobId"),
                        "index", JsonPath.numberAt("$$.Map.Item.Value")))
                .maxConcurrency(maxConcurrency)
                .resultPath("$.results")
                .build();
        candidates.itemProcessor(candidate);
        candidates.addCatch(failJob, toFail);

        var select = step(flow, "Select", fn, ordered(
                "step", "select",
                "jobId", JsonPath.stringAt("$.jobId"),
                "results", JsonPath.listAt("$.results")), false);
        select.addCatch(failJob, toFail);

        var definition = prepare.next(candidates).next(select).next(Succeed.Builder.create(flow, "Done").build());
        var logs = LogGroup.Builder.create(this, "Logs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        return StateMachine.Builder.create(this, "TrainJobs")
                .stateMachineName(name)
                .comment("mlserve training: prepare the data, train the candidates in parallel, select, register and promote")
                .stateMachineType(StateMachineType.STANDARD)
                .definitionBody(DefinitionBody.fromChainable(definition))
                .logs(LogOptions.builder().destination(logs).level(LogLevel.ERROR).includeExecutionData(false).build())
                .tracingEnabled(false)
                .build();
    }

    /** A training step (see {@link JobSteps#invoke}): a candidate that timed out is too big to retry, so timeouts are not. */
    private static LambdaInvoke step(Construct scope, String id, IFunction fn, Map<String, Object> payload, boolean discardResult) {
        return JobSteps.invoke(scope, id, fn, payload, discardResult, false);
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        return JobSteps.ordered(keysAndValues);
    }
}
