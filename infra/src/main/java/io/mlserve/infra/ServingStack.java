package io.mlserve.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import io.mlserve.infra.constructs.AlarmTopic;
import io.mlserve.infra.constructs.ApiErrorResponses;
import io.mlserve.infra.constructs.JavaFunction;
import io.mlserve.infra.constructs.JobSteps;
import io.mlserve.infra.constructs.TrainJobs;
import io.mlserve.infra.constructs.TrainingSchedules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.ApiKeySourceType;
import software.amazon.awscdk.services.apigateway.IdentitySource;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.Period;
import software.amazon.awscdk.services.apigateway.QuotaSettings;
import software.amazon.awscdk.services.apigateway.RequestAuthorizer;
import software.amazon.awscdk.services.apigateway.RequestValidator;
import software.amazon.awscdk.services.apigateway.RequestValidatorOptions;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.apigateway.ThrottleSettings;
import software.amazon.awscdk.services.apigateway.UsagePlan;
import software.amazon.awscdk.services.apigateway.UsagePlanPerApiStage;
import software.amazon.awscdk.services.apigateway.UsagePlanProps;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IRuleTarget;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.MetricFilterOptions;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.events.targets.SfnStateMachineProps;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.DistributedMap;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.S3FileItemReaderProps;
import software.amazon.awscdk.services.stepfunctions.S3JsonItemReader;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Everything mlserve runs on: models bucket, prediction log, registry and keys tables, the predict,
 * registry, canary-guard and authorizer functions, the REST API with its key authorizer, usage plans
 * and error responses, bulk prediction (data bucket, jobs table, batch function, the BatchJobs state
 * machine and the upload rule that starts it), and the alarms. Deploys unchanged to AWS and to the
 * emulator (only the function runtime wiring and the map's concurrency differ, see {@link DeployTarget}).
 */
public final class ServingStack extends Stack {
    /** How long API Gateway caches the authorizer's answer for one key: a revoked key works this long at most. */
    static final Duration AUTHORIZER_CACHE_TTL = Duration.seconds(30);
    /** Stage-wide ceiling: no combination of keys can drive the functions harder than this. */
    static final double STAGE_RATE_LIMIT = 200;
    static final int STAGE_BURST_LIMIT = 400;
    /** Data bucket layout (BATCH.md): an upload here is a job. */
    static final String INPUT_PREFIX = "batch/input/";
    /** Part and error files of finished ranges and jobs. */
    static final String OUTPUT_PREFIX = "batch/output/";
    /** Plans (ranges.json) and per-range error files: scratch, expired after a week. */
    static final String WORK_PREFIX = "batch/work/";
    /** How long predictions are kept in the log (TTL), for every writer of it: predict, batch, the log replay. */
    static final String PREDICTION_LOG_TTL_DAYS = "30";
    /** The log-replay function's timeout: a batch of 5 spill messages of up to ~1,000 rows each, one PutItem per row. */
    static final Duration LOG_REPLAY_TIMEOUT = Duration.seconds(120);
    /** Receives of a spill message before it moves to the spill's DLQ (with the replay's growing delays: ~11 h of outage). */
    static final int SPILL_MAX_RECEIVES = 50;
    /** Spilled rows older than this raise an alarm: the log has refused writes (or the replay failed) for that long. */
    static final Duration SPILL_AGE_ALARM = Duration.minutes(15);
    /** Drift reports (JSON + HTML) in the data bucket. */
    static final String DRIFT_PREFIX = "drift/";
    /** Bulk feedback files in the data bucket: {@code feedback/<model>/<file>.csv}, each a job. */
    static final String FEEDBACK_PREFIX = "feedback/";
    /** Error files of feedback jobs (outside {@link #FEEDBACK_PREFIX}: writing one starts no job). */
    static final String FEEDBACK_ERRORS_PREFIX = "feedback-errors/";
    /** Every version's manifest in the models bucket (feedback reads a version's classes, never its model). */
    static final String MANIFEST_KEYS = "models/*/*/manifest.json";
    /** A version's baseline in the models bucket (the drift function writes reference baselines there). */
    static final String BASELINE_KEYS = "models/*/*/baseline.json";

    /**
     * @param target AWS or the local emulator
     * @param artifacts where the functions' jars are
     * @param removal what deleting the stack does to the bucket, the tables and the alarm topic's key
     * @param logShards prediction-log shards of a version registered without {@code logShards} (env {@code LOG_SHARDS},
     *     1..64)
     * @param primeModels the models whose production version predict loads and runs before its SnapStart snapshot
     *     (comma-separated; env {@code PRIME_MODELS}, AWS only), or empty
     */
    public record Settings(DeployTarget target, Artifacts artifacts, RemovalPolicy removal, int logShards, String primeModels) {
        /** The default of 4 log shards per version. */
        public static final int DEFAULT_LOG_SHARDS = 4;
        private static final java.util.regex.Pattern MODEL_LIST = java.util.regex.Pattern.compile(
                "([a-z0-9][a-z0-9_-]{0,63}(,[a-z0-9][a-z0-9_-]{0,63})*)?");

        public Settings {
            if (logShards < 1 || logShards > 64) {
                throw new IllegalArgumentException("context logShards must be an integer from 1 to 64, got " + logShards);
            }
            primeModels = primeModels == null ? "" : primeModels.replace(" ", "");
            if (!MODEL_LIST.matcher(primeModels).matches()) {
                throw new IllegalArgumentException("context primeModels must be comma-separated model names, got '" + primeModels + "'");
            }
        }

        /** Priming no model. */
        public Settings(DeployTarget target, Artifacts artifacts, RemovalPolicy removal, int logShards) {
            this(target, artifacts, removal, logShards, "");
        }

        /** With {@value #DEFAULT_LOG_SHARDS} log shards. */
        public Settings(DeployTarget target, Artifacts artifacts, RemovalPolicy removal) {
            this(target, artifacts, removal, DEFAULT_LOG_SHARDS);
        }
    }

    /**
     * One usage plan: the limits every key of one role shares the shape of (each key gets its own
     * allowance).
     *
     * @param role the role's API name; the plan is named {@code mlserve-<role>}
     * @param rate steady requests per second per key
     * @param burst burst requests per key
     * @param quotaPerDay requests per key per day
     */
    public record Plan(String role, double rate, int burst, int quotaPerDay) {
        /** @return the usage plan's name, which the keys CLI looks up */
        public String name() {
            return "mlserve-" + role;
        }
    }

    /** Usage plans, one per role with a key ({@code public} needs none). */
    public static final List<Plan> PLANS = List.of(
            new Plan("predict", 50, 100, 1_000_000),
            new Plan("admin", 10, 20, 100_000));

    /**
     * One route of the API.
     *
     * @param method HTTP method
     * @param path API Gateway resource path, e.g. {@code /models/{name}/predict}
     * @param function the function answering it: {@code predict}, {@code registry} or {@code drift}
     * @param role {@code public} (no key, no authorizer), {@code predict} or {@code admin} (API key and
     *     authorizer; the authorizer's policy and the function tell the two apart)
     */
    public record Route(String method, String path, String function, String role) {
        /** @return true when anyone may call the route without a key */
        public boolean isPublic() {
            return "public".equals(role);
        }
    }

    /** The API's routes, as in the contract's route table. */
    public static final List<Route> ROUTES = List.of(
            new Route("GET", "/health", "predict", "public"),
            new Route("GET", "/docs", "predict", "public"),
            new Route("GET", "/docs/openapi.yaml", "predict", "public"),
            new Route("GET", "/health/details", "predict", "predict"),
            new Route("POST", "/models/{name}/predict", "predict", "predict"),
            new Route("GET", "/models", "registry", "predict"),
            new Route("GET", "/models/{name}", "registry", "predict"),
            new Route("GET", "/models/{name}/versions", "registry", "predict"),
            new Route("GET", "/models/{name}/versions/{version}", "registry", "predict"),
            new Route("GET", "/models/{name}/stats", "registry", "predict"),
            new Route("POST", "/models/{name}/versions", "registry", "admin"),
            new Route("PUT", "/models/{name}/aliases/{alias}", "registry", "admin"),
            new Route("GET", "/models/{name}/audit", "registry", "admin"),
            new Route("GET", "/predictions", "registry", "admin"),
            new Route("POST", "/models/{name}/jobs", "registry", "predict"),
            new Route("GET", "/jobs", "registry", "predict"),
            new Route("GET", "/jobs/{jobId}", "registry", "predict"),
            new Route("POST", "/models/{name}/feedback", "feedback", "predict"),
            new Route("PUT", "/models/{name}/training", "registry", "admin"),
            new Route("GET", "/models/{name}/training", "registry", "admin"),
            new Route("POST", "/models/{name}/train", "registry", "admin"),
            new Route("PUT", "/models/{name}/drift/config", "drift", "admin"),
            new Route("GET", "/models/{name}/drift/config", "drift", "admin"),
            new Route("POST", "/models/{name}/drift", "drift", "admin"),
            new Route("GET", "/models/{name}/drift", "drift", "predict"),
            new Route("GET", "/models/{name}/drift/history", "drift", "predict"),
            new Route("GET", "/models/{name}/drift/report", "drift", "predict"),
            new Route("PUT", "/models/{name}/versions/{version}/baseline", "drift", "admin"),
            // model quality on ground truth: served by the drift function (same settings shape, schedules and page style)
            new Route("GET", "/models/{name}/quality", "drift", "predict"),
            new Route("POST", "/models/{name}/quality", "drift", "admin"),
            new Route("PUT", "/models/{name}/quality/config", "drift", "admin"),
            new Route("GET", "/models/{name}/quality/config", "drift", "admin"),
            new Route("GET", "/models/{name}/quality/report", "drift", "predict"));

    private final Bucket modelsBucket;
    private final Table predictionsTable;
    private final Table registryTable;
    private final Table keysTable;
    private final Bucket dataBucket;
    private final Table jobsTable;
    private final JavaFunction predict;
    /** What API Gateway invokes for predict: the SnapStart alias on AWS, the function on the emulator. */
    private final IFunction predictTarget;
    private final JavaFunction registry;
    private final JavaFunction canaryGuard;
    private final JavaFunction authorizer;
    private final JavaFunction batch;
    private final StateMachine batchJobs;
    private final TrainJobs training;
    private final JavaFunction drift;
    private final JavaFunction feedback;
    private final Queue predictionSpill;
    private Queue spillDlq;
    private final JavaFunction logReplay;
    private final List<Queue> deadLetterQueues = new ArrayList<>();
    private final Map<String, UsagePlan> usagePlans = new java.util.LinkedHashMap<>();
    private final LogGroup accessLog;
    private final RestApi api;
    private final AlarmTopic alarms;

    /**
     * @param scope the app
     * @param id stack id
     * @param props stack props
     * @param settings target and artifacts
     */
    public ServingStack(Construct scope, String id, StackProps props, Settings settings) {
        super(scope, id, props);
        var removal = settings.removal();

        var accessLogs = Bucket.Builder.create(this, "AccessLogs")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
                .removalPolicy(removal)
                .build();
        modelsBucket = Bucket.Builder.create(this, "Models")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .versioned(true) // an overwritten model.onnx can be recovered; the manifest's sha256 catches the swap
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("models/")
                .removalPolicy(removal)
                .build();

        // pk = <model>#<version>#<shard>, sk = <time>#<requestId>#<row>: one Query per shard answers "this version's
        // predictions in a time range" (readers merge the version's shards), for the log API, stats, the guard and drift.
        // A version's rows spread over its registered shard count, so no one partition takes all its writes.
        predictionsTable = table("Predictions", "pk", "sk", removal).timeToLiveAttribute("expiresAt").build();
        // the unsharded model-wide index of items written before sharding (attribute `model`, which new items lack, so it
        // receives no more writes); kept for this release because CloudFormation changes one GSI per table update —
        // dropped in the next one, after `mlserve migrate-log`
        predictionsTable.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName("byModel")
                .partitionKey(Attribute.builder().name("model").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());
        // the sharded "all versions of a model in a time range": partition <model>#<shard>
        predictionsTable.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName("byModelShard")
                .partitionKey(Attribute.builder().name("modelShard").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());

        // pk = MODEL#<name>; sk = VERSION#<v> | ALIASES | AUDIT#<time>#<id> | MODEL
        registryTable = table("ModelRegistry", "pk", "sk", removal).build();

        // keyHash = lowercase hex sha256 of the key value: the table never holds a usable key
        keysTable = table("ApiKeys", "keyHash", null, removal).build();

        dataBucket = dataBucket(accessLogs, removal);
        jobsTable = jobsTable(removal);

        var shared = Map.of(
                "MODELS_BUCKET", modelsBucket.getBucketName(),
                "PREDICTIONS_TABLE", predictionsTable.getTableName(),
                "REGISTRY_TABLE", registryTable.getTableName(),
                // read where versions are registered (registry, train): their log shard count unless the body names one
                "LOG_SHARDS", Integer.toString(settings.logShards()),
                "POWERTOOLS_METRICS_NAMESPACE", "mlserve");
        predictionSpill = spillQueue();
        predict = new JavaFunction(this, "Predict", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "predict", "io.mlserve.function.predict.PredictStreamHandler::handleRequest", 1024, Duration.seconds(30),
                with(shared, Map.of(
                        "PREDICTION_SPILL_QUEUE_URL", predictionSpill.getQueueUrl(),
                        "PREDICTION_LOG_TTL_DAYS", PREDICTION_LOG_TTL_DAYS,
                        "MAX_INSTANCES_PER_REQUEST", "1000",
                        "MODEL_ALIAS_TTL_SECONDS", "5",
                        "POWERTOOLS_SERVICE_NAME", "predict")),
                null,
                // with SnapStart the JIT's warm-up is paid before the snapshot (PredictPriming), so AWS gets C2's code
                // (2-5x faster per row) at no cold-start cost; the emulator has no snapshot and keeps C1's quick start
                settings.target() == DeployTarget.AWS ? JavaFunction.Jit.THROUGHPUT : JavaFunction.Jit.STARTUP));
        // least privilege: predict appends to the log and reads one alias item, nothing more
        modelsBucket.grantRead(predict.function());
        // DeleteItem only removes predict's own in-flight markers (a canary request's "started" item) once it finishes
        predictionsTable.grant(predict.function(), "dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:DeleteItem");
        registryTable.grant(predict.function(), "dynamodb:GetItem");
        predictionSpill.grantSendMessages(predict.function()); // rows the table does not take
        // SnapStart (AWS only; the emulator has none): Lambda snapshots each published version after INIT and the
        // CRaC hooks (PredictPriming) have loaded the PRIME_MODELS models and run the hot path, and restores that
        // snapshot instead of starting a JVM. It applies to published versions only, so API Gateway invokes the
        // alias "live" on the current version, never $LATEST.
        if (settings.target() == DeployTarget.AWS) {
            ((CfnFunction) predict.function().getNode().getDefaultChild())
                    .setSnapStart(CfnFunction.SnapStartProperty.builder().applyOn("PublishedVersions").build());
            if (!settings.primeModels().isEmpty()) {
                predict.function().addEnvironment("PRIME_MODELS", settings.primeModels());
            }
            predictTarget = Alias.Builder.create(this, "PredictLive")
                    .aliasName("live").version(predict.function().getCurrentVersion()).build();
        } else {
            predictTarget = predict.function();
        }

        // Reserved concurrency 10 caps (and guarantees) the registry: its calls are rare admin and
        // read calls, but a registration loads and runs a model in 1 GB, so a runaway client or
        // script could otherwise take the account's concurrency from predict and hammer the tables.
        // N.B. an account whose concurrency quota is still the new-account 10 cannot reserve this;
        // raise the quota first (the canary guard reserves 1 more).
        registry = new JavaFunction(this, "Registry", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "registry", "io.mlserve.function.registry.RegistryHandler::handleRequest", 1024, Duration.seconds(30),
                with(shared, Map.of("POWERTOOLS_SERVICE_NAME", "registry")), 10));
        modelsBucket.grantRead(registry.function()); // registration validates the uploaded package
        // registration with a "reference" stores the version's baseline, as the drift function's PUT .../baseline does
        // (the reference CSV is read with the jobs API's GetObject/ListBucket on the data bucket: grantJobsApiAccess)
        registry.function().addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject"))
                .resources(List.of(modelsBucket.arnForObjects(BASELINE_KEYS)))
                .build());
        grantRegistryAccess(registry);
        predictionsTable.grant(registry.function(), "dynamodb:Query"); // the prediction log API and stats (table + byModelShard)

        // Reserved concurrency 1: one guard run at a time is enough (it loops over every canary),
        // and a slow run is never overlapped by the next minute's (its alias writes are conditional
        // anyway). An overlapping invocation is throttled and retried by Lambda's async queue.
        canaryGuard = new JavaFunction(this, "CanaryGuard", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "registry", "io.mlserve.function.registry.CanaryGuardHandler::handleRequest", 512, Duration.seconds(60),
                with(shared, Map.of("POWERTOOLS_SERVICE_NAME", "canary-guard", "EVENT_BUS_NAME", "default")), 1));
        grantRegistryAccess(canaryGuard);
        predictionsTable.grant(canaryGuard.function(), "dynamodb:Query");
        EventBus.fromEventBusName(this, "DefaultBus", "default").grantPutEventsTo(canaryGuard.function());
        // EventBridge invokes asynchronously: events it cannot hand to Lambda go to the rule's DLQ,
        // runs that fail go to the function's on-failure queue. Both are alarmed on. A minute's run
        // is stale once the next one is due, so neither side keeps retrying for long.
        var scheduleDlq = deadLetterQueue("CanaryGuardScheduleDlq");
        Rule.Builder.create(this, "CanaryGuardSchedule")
                .description("mlserve: roll back canaries that break their error-rate or latency limits")
                .schedule(Schedule.rate(Duration.minutes(1)))
                .targets(List.of(new LambdaFunction(canaryGuard.function(), LambdaFunctionProps.builder()
                        .deadLetterQueue(scheduleDlq)
                        .retryAttempts(2)
                        .maxEventAge(Duration.minutes(5))
                        .build())))
                .build();
        canaryGuard.function().configureAsyncInvoke(EventInvokeConfigOptions.builder()
                .onFailure(new SqsDestination(deadLetterQueue("CanaryGuardFailures")))
                .retryAttempts(1)
                .maxEventAge(Duration.minutes(5))
                .build());

        authorizer = new JavaFunction(this, "Authorizer", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "authorizer", "io.mlserve.function.authorizer.AuthorizerStreamHandler::handleRequest", 512, Duration.seconds(10),
                Map.of("KEYS_TABLE", keysTable.getTableName(),
                        "POWERTOOLS_SERVICE_NAME", "authorizer",
                        "POWERTOOLS_METRICS_NAMESPACE", "mlserve")));
        keysTable.grant(authorizer.function(), "dynamodb:GetItem"); // looks one key hash up; the CLI writes keys

        batch = new JavaFunction(this, "Batch", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "batch", "io.mlserve.function.batch.BatchHandler::handleRequest", 2048, Duration.seconds(900),
                with(shared, Map.of(
                        "DATA_BUCKET", dataBucket.getBucketName(),
                        "JOBS_TABLE", jobsTable.getTableName(),
                        "EVENT_BUS_NAME", "default",
                        // the same on both targets: tests force small ranges per job (rangeBytes), not here
                        "BATCH_RANGE_BYTES", String.valueOf(64 * 1024 * 1024),
                        "BATCH_LOG_SAMPLE_RATE", "0.01",
                        "BATCH_CHUNK_ROWS", "1024",
                        "PREDICTION_SPILL_QUEUE_URL", predictionSpill.getQueueUrl(),
                        "POWERTOOLS_SERVICE_NAME", "batch")),
                // a range parses, predicts and writes for up to 15 minutes: C2 pays for its warm-up many times
                null, JavaFunction.Jit.THROUGHPUT));
        grantBatchAccess();
        batchJobs = batchStateMachine(settings.target());
        batchUploadRule();
        grantJobsApiAccess();
        // each candidate is a JVM fitting a model: 2 at once on the 2-core emulator machine, 8 (the spec's maximum) on AWS
        training = new TrainJobs(this, "Training", new TrainJobs.Props(settings.target(), settings.artifacts(), shared, modelsBucket,
                dataBucket, registryTable, jobsTable, settings.target() == DeployTarget.LOCAL ? 2 : 8, "mlserve-" + getStackName()));
        // the training routes (registry function) start jobs on the machine and keep each spec's schedule in step
        var schedules = new TrainingSchedules(this, "TrainingSchedules", new TrainingSchedules.Props(registry.function(),
                training.trainFunction.function(), training.trainJobs, jobsTable));
        drift = driftFunction(settings, shared, schedules);
        feedback = feedbackFunction(settings, shared);
        logReplay = logReplayFunction(settings, shared);

        accessLog = LogGroup.Builder.create(this, "ApiAccessLogs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        api = restApi();
        deadLetterQueues.add(spillDlq);
        alarms = new AlarmTopic(this, "Alarms", removal);
        alarms();
        outputs();
        suppressions(accessLogs);
    }

    /**
     * The prediction log's spill: predict and batch send the rows the table does not take (after the writer's retries,
     * or at once while their circuit breaker is open) as JSON messages; the log-replay function writes them back. Kept 14
     * days. A message the table refuses is hidden for a growing delay (30 s doubling to 15 min) by the replay function, so
     * {@value #SPILL_MAX_RECEIVES} receives cover an outage of about 11 hours; after them (and poison messages after as
     * many receives) it moves to the DLQ, which keeps it 14 days for a redrive. Both are alarmed on.
     */
    private Queue spillQueue() {
        // listed with the other DLQs (depth alarm, nag reason) at the end of the constructor, after theirs
        var dlq = Queue.Builder.create(this, "PredictionSpillDlq")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        spillDlq = dlq;
        return Queue.Builder.create(this, "PredictionSpill")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                // at least the replay function's timeout (AWS refuses less for an event source)
                .visibilityTimeout(LOG_REPLAY_TIMEOUT.plus(Duration.seconds(30)))
                .deadLetterQueue(DeadLetterQueue.builder().queue(dlq).maxReceiveCount(SPILL_MAX_RECEIVES).build())
                .build();
    }

    /**
     * The log-replay function: drains the spill into the predictions table with conditional PutItems (a row already
     * there, feedback included, is never overwritten); reads each version's shard count from the registry. Two
     * concurrent batches at most, so a recovering table is not flooded while predict writes to it too.
     */
    private JavaFunction logReplayFunction(Settings settings, Map<String, String> shared) {
        var fn = new JavaFunction(this, "LogReplay", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "logreplay", "io.mlserve.function.logreplay.LogReplayHandler::handleRequest", 512, LOG_REPLAY_TIMEOUT,
                with(shared, Map.of(
                        "PREDICTION_SPILL_QUEUE_URL", predictionSpill.getQueueUrl(),
                        "PREDICTION_LOG_TTL_DAYS", PREDICTION_LOG_TTL_DAYS,
                        "POWERTOOLS_SERVICE_NAME", "log-replay"))));
        predictionsTable.grant(fn.function(), "dynamodb:PutItem");
        registryTable.grant(fn.function(), "dynamodb:GetItem");
        // Receive/Delete/ChangeMessageVisibility (the growing delay)/GetQueueAttributes on the spill only
        fn.function().addEventSource(new SqsEventSource(predictionSpill, SqsEventSourceProps.builder()
                .batchSize(5)
                .reportBatchItemFailures(true)
                .maxConcurrency(2)
                .build()));
        return fn;
    }

    /**
     * Drift detection: the drift function (its routes, checks, reference baselines and its schedules' firings), its
     * rights, and the rule that hands {@code DriftDetected} to the train function (whose code decides whether a job
     * starts: spec, {@code retrain}, cooldown).
     */
    private JavaFunction driftFunction(Settings settings, Map<String, String> shared, TrainingSchedules schedules) {
        var fn = new JavaFunction(this, "Drift", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "drift", "io.mlserve.function.drift.DriftHandler::handleRequest", 1536, Duration.minutes(5),
                with(shared, Map.of(
                        "DATA_BUCKET", dataBucket.getBucketName(),
                        "EVENT_BUS_NAME", "default",
                        "POWERTOOLS_SERVICE_NAME", "drift"))));
        var role = fn.function();
        // registry table: versions and aliases (Get, Query), drift and quality configs and drift summaries (Put; history by Query)
        registryTable.grant(role, "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem");
        predictionsTable.grant(role, "dynamodb:Query"); // logged rows (drift) and labelled rows of every shard (quality)
        modelsBucket.grantRead(role); // manifests, model bytes, baselines
        role.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject"))
                .resources(List.of(modelsBucket.arnForObjects(BASELINE_KEYS)))
                .build());
        // reference CSVs may be anywhere in the data bucket; ListBucket turns a missing one into a 404
        role.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject"))
                .resources(List.of(dataBucket.arnForObjects("*")))
                .build());
        role.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(dataBucket.getBucketArn()))
                .build());
        role.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject"))
                .resources(List.of(dataBucket.arnForObjects(DRIFT_PREFIX + "*")))
                .build());
        EventBus.fromEventBusName(this, "DriftEventsBus", "default").grantPutEventsTo(role);
        schedules.addScheduledFunction(role);

        // DriftDetected → the train function (input: the event as is); undeliverable events go to a DLQ
        Rule.Builder.create(this, "DriftDetectedToTraining")
                .description("mlserve: drift on a model may start its retraining (the train function checks spec, retrain, cooldown)")
                .eventPattern(EventPattern.builder()
                        .source(List.of("mlserve.drift"))
                        .detailType(List.of("DriftDetected"))
                        .build())
                .targets(List.of(new LambdaFunction(training.trainFunction.function(), LambdaFunctionProps.builder()
                        .deadLetterQueue(deadLetterQueue("DriftDetectedDlq"))
                        .retryAttempts(4)
                        .maxEventAge(Duration.hours(2))
                        .build())))
                .build();
        // ModelQualityDegraded (a scheduled quality check found production below a floor) → the train function, which
        // applies the quality config's retrain and cooldown the same way
        Rule.Builder.create(this, "ModelQualityDegradedToTraining")
                .description("mlserve: production below a quality floor may start retraining (the train function checks spec, retrain, cooldown)")
                .eventPattern(EventPattern.builder()
                        .source(List.of("mlserve.quality"))
                        .detailType(List.of("ModelQualityDegraded"))
                        .build())
                .targets(List.of(new LambdaFunction(training.trainFunction.function(), LambdaFunctionProps.builder()
                        .deadLetterQueue(deadLetterQueue("ModelQualityDegradedDlq"))
                        .retryAttempts(4)
                        .maxEventAge(Duration.hours(2))
                        .build())))
                .build();
        return fn;
    }

    /**
     * Ground truth: the feedback function answers {@code POST /models/{name}/feedback} and runs a job for each CSV
     * dropped under {@code feedback/<model>/} of the data bucket (EventBridge rule, asynchronous invoke). It may only
     * update log items (a conditional UpdateItem sets the actual; GetItem tells a duplicate from a conflict on an emulator
     * that returns no old item), read registered versions and their manifests, read feedback files, write their error
     * files, and keep its jobs.
     */
    private JavaFunction feedbackFunction(Settings settings, Map<String, String> shared) {
        var fn = new JavaFunction(this, "Feedback", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "feedback", "io.mlserve.function.feedback.FeedbackHandler::handleRequest", 1024, Duration.minutes(15),
                with(shared, Map.of(
                        "JOBS_TABLE", jobsTable.getTableName(),
                        "PREDICTION_LOG_TTL_DAYS", "30",
                        "FEEDBACK_WRITERS", "16",
                        "POWERTOOLS_SERVICE_NAME", "feedback"))));
        var role = fn.function();
        predictionsTable.grant(role, "dynamodb:UpdateItem", "dynamodb:GetItem"); // no Put, no Delete: rows are never replaced
        registryTable.grant(role, "dynamodb:GetItem"); // is the version registered, its pinned manifest
        role.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject", "s3:GetObjectVersion"))
                .resources(List.of(modelsBucket.arnForObjects(MANIFEST_KEYS)))
                .build());
        role.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject"))
                .resources(List.of(dataBucket.arnForObjects(FEEDBACK_PREFIX + "*")))
                .build());
        role.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject", "s3:AbortMultipartUpload"))
                .resources(List.of(dataBucket.arnForObjects(FEEDBACK_ERRORS_PREFIX + "*")))
                .build());
        // claim = conditional Put; start/finish/details = Update; the counts = a transaction of Put + Update; find = Get
        jobsTable.grant(role, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem");

        dataUploadRule("FeedbackUploads", "mlserve: a CSV uploaded under feedback/<model>/ of the data bucket becomes a feedback job",
                FEEDBACK_PREFIX, new LambdaFunction(role, LambdaFunctionProps.builder()
                        .event(RuleTargetInput.fromObject(uploadedObject("file", false)))
                        .deadLetterQueue(deadLetterQueue("FeedbackUploadsDlq"))
                        .retryAttempts(4)
                        .maxEventAge(Duration.hours(6))
                        .build()));
        // a run that still fails (the job records why; this keeps the event) goes to an alarmed queue
        role.configureAsyncInvoke(EventInvokeConfigOptions.builder()
                .onFailure(new SqsDestination(deadLetterQueue("FeedbackFailures")))
                .retryAttempts(1)
                .build());
        return fn;
    }

    /**
     * The registry table as the registry and the canary guard use it (DynamoDbModelRegistry):
     * consistent GetItem, Query on one model, Scan for the model list, and TransactWriteItems made of
     * Puts only, which IAM authorises as PutItem. No Delete, no Update: nothing removes or patches
     * registry items.
     */
    private void grantRegistryAccess(JavaFunction fn) {
        registryTable.grant(fn.function(), "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem");
    }

    /**
     * The data bucket: {@code batch/input/} (an upload is a job), {@code batch/output/} (results) and
     * {@code batch/work/} (plans and per-range error files, scratch). EventBridge notifications are
     * set on the bucket itself (CloudFormation's NotificationConfiguration), not through CDK's
     * {@code eventBridgeEnabled}, which deploys a custom-resource Lambda to call the S3 API.
     */
    private Bucket dataBucket(Bucket accessLogs, RemovalPolicy removal) {
        var bucket = Bucket.Builder.create(this, "Data")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("data/")
                .lifecycleRules(List.of(
                        // plans and range error files are rewritten into outputs by finalize; a week covers any job
                        LifecycleRule.builder().id("expire-batch-work").prefix(WORK_PREFIX)
                                .expiration(Duration.days(7)).build(),
                        // a range writer that died mid-upload leaves parts that cost money and show nowhere
                        LifecycleRule.builder().id("abort-incomplete-uploads")
                                .abortIncompleteMultipartUploadAfter(Duration.days(7)).build()))
                .removalPolicy(removal)
                .build();
        ((CfnBucket) bucket.getNode().getDefaultChild()).setNotificationConfiguration(
                CfnBucket.NotificationConfigurationProperty.builder()
                        .eventBridgeConfiguration(CfnBucket.EventBridgeConfigurationProperty.builder()
                                .eventBridgeEnabled(true).build())
                        .build());
        return bucket;
    }

    /**
     * Jobs: pk = jobId, sk = JOB | RANGE#00000. Only JOB items carry {@code model} and {@code kind},
     * so the two indexes list jobs (newest first by {@code startedAt}) and never ranges.
     */
    private Table jobsTable(RemovalPolicy removal) {
        var table = table("Jobs", "pk", "sk", removal).build();
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName("byModel")
                .partitionKey(Attribute.builder().name("model").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("startedAt").type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName("all")
                .partitionKey(Attribute.builder().name("kind").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("startedAt").type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());
        return table;
    }

    /**
     * What the batch steps call, and nothing more. The input may be anywhere in the data bucket (the
     * jobs API accepts any key there), so reads cover the bucket; writes only the output and work
     * prefixes; no S3 or DynamoDB delete. ListBucket makes a missing object a 404 instead of a 403, so
     * a job whose input has gone fails with "not found" rather than "access denied".
     */
    private void grantBatchAccess() {
        var role = batch.function();
        modelsBucket.grantRead(role);
        role.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject"))
                .resources(List.of(dataBucket.arnForObjects("*")))
                .build());
        role.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(dataBucket.getBucketArn()))
                .build());
        // PutObject also covers multipart uploads (create, upload part, complete); abort cleans one up
        role.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:PutObject", "s3:AbortMultipartUpload"))
                .resources(List.of(dataBucket.arnForObjects(OUTPUT_PREFIX + "*"), dataBucket.arnForObjects(WORK_PREFIX + "*")))
                .build());
        // claim = conditional Put; start/finish = Update; a range = transaction of Put (RANGE item,
        // conditional) + Update (JOB counters); ranges(jobId) = Query. Nothing deletes a job.
        jobsTable.grant(role, "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:ConditionCheckItem");
        registryTable.grant(role, "dynamodb:GetItem"); // production alias and the version's sha256
        predictionsTable.grant(role, "dynamodb:BatchWriteItem", "dynamodb:PutItem"); // the sampled rows
        predictionSpill.grantSendMessages(role); // sampled rows the table does not take
        EventBus.fromEventBusName(this, "BatchEventsBus", "default").grantPutEventsTo(role);
    }

    /**
     * The registry answers the jobs API: claims a job (conditional Put), reads and lists jobs (both
     * indexes), checks the input object exists (HeadObject; ListBucket turns "missing" into a 404),
     * and starts the machine with {@code {"jobId", "claimed": true}}.
     */
    private void grantJobsApiAccess() {
        var fn = registry.function();
        fn.addEnvironment("DATA_BUCKET", dataBucket.getBucketName());
        fn.addEnvironment("JOBS_TABLE", jobsTable.getTableName());
        fn.addEnvironment("BATCH_STATE_MACHINE_ARN", batchJobs.getStateMachineArn());
        jobsTable.grant(fn, "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query");
        fn.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject"))
                .resources(List.of(dataBucket.arnForObjects("*")))
                .build());
        fn.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(dataBucket.getBucketArn()))
                .build());
        batchJobs.grantStartExecution(fn);
    }

    /**
     * The batch job flow (BATCH.md): an S3 upload (via the rule) or the API (already claimed) →
     * claim → plan → one Distributed Map child per byte range of the manifest → finalize. Every
     * failure after the claim goes to the batch function's {@code fail} step, which ends the job
     * FAILED with the reason, then to the Fail state, so no job is left RUNNING.
     */
    private StateMachine batchStateMachine(DeployTarget target) {
        var flow = new Construct(this, "BatchFlow"); // the states' scope: keeps their ids apart from the stack's
        var fn = batch.function();

        var fail = JobSteps.failSteps(flow, fn, "FailJob", "Failed", "BatchJobFailed", true);
        var failJob = fail.failJob();

        var claim = lambdaStep(flow, "Claim", fn, ordered(
                "step", "claim",
                "bucket", JsonPath.stringAt("$.bucket"),
                "key", JsonPath.stringAt("$.key"),
                "etag", JsonPath.stringAt("$.etag"),
                "size", JsonPath.numberAt("$.size")));
        // Before the claim there is no job to mark FAILED (and no jobId for the fail step, whose
        // parameters would then raise an uncatchable States.Runtime): a failed claim fails the execution.
        claim.addCatch(fail.failed(), CatchProps.builder().errors(List.of("States.ALL")).resultPath("$.error").build());
        var plan = lambdaStep(flow, "Plan", fn, ordered("step", "plan", "jobId", JsonPath.stringAt("$.jobId")));
        plan.addCatch(failJob, catchToFailStep());
        var finalizeJob = lambdaStep(flow, "Finalize", fn, ordered("step", "finalize", "jobId", JsonPath.stringAt("$.jobId")));
        finalizeJob.addCatch(failJob, catchToFailStep());

        var range = lambdaStep(flow, "Range", fn, null); // the item the selector built is its payload
        // A failed child fails the map with States.ExceedToleratedFailureThreshold and a generic cause
        // (on AWS and on the emulator): the range's own reason would be lost. So the child hands it to
        // the fail step itself; the job ends FAILED with it, and the outer fail step is then a no-op.
        var failRange = JobSteps.failSteps(flow, fn, "FailRange", "RangeFailed", "RangeFailed", true).failJob();
        range.addCatch(failRange, catchToFailStep());
        var ranges = DistributedMap.Builder.create(flow, "Ranges")
                .itemReader(new S3JsonItemReader(S3FileItemReaderProps.builder()
                        // bucketNamePath, not bucket: the reader then adds no s3:GetObject on the whole
                        // bucket; the role gets batch/work/* below
                        .bucketNamePath(JsonPath.stringAt("$.manifestBucket"))
                        .key(JsonPath.stringAt("$.manifestKey"))
                        .build()))
                .itemSelector(ordered(
                        "step", "range",
                        "jobId", JsonPath.stringAt("$$.Map.Item.Value.jobId"),
                        "index", JsonPath.numberAt("$$.Map.Item.Value.index"),
                        "start", JsonPath.numberAt("$$.Map.Item.Value.start"),
                        "end", JsonPath.numberAt("$$.Map.Item.Value.end")))
                // each child runs the JVM for up to 15 minutes: Standard children (Express stop at 5)
                .mapExecutionType(StateMachineType.STANDARD)
                // the emulator runs each concurrent child as a JVM on a 2-core machine
                .maxConcurrency(target == DeployTarget.LOCAL ? 2 : 100)
                .toleratedFailurePercentage(0) // one failed range fails the job (CDK omits the 0: it is the default)
                .resultPath(JsonPath.DISCARD) // finalize reads the counts from the jobs table, not from here
                .build();
        ranges.itemProcessor(range);
        ranges.addCatch(failJob, catchToFailStep());

        var definition = Choice.Builder.create(flow, "FromApi").build()
                // the jobs API has already claimed the job: {"jobId", "claimed": true}
                .when(Condition.and(Condition.isPresent("$.claimed"), Condition.booleanEquals("$.claimed", true)), plan)
                .otherwise(claim.next(Choice.Builder.create(flow, "Duplicate").build()
                        // the same object (bucket + key + ETag) has a job already: a re-sent event is a no-op
                        .when(Condition.booleanEquals("$.duplicate", true), Succeed.Builder.create(flow, "AlreadyClaimed").build())
                        .otherwise(plan)));
        plan.next(ranges).next(finalizeJob).next(Succeed.Builder.create(flow, "Done").build());

        var logs = LogGroup.Builder.create(this, "BatchJobsLogs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        var machine = StateMachine.Builder.create(this, "BatchJobs")
                .comment("mlserve batch prediction: claim, plan, predict each byte range, finalize")
                .stateMachineType(StateMachineType.STANDARD)
                .definitionBody(DefinitionBody.fromChainable(definition))
                .logs(LogOptions.builder().destination(logs).level(LogLevel.ERROR).includeExecutionData(false).build())
                .tracingEnabled(false)
                .build();
        // the ItemReader reads the plan's ranges.json
        machine.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("s3:GetObject"))
                .resources(List.of(dataBucket.arnForObjects(WORK_PREFIX + "*")))
                .build());
        return machine;
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        return JobSteps.ordered(keysAndValues);
    }

    private static CatchProps catchToFailStep() {
        return JobSteps.toFailStep();
    }

    /** A batch step (see {@link JobSteps#invoke}); a range that timed out is retried. */
    private static LambdaInvoke lambdaStep(Construct scope, String id, IFunction fn, Map<String, Object> payload) {
        return lambdaStep(scope, id, fn, payload, false);
    }

    /** @param discardResult true: the state's output is its input (the fail step keeps the caught error) */
    private static LambdaInvoke lambdaStep(Construct scope, String id, IFunction fn, Map<String, Object> payload,
            boolean discardResult) {
        return JobSteps.invoke(scope, id, fn, payload, discardResult, true);
    }

    /**
     * S3 "Object Created" under {@code batch/input/} in the data bucket starts the machine with the
     * claim step's payload. Events EventBridge cannot deliver (after retries) land in a DLQ.
     */
    private void batchUploadRule() {
        var dlq = deadLetterQueue("BatchUploadsDlq");
        dataUploadRule("BatchUploads", "mlserve: a file uploaded under batch/input/ of the data bucket becomes a batch job", INPUT_PREFIX,
                new SfnStateMachine(batchJobs, SfnStateMachineProps.builder()
                        .input(RuleTargetInput.fromObject(uploadedObject("claim", true)))
                        .deadLetterQueue(dlq)
                        .retryAttempts(10)
                        .maxEventAge(Duration.hours(6))
                        .build()));
    }

    /** S3 "Object Created" under {@code prefix} of the data bucket (EventBridge notifications) → {@code target}. */
    private void dataUploadRule(String id, String description, String prefix, IRuleTarget target) {
        Rule.Builder.create(this, id)
                .description(description)
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.s3"))
                        .detailType(List.of("Object Created"))
                        .detail(Map.of(
                                "bucket", Map.of("name", List.of(dataBucket.getBucketName())),
                                "object", Map.of("key", software.amazon.awscdk.services.events.Match.prefix(prefix))))
                        .build())
                .targets(List.of(target))
                .build();
    }

    /** The uploaded object as the job's first step reads it: step, bucket, key, etag (and size). */
    private static Map<String, Object> uploadedObject(String step, boolean withSize) {
        var input = new java.util.LinkedHashMap<String, Object>();
        input.put("step", step);
        input.put("bucket", EventField.fromPath("$.detail.bucket.name"));
        input.put("key", EventField.fromPath("$.detail.object.key"));
        input.put("etag", EventField.fromPath("$.detail.object.etag"));
        if (withSize) {
            input.put("size", EventField.fromPath("$.detail.object.size"));
        }
        return input;
    }

    /** An encrypted, TLS-only queue that keeps failed events for the 14 days SQS allows at most. */
    private Queue deadLetterQueue(String id) {
        var queue = Queue.Builder.create(this, id)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        deadLetterQueues.add(queue);
        return queue;
    }

    /** Every table alike: string keys, on-demand, point-in-time recovery, encrypted, the stack's removal policy. */
    private Table.Builder table(String id, String partitionKey, String sortKey, RemovalPolicy removal) {
        var builder = Table.Builder.create(this, id)
                .partitionKey(Attribute.builder().name(partitionKey).type(AttributeType.STRING).build());
        if (sortKey != null) {
            builder.sortKey(Attribute.builder().name(sortKey).type(AttributeType.STRING).build());
        }
        return builder.billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(removal);
    }

    private static Map<String, String> with(Map<String, String> shared, Map<String, String> own) {
        var all = new java.util.HashMap<>(shared);
        all.putAll(own);
        return all;
    }

    private RestApi restApi() {
        var restApi = RestApi.Builder.create(this, "Api")
                .restApiName("mlserve")
                .description("mlserve model serving API")
                // usage plans meter the key in x-api-key (the emulator has no AUTHORIZER key source)
                .apiKeySourceType(ApiKeySourceType.HEADER)
                .cloudWatchRole(false)
                .deployOptions(StageOptions.builder()
                        .stageName("prod")
                        .accessLogDestination(new LogGroupLogDestination(accessLog))
                        .accessLogFormat(AccessLogFormat.jsonWithStandardFields())
                        .throttlingRateLimit(STAGE_RATE_LIMIT)
                        .throttlingBurstLimit(STAGE_BURST_LIMIT)
                        .build())
                .build();
        // Request bodies: API Gateway REST caps a payload at 10 MB and a synchronous Lambda invoke at
        // 6 MB, neither configurable; the function refuses more than MAX_REQUEST_BYTES (default 1 MiB)
        // with 413 and more than MAX_INSTANCES_PER_REQUEST rows with 400 before any inference.
        var integrations = Map.of(
                "predict", new LambdaIntegration(predictTarget),
                "registry", new LambdaIntegration(registry.function()),
                "drift", new LambdaIntegration(drift.function()),
                "feedback", new LambdaIntegration(feedback.function()));
        var validator = restApi.addRequestValidator("Validator", RequestValidatorOptions.builder()
                // a body model cannot express "the features of this model"; the function validates bodies against the manifest
                .validateRequestParameters(true).validateRequestBody(true).build());
        // The authorizer maps the key to its role (keys table) and returns a policy for the whole API
        // (Allow all, Deny the admin routes for predict keys), so one cached answer fits every route.
        // Missing header: API Gateway answers 401 without calling it (caching is on).
        var keyAuthorizer = RequestAuthorizer.Builder.create(this, "KeyAuthorizer")
                .authorizerName("mlserve-api-keys")
                .handler(authorizer.function())
                .identitySources(List.of(IdentitySource.header("x-api-key")))
                .resultsCacheTtl(AUTHORIZER_CACHE_TTL)
                .build();
        for (var route : ROUTES) {
            var resource = restApi.getRoot().resourceForPath(route.path());
            resource.addMethod(route.method(), integrations.get(route.function()), methodOptions(route, validator, keyAuthorizer));
        }
        ApiErrorResponses.addTo(restApi);

        // No default key: `mlserve keys create` makes each key and adds it to its role's plan.
        for (var plan : PLANS) {
            usagePlans.put(plan.role(), restApi.addUsagePlan(capitalized(plan.role()) + "Plan", UsagePlanProps.builder()
                    .name(plan.name())
                    .description("mlserve: limits of each " + plan.role() + " key")
                    .throttle(ThrottleSettings.builder().rateLimit(plan.rate()).burstLimit(plan.burst()).build())
                    .quota(QuotaSettings.builder().limit(plan.quotaPerDay()).period(Period.DAY).build())
                    .apiStages(List.of(UsagePlanPerApiStage.builder().api(restApi).stage(restApi.getDeploymentStage()).build()))
                    .build()));
        }
        return restApi;
    }

    private static MethodOptions methodOptions(Route route, RequestValidator validator, RequestAuthorizer keyAuthorizer) {
        if (route.isPublic()) {
            return MethodOptions.builder().requestValidator(validator).build();
        }
        // Both checks: the API key meters and throttles (usage plan), the authorizer decides the role.
        return MethodOptions.builder()
                .apiKeyRequired(true)
                .authorizer(keyAuthorizer)
                .requestValidator(validator)
                .build();
    }

    private static String capitalized(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    /** Alarms on what should never happen quietly; each notifies the alarm topic. */
    private void alarms() {
        var period = AlarmTopic.PERIOD;
        var sum = MetricOptions.builder().statistic("Sum").period(period).build();
        // 5XXError's Average is the share of requests that failed with a 5xx: 5% in 3 of 5 minutes
        alarms.alarm("Api5xxRate", new AlarmTopic.Spec(
                "mlserve API: more than 5% of requests answered 5xx (stage prod); see the functions' logs",
                api.getDeploymentStage().metricServerError(MetricOptions.builder().statistic("Average").period(period).build()),
                0.05, 5, 3));
        // Powertools flushes PredictionLogWriteFailures (EMF) with the single dimension `model`
        // (PowertoolsServingEvents): a plain alarm would need one per model, and a Metrics Insights
        // query alarm does not deploy on the emulator (no metric math). The same event also writes
        // one ERROR log line {"event": "PredictionLogIncomplete", "failedRows": n}: counted here into
        // the same metric name without dimensions, i.e. the total over every model.
        var logWriteFailures = predict.logGroup().addMetricFilter("PredictionLogWriteFailures", MetricFilterOptions.builder()
                .filterPattern(FilterPattern.stringValue("$.event", "=", "PredictionLogIncomplete"))
                .metricNamespace("mlserve")
                .metricName("PredictionLogWriteFailures")
                .metricValue("$.failedRows")
                .build());
        alarms.alarm("PredictionLogWriteFailures", AlarmTopic.Spec.once(
                "mlserve predict: prediction log rows could not be written (predictions were answered but not logged)",
                logWriteFailures.metric(sum), 1));
        alarms.alarm("CanaryGuardErrors", AlarmTopic.Spec.once(
                "mlserve canary guard: a run failed, so canaries are not being checked; see its log",
                canaryGuard.function().metricErrors(sum), 1));
        for (var queue : deadLetterQueues) {
            alarms.alarm(queue.getNode().getId() + "Depth", AlarmTopic.Spec.once(
                    "mlserve: failed events are waiting in " + queue.getNode().getId() + "; inspect and redrive or purge",
                    queue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                            .statistic("Maximum").period(period).build()),
                    1));
        }
        alarms.alarm("BatchJobsFailed", AlarmTopic.Spec.once(
                "mlserve batch: a batch job execution failed; the job's failureReason and the execution history say why",
                batchJobs.metricFailed(sum), 1));
        alarms.alarm("BatchErrors", AlarmTopic.Spec.once(
                "mlserve batch: the batch function failed a step (retried or not); see its log",
                batch.function().metricErrors(sum), 1));
        // Batch ignores its sample's write result (a lost sample row must not fail a range), so predict's
        // PredictionLogIncomplete lines never cover it: its lost rows are counted from its own log lines.
        var batchRowsLost = batch.logGroup().addMetricFilter("BatchLogRowsLost", MetricFilterOptions.builder()
                .filterPattern(FilterPattern.stringValue("$.event", "=", "PredictionLogRowsLost"))
                .metricNamespace("mlserve")
                .metricName("BatchLogRowsLost")
                .metricValue("$.rows")
                .build());
        alarms.alarm("BatchLogRowsLost", AlarmTopic.Spec.once(
                "mlserve batch: logged sample rows were lost (neither the predictions table nor the spill took them); see its log",
                batchRowsLost.metric(sum), 1));
        alarms.alarm("PredictionSpillAge", AlarmTopic.Spec.once(
                "mlserve prediction log: spilled rows have waited more than " + SPILL_AGE_ALARM.toMinutes() + " minutes for the "
                        + "replay; the predictions table is still refusing writes or the log-replay function is failing (see its log)",
                predictionSpill.metricApproximateAgeOfOldestMessage(MetricOptions.builder().statistic("Maximum").period(period).build()),
                SPILL_AGE_ALARM.toSeconds().doubleValue()));
        alarms.alarm("LogReplayErrors", AlarmTopic.Spec.once(
                "mlserve log replay: the function failed (the spilled rows stay queued); see its log",
                logReplay.function().metricErrors(sum), 1));
        alarms.alarm("DriftErrors", AlarmTopic.Spec.once(
                "mlserve drift: the drift function failed (a check, a schedule firing or a route); see its log",
                drift.function().metricErrors(sum), 1));
        alarms.alarm("FeedbackErrors", AlarmTopic.Spec.once(
                "mlserve feedback: the feedback function failed (a route or a feedback file); see its log",
                feedback.function().metricErrors(sum), 1));
        for (var fn : List.of(predict, registry, authorizer, feedback)) {
            alarms.alarm(fn.getNode().getId() + "Throttles", AlarmTopic.Spec.once(
                    "mlserve " + fn.getNode().getId() + ": Lambda throttled invocations (callers got 429/500)",
                    fn.function().metricThrottles(sum), 1));
        }
        // REST APIs publish no throttle metric (only 4XXError, which counts every refused request),
        // so the access log's status field is counted instead: 429 = throttled or over quota.
        var throttled = accessLog.addMetricFilter("Api429", MetricFilterOptions.builder()
                .filterPattern(FilterPattern.stringValue("$.status", "=", "429"))
                .metricNamespace("mlserve")
                .metricName("ApiThrottledRequests")
                .metricValue("1")
                .build());
        // some 429s are a client meeting its plan's limit, which is normal; a steady stream is not
        alarms.alarm("Api429", AlarmTopic.Spec.once(
                "mlserve API: 10 or more requests per minute refused with 429 (usage plan throttle or quota)",
                throttled.metric(sum), 10));
    }

    private void outputs() {
        CfnOutput.Builder.create(this, "ApiUrl").value(api.getUrl()).build();
        CfnOutput.Builder.create(this, "RestApiId").value(api.getRestApiId()).build();
        CfnOutput.Builder.create(this, "ModelsBucketName").value(modelsBucket.getBucketName()).build();
        CfnOutput.Builder.create(this, "PredictionsTableName").value(predictionsTable.getTableName()).build();
        CfnOutput.Builder.create(this, "PredictFunctionName").value(predict.function().getFunctionName()).build();
        CfnOutput.Builder.create(this, "RegistryTableName").value(registryTable.getTableName()).build();
        CfnOutput.Builder.create(this, "RegistryFunctionName").value(registry.function().getFunctionName()).build();
        CfnOutput.Builder.create(this, "CanaryGuardFunctionName").value(canaryGuard.function().getFunctionName()).build();
        CfnOutput.Builder.create(this, "KeysTableName").value(keysTable.getTableName()).build();
        CfnOutput.Builder.create(this, "AuthorizerFunctionName").value(authorizer.function().getFunctionName()).build();
        CfnOutput.Builder.create(this, "PredictUsagePlanId").value(usagePlans.get("predict").getUsagePlanId()).build();
        CfnOutput.Builder.create(this, "AdminUsagePlanId").value(usagePlans.get("admin").getUsagePlanId()).build();
        CfnOutput.Builder.create(this, "DataBucketName").value(dataBucket.getBucketName()).build();
        CfnOutput.Builder.create(this, "JobsTableName").value(jobsTable.getTableName()).build();
        CfnOutput.Builder.create(this, "BatchStateMachineArn").value(batchJobs.getStateMachineArn()).build();
        CfnOutput.Builder.create(this, "BatchFunctionName").value(batch.function().getFunctionName()).build();
        CfnOutput.Builder.create(this, "TrainStateMachineArn").value(training.trainJobs.getStateMachineArn()).build();
        CfnOutput.Builder.create(this, "TrainFunctionName").value(training.trainFunction.function().getFunctionName()).build();
        CfnOutput.Builder.create(this, "DriftFunctionName").value(drift.function().getFunctionName()).build();
        CfnOutput.Builder.create(this, "FeedbackFunctionName").value(feedback.function().getFunctionName()).build();
        CfnOutput.Builder.create(this, "PredictionSpillQueueUrl").value(predictionSpill.getQueueUrl()).build();
        CfnOutput.Builder.create(this, "LogReplayFunctionName").value(logReplay.function().getFunctionName()).build();
        CfnOutput.Builder.create(this, "AlarmTopicArn").value(alarms.topic().getTopicArn()).build();
    }

    /** Every suppression says why; anything not listed here fails cdk-nag. */
    private void suppressions(Bucket accessLogs) {
        NagSuppressions.addResourceSuppressions(accessLogs, List.of(NagPackSuppression.builder().id("AwsSolutions-S1")
                .reason("this is the access-log bucket itself; logging it into itself would loop").build()));
        for (var fn : List.of(predict, registry, canaryGuard, authorizer, batch, training.trainFunction, drift, feedback, logReplay)) {
            suppressFunctionFindings(fn);
        }
        NagSuppressions.addResourceSuppressions(training, List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("training reads any object under training/ of the data bucket (a spec's data prefix is below it), "
                                + "reads and writes any version under models/ and any staged candidate under staging/ of the "
                                + "models bucket; the machine invokes the train "
                                + "function's versions (<arn>:*) and delivers its logs (CloudWatch Logs delivery actions support "
                                + "no resource but *)")
                        .appliesTo(List.of(
                                "Resource::<" + logicalId(dataBucket) + ".Arn>/" + TrainJobs.TRAINING_PREFIX + "*",
                                "Resource::<" + logicalId(modelsBucket) + ".Arn>/" + TrainJobs.MODELS_PREFIX + "*",
                                "Resource::<" + logicalId(modelsBucket) + ".Arn>/" + TrainJobs.STAGING_PREFIX + "*",
                                "Resource::<" + logicalId(training.trainFunction.function()) + ".Arn>:*",
                                "Resource::<" + logicalId(jobsTable) + ".Arn>/index/*",
                                "Resource::*"))
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-SF1")
                        .reason("ERROR level without execution data on purpose: the data is the caller's rows and specs; the "
                                + "jobs table and the execution history hold each job's progress and failure reason")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-SF2")
                        .reason("no part of mlserve uses X-Ray (the functions are not traced either); executions are "
                                + "followed through the jobs table and the execution history")
                        .build()),
                true);
        for (var queue : deadLetterQueues) {
            NagSuppressions.addResourceSuppressions(queue, List.of(NagPackSuppression.builder().id("AwsSolutions-SQS3")
                    .reason("this queue is itself a dead-letter queue (EventBridge target DLQ or Lambda on-failure "
                            + "destination); its depth is alarmed on").build()));
        }
        NagSuppressions.addResourceSuppressions(batchJobs, List.of(
                NagPackSuppression.builder().id("AwsSolutions-SF1")
                        .reason("ERROR level without execution data on purpose: ALL would log every state transition of "
                                + "every Distributed Map child (thousands per large job) and the data is the caller's rows; "
                                + "the jobs table and the execution history hold each job's progress and failure reason")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-SF2")
                        .reason("no part of mlserve uses X-Ray (the functions are not traced either); executions are "
                                + "followed through the jobs table, the execution history and the alarms")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("CDK's grants for this machine: invoking the batch function's versions (<arn>:*), "
                                + "CloudWatch Logs delivery (those logs: actions support no resource but *), the plans "
                                + "under batch/work/ that the Distributed Map reads, and describing, stopping and "
                                + "redriving this machine's own executions and map runs")
                        .appliesTo(List.of(
                                "Resource::<" + logicalId(batch.function()) + ".Arn>:*",
                                "Resource::*",
                                "Resource::<" + logicalId(dataBucket) + ".Arn>/" + WORK_PREFIX + "*",
                                RegexAppliesTo.builder().regex("/^Resource::arn:<AWS::Partition>:states:<AWS::Region>:"
                                        + "<AWS::AccountId>:execution:.*" + logicalId(batchJobs) + ".*:\\*$/g").build()))
                        .build()),
                true);
        NagSuppressions.addResourceSuppressions(api, List.of(
                NagPackSuppression.builder().id("AwsSolutions-APIG3")
                        .reason("WAF is an account-level choice; the API has per-key throttling and input limits").build(),
                NagPackSuppression.builder().id("AwsSolutions-APIG4")
                        .reason("every other route has the key authorizer; /health, /docs and /docs/openapi.yaml are "
                                + "public on purpose (status and static documentation, no data)").build(),
                NagPackSuppression.builder().id("AwsSolutions-COG4")
                        .reason("callers are services holding API keys (Lambda authorizer), not Cognito users").build(),
                NagPackSuppression.builder().id("AwsSolutions-APIG6")
                        .reason("execution logging needs an account-wide CloudWatch role; stage access logs are on").build()),
                true);
    }

    private void suppressFunctionFindings(JavaFunction fn) {
        NagSuppressions.addResourceSuppressions(fn.function(), List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM4")
                        .reason("AWSLambdaBasicExecutionRole only allows writing the function's own CloudWatch logs")
                        .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-L1")
                        .reason("java21 on purpose: the artifacts are built with --release 21 and tested on it").build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("CDK grants: s3:GetObject*/List* on the models bucket's objects only; DynamoDB access to "
                                + "this stack's tables and their indexes only; batch: data bucket objects (a job's input may "
                                + "be any key there) and writes under batch/output/ and batch/work/ only")
                        .appliesTo(List.of("Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*",
                                "Resource::<" + logicalId(modelsBucket) + ".Arn>/*",
                                "Resource::<" + logicalId(predictionsTable) + ".Arn>/index/*",
                                "Resource::<" + logicalId(registryTable) + ".Arn>/index/*",
                                "Resource::<" + logicalId(keysTable) + ".Arn>/index/*",
                                "Resource::<" + logicalId(jobsTable) + ".Arn>/index/*",
                                "Resource::<" + logicalId(dataBucket) + ".Arn>/*",
                                "Resource::<" + logicalId(dataBucket) + ".Arn>/" + OUTPUT_PREFIX + "*",
                                "Resource::<" + logicalId(dataBucket) + ".Arn>/" + WORK_PREFIX + "*",
                                "Resource::<" + logicalId(dataBucket) + ".Arn>/" + DRIFT_PREFIX + "*",
                                "Resource::<" + logicalId(modelsBucket) + ".Arn>/" + BASELINE_KEYS,
                                "Resource::<" + logicalId(modelsBucket) + ".Arn>/" + MANIFEST_KEYS,
                                "Resource::<" + logicalId(dataBucket) + ".Arn>/" + FEEDBACK_PREFIX + "*",
                                "Resource::<" + logicalId(dataBucket) + ".Arn>/" + FEEDBACK_ERRORS_PREFIX + "*"))
                        .build()), true);
    }

    private String logicalId(Construct construct) {
        return getLogicalId((CfnElement) construct.getNode().getDefaultChild());
    }

    /** @return the models bucket */
    public Bucket modelsBucket() {
        return modelsBucket;
    }

    /** @return the prediction log table */
    public Table predictionsTable() {
        return predictionsTable;
    }

    /** @return the registry table */
    public Table registryTable() {
        return registryTable;
    }

    /** @return the API keys table */
    public Table keysTable() {
        return keysTable;
    }

    /** @return the data bucket (batch input, output and work files) */
    public Bucket dataBucket() {
        return dataBucket;
    }

    /** @return the jobs table */
    public Table jobsTable() {
        return jobsTable;
    }

    /** @return the feedback function */
    public JavaFunction feedback() {
        return feedback;
    }

    /** @return the batch job state machine */
    public StateMachine batchJobs() {
        return batchJobs;
    }

    /** @return training: the train function and the TrainJobs state machine */
    public TrainJobs training() {
        return training;
    }

    /** @return the drift function */
    public JavaFunction drift() {
        return drift;
    }

    /** @return the prediction log's spill queue */
    public Queue predictionSpill() {
        return predictionSpill;
    }

    /** @return the log-replay function */
    public JavaFunction logReplay() {
        return logReplay;
    }

    /** @return the dead-letter queues of the asynchronous functions */
    public List<Queue> deadLetterQueues() {
        return List.copyOf(deadLetterQueues);
    }
}
