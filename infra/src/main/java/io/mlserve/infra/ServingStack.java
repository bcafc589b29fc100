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
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
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
     */
    public record Settings(DeployTarget target, Artifacts artifacts) {}

    private final Bucket modelsBucket;
    private final Table predictionsTable;
    private final JavaFunction predict;
    private final RestApi api;

    /**
     * @param scope the app
     * @param id stack id
     * @param props stack props
     * @param settings target and artifacts
     */
    public ServingStack(Construct scope, String id, StackProps props, Settings settings) {
        super(scope, id, props);
        var removal = settings.target() == DeployTarget.AWS ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

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

        predict = new JavaFunction(this, "Predict", settings.target(), settings.artifacts(), new JavaFunction.Props(
                "predict", "io.mlserve.function.predict.PredictHandler::handleRequest", 1024, Duration.seconds(30),
                Map.of(
                        "MODELS_BUCKET", modelsBucket.getBucketName(),
                        "PREDICTIONS_TABLE", predictionsTable.getTableName(),
                        "PREDICTION_LOG_TTL_DAYS", "30",
                        "MAX_INSTANCES_PER_REQUEST", "1000",
                        "MODEL_ALIAS_TTL_SECONDS", "30",
                        "POWERTOOLS_SERVICE_NAME", "predict",
                        "POWERTOOLS_METRICS_NAMESPACE", "mlserve")));
        modelsBucket.grantRead(predict.function());
        predictionsTable.grantWriteData(predict.function());

        api = restApi();
        outputs();
        suppressions(accessLogs);
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
        var integration = new LambdaIntegration(predict.function());
        var validator = restApi.addRequestValidator("Validator", RequestValidatorOptions.builder()
                // a body model cannot express "the features of this model"; the function validates bodies against the manifest
                .validateRequestParameters(true).validateRequestBody(true).build());
        var withKey = MethodOptions.builder().apiKeyRequired(true).requestValidator(validator).build();
        restApi.getRoot().addResource("health").addMethod("GET", integration,
                MethodOptions.builder().requestValidator(validator).build());
        var model = restApi.getRoot().addResource("models").addResource("{name}");
        model.addMethod("GET", integration, withKey);
        model.addResource("predict").addMethod("POST", integration, withKey);

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
    }

    /** Every suppression says why; anything not listed here fails cdk-nag. */
    private void suppressions(Bucket accessLogs) {
        NagSuppressions.addResourceSuppressions(accessLogs, List.of(NagPackSuppression.builder().id("AwsSolutions-S1")
                .reason("this is the access-log bucket itself; logging it into itself would loop").build()));
        NagSuppressions.addResourceSuppressions(predict.function(), List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM4")
                        .reason("AWSLambdaBasicExecutionRole only allows writing the function's own CloudWatch logs")
                        .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-L1")
                        .reason("java21 on purpose: the artifacts are built with --release 21 and tested on it").build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("bucket.grantRead: s3:GetObject*/List* on the models bucket's objects only, no other bucket")
                        .appliesTo(List.of("Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*",
                                "Resource::<" + getLogicalId((CfnElement) modelsBucket.getNode().getDefaultChild()) + ".Arn>/*"))
                        .build()), true);
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

    /** @return the models bucket */
    public Bucket modelsBucket() {
        return modelsBucket;
    }

    /** @return the prediction log table */
    public Table predictionsTable() {
        return predictionsTable;
    }
}
