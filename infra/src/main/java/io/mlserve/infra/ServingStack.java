package io.mlserve.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.mlserve.infra.constructs.JavaFunction;
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
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.RequestValidatorOptions;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.apigateway.ThrottleSettings;
import software.amazon.awscdk.services.apigateway.UsagePlanPerApiStage;
import software.amazon.awscdk.services.apigateway.UsagePlanProps;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * Everything mlserve runs on: models bucket, prediction log table, the predict function and the
 * REST API in front of it. Deploys unchanged to AWS and to the emulator (only the function runtime
 * wiring differs, see {@link DeployTarget}).
 */
public final class ServingStack extends Stack {
    /** Requests per second one API key may send (steady / burst). */
    static final double RATE_LIMIT = 50;
    static final int BURST_LIMIT = 100;

    /**
     * @param target AWS or the local emulator
     * @param artifacts where the functions' jars are
     * @param removal what deleting the stack does to the bucket and tables
     */
    public record Settings(DeployTarget target, Artifacts artifacts, RemovalPolicy removal) {}

    private final Bucket modelsBucket;
    private final Table predictionsTable;
    private final Table registryTable;
    private final JavaFunction predict;
    private final JavaFunction registry;
    private final JavaFunction canaryGuard;
    private final RestApi api;

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

        predictionsTable = Table.Builder.create(this, "Predictions")
                // pk = <model>#<version>, sk = <time>#<requestId>#<row>: one Query answers
                // "this version's predictions in a time range", for the log API and drift.
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .timeToLiveAttribute("expiresAt")
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(removal)
                .build();
        // the log API's "all versions of a model in a time range"
        predictionsTable.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                .indexName("byModel")
                .partitionKey(Attribute.builder().name("model").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL)
                .build());

        registryTable = Table.Builder.create(this, "ModelRegistry")
                // pk = MODEL#<name>; sk = VERSION#<v> | ALIASES | AUDIT#<time>#<id> | MODEL
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(removal)
                .build();

        var shared = Map.of(
                "MODELS_BUCKET", modelsBucket.getBucketName(),
                "PREDICTIONS_TABLE", predictionsTable.getTableName(),
                "REGISTRY_TABLE", registryTable.getTableName(),
                "POWERTOOLS_METRICS_NAMESPACE", "mlserve");
        predict = new JavaFunction(this, "Predict", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "predict", "io.mlserve.function.predict.PredictHandler::handleRequest", 1024, Duration.seconds(30),
                with(shared, Map.of(
                        "PREDICTION_LOG_TTL_DAYS", "30",
                        "MAX_INSTANCES_PER_REQUEST", "1000",
                        "MODEL_ALIAS_TTL_SECONDS", "5",
                        "POWERTOOLS_SERVICE_NAME", "predict"))));
        // least privilege: predict appends to the log and reads one alias item, nothing more
        modelsBucket.grantRead(predict.function());
        predictionsTable.grant(predict.function(), "dynamodb:BatchWriteItem", "dynamodb:PutItem");
        registryTable.grant(predict.function(), "dynamodb:GetItem");

        registry = new JavaFunction(this, "Registry", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "registry", "io.mlserve.function.registry.RegistryHandler::handleRequest", 1024, Duration.seconds(30),
                with(shared, Map.of("POWERTOOLS_SERVICE_NAME", "registry"))));
        modelsBucket.grantRead(registry.function()); // registration validates the uploaded package
        registryTable.grantReadWriteData(registry.function());
        predictionsTable.grant(registry.function(), "dynamodb:Query"); // the prediction log API and stats (table + byModel)

        canaryGuard = new JavaFunction(this, "CanaryGuard", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "registry", "io.mlserve.function.registry.CanaryGuardHandler::handleRequest", 512, Duration.seconds(60),
                with(shared, Map.of("POWERTOOLS_SERVICE_NAME", "canary-guard", "EVENT_BUS_NAME", "default"))));
        registryTable.grantReadWriteData(canaryGuard.function());
        predictionsTable.grant(canaryGuard.function(), "dynamodb:Query");
        EventBus.fromEventBusName(this, "DefaultBus", "default").grantPutEventsTo(canaryGuard.function());
        Rule.Builder.create(this, "CanaryGuardSchedule")
                .description("mlserve: roll back canaries that break their error-rate or latency limits")
                .schedule(Schedule.rate(Duration.minutes(1)))
                .targets(List.of(new LambdaFunction(canaryGuard.function())))
                .build();

        api = restApi();
        outputs();
        suppressions(accessLogs);
    }

    private static Map<String, String> with(Map<String, String> shared, Map<String, String> own) {
        var all = new java.util.HashMap<>(shared);
        all.putAll(own);
        return all;
    }

    private RestApi restApi() {
        var accessLog = LogGroup.Builder.create(this, "ApiAccessLogs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        var restApi = RestApi.Builder.create(this, "Api")
                .restApiName("mlserve")
                .description("mlserve model serving API")
                .apiKeySourceType(ApiKeySourceType.HEADER)
                .cloudWatchRole(false)
                .deployOptions(StageOptions.builder()
                        .stageName("prod")
                        .accessLogDestination(new LogGroupLogDestination(accessLog))
                        .accessLogFormat(AccessLogFormat.jsonWithStandardFields())
                        .throttlingRateLimit(RATE_LIMIT * 4)
                        .throttlingBurstLimit(BURST_LIMIT * 4)
                        .build())
                .build();
        // Request bodies: API Gateway REST caps a payload at 10 MB and a synchronous Lambda invoke at
        // 6 MB, neither configurable; the function refuses more than MAX_REQUEST_BYTES (default 1 MiB)
        // with 413 and more than MAX_INSTANCES_PER_REQUEST rows with 400 before any inference.
        var integration = new LambdaIntegration(predict.function());
        var registryIntegration = new LambdaIntegration(registry.function());
        var validator = restApi.addRequestValidator("Validator", RequestValidatorOptions.builder()
                // a body model cannot express "the features of this model"; the function validates bodies against the manifest
                .validateRequestParameters(true).validateRequestBody(true).build());
        var withKey = MethodOptions.builder().apiKeyRequired(true).requestValidator(validator).build();
        restApi.getRoot().addResource("health").addMethod("GET", integration,
                MethodOptions.builder().requestValidator(validator).build());
        var models = restApi.getRoot().addResource("models");
        models.addMethod("GET", registryIntegration, withKey);
        var model = models.addResource("{name}");
        model.addMethod("GET", registryIntegration, withKey);
        model.addResource("predict").addMethod("POST", integration, withKey);
        var versions = model.addResource("versions");
        versions.addMethod("GET", registryIntegration, withKey);
        versions.addMethod("POST", registryIntegration, withKey);
        model.addResource("aliases").addResource("{alias}").addMethod("PUT", registryIntegration, withKey);
        model.addResource("audit").addMethod("GET", registryIntegration, withKey);
        model.addResource("stats").addMethod("GET", registryIntegration, withKey);
        restApi.getRoot().addResource("predictions").addMethod("GET", registryIntegration, withKey);

        var key = restApi.addApiKey("DefaultKey");
        var plan = restApi.addUsagePlan("DefaultPlan", UsagePlanProps.builder()
                .name("mlserve-default")
                .throttle(ThrottleSettings.builder().rateLimit(RATE_LIMIT).burstLimit(BURST_LIMIT).build())
                .apiStages(List.of(UsagePlanPerApiStage.builder().api(restApi).stage(restApi.getDeploymentStage()).build()))
                .build());
        plan.addApiKey(key);
        CfnOutput.Builder.create(this, "ApiKeyId").value(key.getKeyId()).build();
        return restApi;
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
    }

    /** Every suppression says why; anything not listed here fails cdk-nag. */
    private void suppressions(Bucket accessLogs) {
        NagSuppressions.addResourceSuppressions(accessLogs, List.of(NagPackSuppression.builder().id("AwsSolutions-S1")
                .reason("this is the access-log bucket itself; logging it into itself would loop").build()));
        for (var fn : List.of(predict, registry, canaryGuard)) {
            suppressFunctionFindings(fn);
        }
        NagSuppressions.addResourceSuppressions(api, List.of(
                NagPackSuppression.builder().id("AwsSolutions-APIG3")
                        .reason("WAF is an account-level choice; the API has per-key throttling and input limits").build(),
                NagPackSuppression.builder().id("AwsSolutions-APIG4")
                        .reason("model routes require an API key (usage plan); /health is public on purpose").build(),
                NagPackSuppression.builder().id("AwsSolutions-COG4")
                        .reason("callers are services holding API keys, not Cognito users").build(),
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
                                + "this stack's tables and their indexes only")
                        .appliesTo(List.of("Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*",
                                "Resource::<" + logicalId(modelsBucket) + ".Arn>/*",
                                "Resource::<" + logicalId(predictionsTable) + ".Arn>/index/*",
                                "Resource::<" + logicalId(registryTable) + ".Arn>/index/*"))
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
}
