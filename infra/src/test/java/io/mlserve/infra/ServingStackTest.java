package io.mlserve.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlserve.infra.constructs.ApiErrorResponses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** What AWS would enforce, asserted on the synthesized template (the emulator enforces none of it). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServingStackTest {
    private Path repo;
    private Map<String, Object> cdkJsonContext;

    private Template aws;
    private Template local;
    private ServingStack awsStack;
    private ServingStack localStack;

    @BeforeAll
    void synth(@TempDir Path tempRepo) throws IOException {
        repo = tempRepo;
        // Stand-in artifacts: the template only needs the files to exist.
        StandInArtifacts.write(repo);
        // the feature flags `cdk synth` would use: the test apps get infra/cdk.json's context too
        var cdkJson = new ObjectMapper().readValue(Path.of("cdk.json").toFile(), new TypeReference<Map<String, Object>>() {});
        @SuppressWarnings("unchecked")
        var context = (Map<String, Object>) cdkJson.get("context");
        cdkJsonContext = context;
        awsStack = MlServingApp.build(app("aws"));
        localStack = MlServingApp.build(app("local"));
        aws = Template.fromStack(awsStack);
        local = Template.fromStack(localStack);
    }

    private App app(String target) {
        var context = new HashMap<>(cdkJsonContext);
        context.put("target", target);
        context.put("repoRoot", repo.toString());
        return new App(AppProps.builder().context(context).build());
    }

    @Test
    void predictFunction_shouldRunJava21OnX86WithItsSettings_onAws() {
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Handler", "io.mlserve.function.predict.PredictStreamHandler::handleRequest",
                "MemorySize", 1024,
                "Timeout", 30,
                "Architectures", List.of("x86_64"),
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "MODELS_BUCKET", Match.anyValue(),
                        "PREDICTIONS_TABLE", Match.anyValue(),
                        "MAX_INSTANCES_PER_REQUEST", "1000",
                        "PREDICTION_LOG_TTL_DAYS", "30",
                        "REGISTRY_TABLE", Match.anyValue(),
                        "MODEL_ALIAS_TTL_SECONDS", "5",
                        // full JIT: SnapStart's priming pays C2's warm-up before the snapshot
                        "JAVA_TOOL_OPTIONS", Match.absent())))));
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Handler", "io.mlserve.function.registry.RegistryHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "MODELS_BUCKET", Match.anyValue(), "PREDICTIONS_TABLE", Match.anyValue(), "REGISTRY_TABLE", Match.anyValue())))));
    }

    @Test
    void predictFunction_shouldPrimeTheModelsNamedInContext_onAwsOnly() {
        // GIVEN context primeModels (spaces allowed), and none
        var app = app("aws");
        app.getNode().setContext("primeModels", "iris, telco-churn");
        var primed = Template.fromStack(MlServingApp.build(app));

        // THEN the snapshot's priming gets them; without the context nothing is set
        primed.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.predict.PredictStreamHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("PRIME_MODELS", "iris,telco-churn")))));
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.predict.PredictStreamHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("PRIME_MODELS", Match.absent())))));
        var bad = app("aws");
        bad.getNode().setContext("primeModels", "Iris;drop");
        assertThatThrownBy(() -> MlServingApp.build(bad)).hasMessageContaining("primeModels");
    }

    @Test
    void predictFunction_shouldUseSnapStart_behindTheLiveAlias_onAwsOnly() {
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.predict.PredictStreamHandler::handleRequest",
                "SnapStart", Map.of("ApplyOn", "PublishedVersions")));
        aws.resourceCountIs("AWS::Lambda::Version", 1);
        aws.hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "live"));
        // API Gateway invokes the alias (its ARN), not the unqualified function ($LATEST has no snapshot)
        var methods = aws.findResources("AWS::ApiGateway::Method", Map.of("Properties", Map.of("HttpMethod", "POST")));
        assertThat(methods.toString()).contains("PredictLive");
        assertThat(local.findResources("AWS::Lambda::Alias", Map.of())).isEmpty();
        assertThat(local.toJSON().toString()).doesNotContain("SnapStart");
        // without a snapshot, the emulator keeps C1's quick start
        local.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.predict.PredictStreamHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "JAVA_TOOL_OPTIONS", Match.stringLikeRegexp(".*TieredStopAtLevel=1.*"))))));
    }

    @Test
    void predictFunction_shouldUseBootstrapRuntime_onlyOnTheEmulator() {
        local.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "provided.al2023",
                "Handler", "io.mlserve.function.predict.PredictStreamHandler::handleRequest",
                "MemorySize", 1024));
        assertThat(local.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "java21")))).isEmpty();
        assertThat(Files.isExecutable(repo.resolve("infra/target/local-bundles/predict/bootstrap"))).isTrue();
        assertThat(repo.resolve("infra/target/local-bundles/predict/lib/predict.jar")).exists();
    }

    @Test
    void modelsBucket_shouldBePrivateEncryptedAndTlsOnly() {
        aws.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration",
                        List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "LoggingConfiguration", Match.objectLike(Map.of())));
        aws.hasResourceProperties("AWS::S3::BucketPolicy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Action", "s3:*",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void modelsBucket_shouldKeepEveryObjectVersion_andLetTheModelReadersReadThem() {
        // GIVEN the models bucket: registration pins S3 object versions that every function then reads
        var bucket = (Map<String, Object>) ((Map<String, Object>) aws.toJSON().get("Resources")).get(logicalId(awsStack.modelsBucket()));
        var properties = (Map<String, Object>) bucket.get("Properties");

        // THEN versioning is on, and no lifecycle rule expires noncurrent versions (it would delete pinned ones) or
        // touches models/ at all
        assertThat(properties.get("VersioningConfiguration")).isEqualTo(Map.of("Status", "Enabled"));
        var lifecycle = (Map<String, Object>) properties.getOrDefault("LifecycleConfiguration", Map.of("Rules", List.of()));
        assertThat((List<Map<String, Object>>) lifecycle.get("Rules")).allSatisfy(rule -> {
            assertThat(rule).doesNotContainKeys("NoncurrentVersionExpiration", "NoncurrentVersionExpirationInDays",
                    "NoncurrentVersionTransitions", "NoncurrentVersionTransition");
            assertThat(rule.get("Prefix")).as("a rule scoped to a prefix outside models/").isInstanceOf(String.class);
            assertThat((String) rule.get("Prefix")).doesNotStartWith("models/").isNotEmpty();
        });
        // AND every function that fetches models may read object versions (GetObject with a versionId needs
        // s3:GetObjectVersion, which s3:GetObject* holds)
        var policies = aws.findResources("AWS::IAM::Policy");
        for (var function : List.of("Predict", "Registry", "Drift", "Batch", "TrainingTrain")) {
            var objectsArns = List.of(Map.of("Fn::Join", List.of("", List.of(arnOf(awsStack.modelsBucket()), "/*"))),
                    Map.of("Fn::Join", List.of("", List.of(arnOf(awsStack.modelsBucket()), "/models/*"))));
            var statements = policies.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(function) && e.getKey().contains("FunctionServiceRoleDefaultPolicy"))
                    .flatMap(e -> ((List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>) e.getValue()
                            .get("Properties")).get("PolicyDocument")).get("Statement")).stream())
                    .toList();
            assertThat(statements).as(function).anySatisfy(st -> {
                assertThat(listOf(st.get("Action"))).containsAnyOf("s3:GetObject*", "s3:GetObjectVersion");
                assertThat(listOf(st.get("Resource"))).containsAnyElementsOf(objectsArns);
            });
        }
    }

    @Test
    void predictionsTable_shouldBeOnDemandWithTtlTimeOrderedKeysAndBothModelWideIndexes() {
        aws.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "BillingMode", "PAY_PER_REQUEST",
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "SSESpecification", Map.of("SSEEnabled", true),
                // byModel (legacy items) stays first and unchanged: CloudFormation adds byModelShard as this update's one GSI change
                "GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of(
                        "IndexName", "byModel",
                        "KeySchema", List.of(Map.of("AttributeName", "model", "KeyType", "HASH"),
                                Map.of("AttributeName", "sk", "KeyType", "RANGE")))),
                        Match.objectLike(Map.of(
                        "IndexName", "byModelShard",
                        "KeySchema", List.of(Map.of("AttributeName", "modelShard", "KeyType", "HASH"),
                                Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                        "Projection", Map.of("ProjectionType", "ALL"))))));
    }

    @Test
    void functions_shouldGetTheDefaultLogShards_fromTheContextOrFour() {
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.registry.RegistryHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of("LOG_SHARDS", "4")))));

        var context = new HashMap<>(cdkJsonContext);
        context.put("target", "aws");
        context.put("repoRoot", repo.toString());
        context.put("logShards", "16");
        var sixteen = Template.fromStack(MlServingApp.build(new App(AppProps.builder().context(context).build())));
        for (var handler : List.of("io.mlserve.function.registry.RegistryHandler::handleRequest",
                "io.mlserve.function.train.TrainHandler::handleRequest")) {
            sixteen.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", handler,
                    "Environment", Map.of("Variables", Match.objectLike(Map.of("LOG_SHARDS", "16")))));
        }

        context.put("logShards", "65");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MlServingApp.build(new App(AppProps.builder().context(context).build())))
                .hasMessageContaining("logShards");
    }

    @Test
    void registryTable_shouldBeOnDemandEncryptedWithBackups() {
        aws.resourceCountIs("AWS::DynamoDB::Table", 4);
        aws.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "BillingMode", "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "TimeToLiveSpecification", Match.absent()));
    }

    @Test
    void api_shouldHaveEveryRouteOfTheContract_andNoOther() {
        aws.resourceCountIs("AWS::ApiGateway::Method", ServingStack.ROUTES.size());
        for (var path : List.of("health", "details", "docs", "openapi.yaml", "models", "{name}", "predict", "versions",
                "aliases", "{alias}", "audit", "stats", "predictions", "jobs", "{jobId}", "training", "train", "drift", "config",
                "history", "report", "{version}", "baseline", "feedback", "quality")) {
            aws.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", path));
        }
        aws.allResourcesProperties("AWS::ApiGateway::Method", Map.of("Integration", Match.objectLike(Map.of("Type", "AWS_PROXY"))));
        assertThat(ServingStack.ROUTES.stream().map(r -> r.method() + " " + r.path() + " " + r.role()))
                .containsExactlyInAnyOrder(
                        "GET /health public", "GET /docs public", "GET /docs/openapi.yaml public",
                        "GET /health/details predict", "POST /models/{name}/predict predict", "GET /models predict",
                        "GET /models/{name} predict", "GET /models/{name}/versions predict", "GET /models/{name}/versions/{version} predict",
                        "GET /models/{name}/stats predict",
                        "POST /models/{name}/versions admin", "PUT /models/{name}/aliases/{alias} admin",
                        "GET /models/{name}/audit admin", "GET /predictions admin",
                        "POST /models/{name}/jobs predict", "GET /jobs predict", "GET /jobs/{jobId} predict",
                        "POST /models/{name}/feedback predict",
                        "PUT /models/{name}/training admin", "GET /models/{name}/training admin", "POST /models/{name}/train admin",
                        "PUT /models/{name}/drift/config admin", "GET /models/{name}/drift/config admin", "POST /models/{name}/drift admin",
                        "GET /models/{name}/drift predict", "GET /models/{name}/drift/history predict",
                        "GET /models/{name}/drift/report predict", "PUT /models/{name}/versions/{version}/baseline admin",
                        "GET /models/{name}/quality predict", "POST /models/{name}/quality admin",
                        "PUT /models/{name}/quality/config admin", "GET /models/{name}/quality/config admin",
                        "GET /models/{name}/quality/report predict");
    }

    @Test
    void drift_shouldBeAFunctionWithItsRights_itsSchedules_andTheRuleToTraining() {
        // GIVEN
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.drift.DriftHandler::handleRequest", "Runtime", "java21", "MemorySize", 1536,
                "Timeout", 300,
                "Environment", Map.of("Variables", Match.objectLike(Map.of("POWERTOOLS_SERVICE_NAME", "drift",
                        "EVENT_BUS_NAME", "default", "SCHEDULE_GROUP", Match.anyValue(), "SCHEDULER_ROLE_ARN", Match.anyValue(),
                        "DATA_BUCKET", Match.anyValue())))));
        var statements = statementsOf("Drift");
        var text = statements.toString();

        // THEN its rights: read the log and the registry, write configs and summaries, reports under drift/, baselines
        assertThat(all(statements, "Action")).contains("dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "s3:PutObject",
                "s3:GetObject", "s3:ListBucket", "events:PutEvents", "scheduler:CreateSchedule", "scheduler:DeleteSchedule",
                "iam:PassRole").doesNotContain("*", "dynamodb:DeleteItem", "dynamodb:Scan", "s3:DeleteObject*");
        assertThat(all(statements, "Resource")).doesNotContain("*");
        assertThat(text).contains("/drift/*").contains("/models/*/*/baseline.json").contains("event-bus/default")
                .contains(":schedule/mlserve-");
        // the scheduler's role may invoke the drift function, and DriftDetected goes to the train function
        var schedulerPolicy = aws.findResources("AWS::IAM::Policy", Map.of("Properties", Map.of("PolicyName",
                Match.stringLikeRegexp("TrainingSchedulesSchedulerRole.*"))));
        assertThat(schedulerPolicy.toString()).contains(logicalId(awsStack.drift().function()));
        aws.hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Map.of("source", List.of("mlserve.drift"), "detail-type", List.of("DriftDetected")),
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", arnOf(awsStack.training().trainFunction.function()),
                        "DeadLetterConfig", Match.anyValue()))),
                "State", "ENABLED"));
        // ModelQualityDegraded (quality checks run by the same function) goes to the train function the same way
        aws.hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Map.of("source", List.of("mlserve.quality"), "detail-type", List.of("ModelQualityDegraded")),
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", arnOf(awsStack.training().trainFunction.function()),
                        "DeadLetterConfig", Match.anyValue(), "RetryPolicy", Match.anyValue()))),
                "State", "ENABLED"));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Errors",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", logicalId(awsStack.drift().function()))))));
    }

    @Test
    void feedback_shouldUpdateLogItemsOnly_readManifestsOnly_andTakeUploadsUnderFeedback() {
        // GIVEN
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.feedback.FeedbackHandler::handleRequest", "Runtime", "java21", "Timeout", 900,
                "Environment", Map.of("Variables", Match.objectLike(Map.of("POWERTOOLS_SERVICE_NAME", "feedback",
                        "JOBS_TABLE", Match.anyValue(), "PREDICTIONS_TABLE", Match.anyValue(), "PREDICTION_LOG_TTL_DAYS", "30")))));
        var statements = statementsOf("Feedback");
        var text = statements.toString();

        // THEN it may set actuals (UpdateItem) but never replace or delete a row, read only manifests of the models bucket,
        // read only feedback files and write only their error files
        assertThat(all(statements, "Action")).contains("dynamodb:UpdateItem", "dynamodb:GetItem", "dynamodb:PutItem",
                "s3:GetObject", "s3:PutObject").doesNotContain("*", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Scan",
                "dynamodb:Query", "s3:DeleteObject*", "s3:GetObject*", "s3:ListBucket");
        assertThat(all(statements, "Resource")).doesNotContain("*");
        assertThat(text).contains("/models/*/*/manifest.json").contains("/feedback/*").contains("/feedback-errors/*")
                .doesNotContain("/batch/");
        // PutItem only on the jobs table (claims): the predictions table gets UpdateItem and GetItem only
        for (var statement : statements) {
            var s = statement.toString();
            if (s.contains(logicalId(awsStack.predictionsTable()))) {
                assertThat(s).contains("dynamodb:UpdateItem").doesNotContain("dynamodb:PutItem");
            }
        }
        // an upload under feedback/ goes to the function as {"step": "file", bucket, key, etag}, with a DLQ
        aws.hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Map.of("source", List.of("aws.s3"), "detail-type", List.of("Object Created"),
                        "detail", Map.of("bucket", Map.of("name", List.of(Map.of("Ref", logicalId(awsStack.dataBucket())))),
                                "object", Map.of("key", List.of(Map.of("prefix", "feedback/"))))),
                "Targets", List.of(Match.objectLike(Map.of(
                        "Arn", arnOf(awsStack.feedback().function()),
                        "InputTransformer", Match.objectLike(Map.of("InputTemplate", Match.stringLikeRegexp(".*\"step\":\"file\".*"))),
                        "DeadLetterConfig", Match.anyValue()))),
                "State", "ENABLED"));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Errors",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", logicalId(awsStack.feedback().function()))))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    @Test
    void api_shouldRequireKeyAndAuthorizer_onEveryNonPublicMethod() {
        // GIVEN the one REQUEST authorizer
        var authorizers = aws.findResources("AWS::ApiGateway::Authorizer");
        assertThat(authorizers).hasSize(1);
        var authorizerId = authorizers.keySet().iterator().next();

        // THEN every non-public method needs the key AND the authorizer
        var keyed = aws.findResources("AWS::ApiGateway::Method", Map.of("Properties", Map.of("ApiKeyRequired", true)));
        assertThat(keyed).hasSize((int) ServingStack.ROUTES.stream().filter(r -> !r.isPublic()).count());
        aws.resourcePropertiesCountIs("AWS::ApiGateway::Method", Map.of(
                "ApiKeyRequired", true,
                "AuthorizationType", "CUSTOM",
                "AuthorizerId", Map.of("Ref", authorizerId)), keyed.size());
        // and the three public ones need neither
        var open = aws.findResources("AWS::ApiGateway::Method", Map.of("Properties", Map.of(
                "AuthorizationType", "NONE", "ApiKeyRequired", Match.absent(), "AuthorizerId", Match.absent())));
        assertThat(open).hasSize(3);
        assertThat(open.values().stream().map(m -> properties(m).get("HttpMethod"))).containsOnly("GET");
    }

    @Test
    void authorizer_shouldBeARequestAuthorizerOnTheKeyHeader_cachedFor30Seconds() {
        aws.hasResourceProperties("AWS::ApiGateway::Authorizer", Map.of(
                "Type", "REQUEST",
                "IdentitySource", "method.request.header.x-api-key",
                "AuthorizerResultTtlInSeconds", 30,
                "AuthorizerUri", Match.objectLike(Map.of())));
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Handler", "io.mlserve.function.authorizer.AuthorizerStreamHandler::handleRequest",
                "MemorySize", 512,
                "Timeout", 10,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "KEYS_TABLE", Map.of("Ref", logicalId(awsStack.keysTable())))))));
        // API Gateway may invoke it
        aws.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "Action", "lambda:InvokeFunction",
                "Principal", "apigateway.amazonaws.com",
                "FunctionName", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("AuthorizerFunction.*"), "Arn"))));
    }

    @Test
    void authorizerRole_shouldOnlyGetItemsFromTheKeysTable() {
        var statements = statementsOf("Authorizer");

        assertThat(all(statements, "Action")).containsExactly("dynamodb:GetItem");
        assertThat(all(statements, "Resource")).containsExactly(arnOf(awsStack.keysTable()));
    }

    @Test
    void keysTable_shouldBeKeyedByKeyHash_encrypted_withBackups_andNoStream() {
        aws.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "keyHash", "KeyType", "HASH")),
                "AttributeDefinitions", List.of(Map.of("AttributeName", "keyHash", "AttributeType", "S")),
                "BillingMode", "PAY_PER_REQUEST",
                "SSESpecification", Map.of("SSEEnabled", true),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "StreamSpecification", Match.absent()));
        aws.hasResource("AWS::DynamoDB::Table", Map.of(
                "Properties", Map.of("KeySchema", List.of(Map.of("AttributeName", "keyHash", "KeyType", "HASH"))),
                "DeletionPolicy", "Retain"));
    }

    @Test
    void usagePlans_shouldLimitEachRole_onTheProdStage_withoutADefaultKey() {
        aws.resourceCountIs("AWS::ApiGateway::UsagePlan", 2);
        var stage = Map.of("ApiId", Map.of("Ref", Match.stringLikeRegexp("Api.*")), "Stage", Map.of("Ref", Match.stringLikeRegexp("ApiDeploymentStageprod.*")));
        aws.hasResourceProperties("AWS::ApiGateway::UsagePlan", Map.of(
                "UsagePlanName", "mlserve-predict",
                "Throttle", Map.of("RateLimit", 50, "BurstLimit", 100),
                "Quota", Map.of("Limit", 1_000_000, "Period", "DAY"),
                "ApiStages", List.of(stage)));
        aws.hasResourceProperties("AWS::ApiGateway::UsagePlan", Map.of(
                "UsagePlanName", "mlserve-admin",
                "Throttle", Map.of("RateLimit", 10, "BurstLimit", 20),
                "Quota", Map.of("Limit", 100_000, "Period", "DAY"),
                "ApiStages", List.of(stage)));
        aws.resourceCountIs("AWS::ApiGateway::ApiKey", 0);
        aws.resourceCountIs("AWS::ApiGateway::UsagePlanKey", 0);
    }

    @Test
    void stackOutputs_shouldNameEverythingTheScriptsAndCliNeed_andNoKey() {
        var outputs = aws.findOutputs("*").keySet();
        assertThat(outputs).contains("ApiUrl", "RestApiId", "ModelsBucketName", "PredictionsTableName", "PredictFunctionName",
                        "RegistryTableName", "RegistryFunctionName", "CanaryGuardFunctionName", "KeysTableName",
                        "PredictUsagePlanId", "AdminUsagePlanId", "AlarmTopicArn", "AuthorizerFunctionName")
                .doesNotContain("ApiKeyId");
    }

    /** What the contract says API Gateway's own errors answer: type → status, code. */
    private static final Map<String, List<Object>> GATEWAY_ERRORS = Map.ofEntries(
            Map.entry("UNAUTHORIZED", List.of("401", "UNAUTHORIZED")),
            Map.entry("ACCESS_DENIED", List.of("403", "FORBIDDEN")),
            Map.entry("INVALID_API_KEY", List.of("403", "INVALID_API_KEY")),
            Map.entry("MISSING_AUTHENTICATION_TOKEN", List.of("404", "ROUTE_NOT_FOUND")),
            Map.entry("REQUEST_TOO_LARGE", List.of("413", "PAYLOAD_TOO_LARGE")),
            Map.entry("THROTTLED", List.of("429", "THROTTLED")),
            Map.entry("QUOTA_EXCEEDED", List.of("429", "THROTTLED")),
            Map.entry("UNSUPPORTED_MEDIA_TYPE", List.of("415", "UNSUPPORTED_MEDIA_TYPE")),
            Map.entry("DEFAULT_4XX", List.of("400", "BAD_REQUEST")),
            Map.entry("DEFAULT_5XX", List.of("500", "INTERNAL_ERROR")),
            Map.entry("AUTHORIZER_FAILURE", List.of("500", "INTERNAL_ERROR")),
            Map.entry("AUTHORIZER_CONFIGURATION_ERROR", List.of("500", "INTERNAL_ERROR")),
            Map.entry("INTEGRATION_FAILURE", List.of("504", "INTERNAL_ERROR")),
            Map.entry("INTEGRATION_TIMEOUT", List.of("504", "INTERNAL_ERROR")));

    @Test
    void gatewayResponses_shouldAnswerInTheErrorContract_forEveryResponseType() {
        // every API Gateway response type is customised, so none falls back to {"message": ...}
        aws.resourceCountIs("AWS::ApiGateway::GatewayResponse", 21);
        GATEWAY_ERRORS.forEach((type, expected) -> aws.hasResourceProperties("AWS::ApiGateway::GatewayResponse", Map.of(
                "ResponseType", type,
                "StatusCode", expected.get(0),
                "RestApiId", Map.of("Ref", Match.stringLikeRegexp("Api.*")),
                "ResponseParameters", Map.of("gatewayresponse.header.Content-Type", "'application/json'"),
                "ResponseTemplates", Map.of("application/json", Match.stringLikeRegexp(
                        "\\{\"error\": \\{\"code\": \"" + expected.get(1) + "\", \"message\": \"[^\"$\\\\]+\", "
                                + "\"details\": \\{\"requestId\": \"\\$context.requestId\"\\}\\}\\}")))));
    }

    @Test
    void gatewayResponseBodies_shouldBeJsonWithPlainMessages() throws IOException {
        var mapper = new ObjectMapper();
        for (var response : ApiErrorResponses.ALL) {
            var body = mapper.readTree(response.template());
            assertThat(body.at("/error/code").asText()).isEqualTo(response.code());
            assertThat(body.at("/error/details/requestId").asText()).isEqualTo("$context.requestId");
            // written for callers: a sentence, no class, library or AWS response-type names
            assertThat(body.at("/error/message").asText()).matches("[A-Z][^_]*\\.")
                    .doesNotContain("Exception", "API Gateway", "Lambda", "java");
        }
        assertThat(ApiErrorResponses.ALL.stream().map(r -> r.type().getResponseType()).collect(Collectors.toSet()))
                .hasSize(ApiErrorResponses.ALL.size());
    }

    /** The statements of the policy CDK attached to one function's role, as template maps. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> statementsOf(String functionId) {
        var policies = aws.findResources("AWS::IAM::Policy");
        // one per function, the batch machine's two (its own + Distributed Map), the upload rule's, the train machine's and
        // the training schedules' role (the drift function's, the feedback function's and the log replay's are among the
        // "one per function")
        assertThat(policies).hasSize(14);
        var policy = policies.entrySet().stream()
                .filter(e -> e.getKey().startsWith(functionId + "FunctionServiceRoleDefaultPolicy"))
                .map(Map.Entry::getValue).findFirst().orElseThrow();
        var document = (Map<String, Object>) ((Map<String, Object>) policy.get("Properties")).get("PolicyDocument");
        return (List<Map<String, Object>>) document.get("Statement");
    }

    private static List<Object> listOf(Object actionOrResource) {
        return actionOrResource instanceof List<?> list ? List.copyOf(list) : List.of(actionOrResource);
    }

    private static List<Object> all(List<Map<String, Object>> statements, String key) {
        return statements.stream().flatMap(st -> listOf(st.get(key)).stream()).toList();
    }

    private String logicalId(software.constructs.IConstruct resource) {
        return awsStack.getLogicalId((software.amazon.awscdk.CfnElement) resource.getNode().getDefaultChild());
    }

    private Map<String, Object> arnOf(software.constructs.IConstruct resource) {
        return Map.of("Fn::GetAtt", List.of(logicalId(resource), "Arn"));
    }

    @Test
    void predictRole_shouldReadModelsAndRegistry_writePredictions_andNothingElse() {
        // GIVEN the policy CDK's grants attached to the predict function's role
        var statements = statementsOf("Predict");

        // THEN reads on the models bucket and appends to the prediction log, each on its own resource
        aws.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("PredictFunctionServiceRole.*"))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Effect", "Allow",
                                "Action", Match.arrayWith(List.of("s3:GetObject*", "s3:List*")),
                                "Resource", Match.arrayWith(List.of(arnOf(awsStack.modelsBucket()))))),
                        Match.objectLike(Map.of("Effect", "Allow",
                                "Action", Match.arrayWith(List.of("dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem")),
                                "Resource", Match.arrayWith(List.of(arnOf(awsStack.predictionsTable()))))))))));
        assertThat(all(statements, "Action")).contains("dynamodb:GetItem")
                // no S3 writes, no registry writes, no reading other callers' predictions, no wildcards
                .doesNotContain("*", "s3:*", "dynamodb:*", "s3:PutObject", "s3:DeleteObject*",
                        "dynamodb:UpdateItem", "dynamodb:Scan", "dynamodb:Query");
        assertThat(all(statements, "Resource")).doesNotContain("*");
    }

    @Test
    void registryRole_shouldWriteRegistry_readPredictions_andNeverWriteModels_onlyBaselines() {
        var statements = statementsOf("Registry");

        assertThat(all(statements, "Action")).contains("s3:GetObject*", "dynamodb:PutItem", "dynamodb:Query")
                .doesNotContain("*", "s3:*", "dynamodb:*", "s3:DeleteObject*");
        assertThat(all(statements, "Resource")).doesNotContain("*");
        // the one S3 write: a registration with a "reference" stores the version's baseline.json (issue 9), nothing else
        var puts = statements.stream().filter(st -> listOf(st.get("Action")).stream().anyMatch(a -> a.toString().startsWith("s3:Put")))
                .toList();
        assertThat(puts).hasSize(1);
        assertThat(listOf(puts.get(0).get("Action"))).containsExactly("s3:PutObject");
        assertThat(listOf(puts.get(0).get("Resource"))).containsExactly(Map.of("Fn::Join", List.of("",
                List.of(arnOf(awsStack.modelsBucket()), "/" + ServingStack.BASELINE_KEYS))));
    }

    @Test
    void registryAndGuardRoles_shouldUseTheRegistryTable_withExactlyTheCallsTheyMake_andNoDelete() {
        for (var functionId : List.of("Registry", "CanaryGuard")) {
            // GIVEN the statements on the registry table (its ARN or its indexes)
            var registryArn = arnOf(awsStack.registryTable());
            var onRegistry = statementsOf(functionId).stream()
                    .filter(st -> listOf(st.get("Resource")).contains(registryArn)).toList();

            // THEN get, query, scan and put (transactions of puts), nothing that deletes or patches
            assertThat(all(onRegistry, "Action")).as(functionId)
                    .containsExactlyInAnyOrder("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem");
            // nothing deletes or patches the registry table (the registry's training rights on the jobs table, where
            // it releases training locks, are TrainingSchedulesTest's)
            var jobsArn = arnOf(awsStack.jobsTable());
            var notJobs = statementsOf(functionId).stream().filter(st -> !listOf(st.get("Resource")).contains(jobsArn)).toList();
            assertThat(all(notJobs, "Action")).as(functionId)
                    .noneMatch(action -> action.toString().matches("(?i)dynamodb:(Delete|Update|BatchWrite|\\*).*"))
                    .doesNotContain("*");
        }
    }

    @Test
    void functions_shouldReserveConcurrency_whereARunawayWouldHurt() {
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.registry.CanaryGuardHandler::handleRequest",
                "ReservedConcurrentExecutions", 1));
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.registry.RegistryHandler::handleRequest",
                "ReservedConcurrentExecutions", 10));
        // predict and the authorizer take the traffic, batch scales with the Distributed Map's MaxConcurrency, train with
        // its candidates' Map (at most 8 per job, one job per model), drift runs one check per call or schedule firing,
        // feedback is bounded by the predict usage plan (calls) and by uploads (files), the log replay by its event
        // source's MaximumConcurrency (2)
        aws.resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("ReservedConcurrentExecutions", Match.absent()), 7);
    }

    @Test
    void canaryGuardSchedule_shouldSendUndeliverableEventsToAnEncryptedDlq_andFailedRunsToAQueue() {
        // GIVEN the two queues: the rule target's DLQ and the function's on-failure destination
        var queues = awsStack.deadLetterQueues();
        // + the batch upload rule's DLQ, the DriftDetected and ModelQualityDegraded rules', the feedback upload rule's,
        // feedback's on-failure queue and the prediction spill's
        assertThat(queues).hasSize(8);
        aws.resourceCountIs("AWS::SQS::Queue", 9); // + the prediction spill itself
        aws.allResourcesProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 14 * 24 * 3600));
        for (var queue : queues) {
            aws.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of(
                    "Queues", List.of(Map.of("Ref", logicalId(queue))),
                    "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                            "Effect", "Deny", "Action", "sqs:*",
                            "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        }

        // THEN the schedule retries a little, then dead-letters
        aws.hasResourceProperties("AWS::Events::Rule", Map.of(
                "ScheduleExpression", "rate(1 minute)",
                "Targets", List.of(Match.objectLike(Map.of(
                        "DeadLetterConfig", Map.of("Arn", arnOf(queues.get(0))),
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 2, "MaximumEventAgeInSeconds", 300))))));
        // AND a failed run goes to the other queue
        aws.hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("CanaryGuardFunction.*")),
                "MaximumRetryAttempts", 1,
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", arnOf(queues.get(1))))));
    }

    @Test
    void alarmTopic_shouldBeKmsEncrypted_tlsOnly_andUsableByCloudWatch() {
        aws.resourceCountIs("AWS::SNS::Topic", 1);
        aws.hasResourceProperties("AWS::SNS::Topic", Map.of(
                "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("AlarmsKey.*"), "Arn"))));
        aws.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of("Statement",
                Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Action", "sns:Publish",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        aws.hasResourceProperties("AWS::KMS::Key", Map.of(
                "EnableKeyRotation", true,
                "KeyPolicy", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Allow",
                        "Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
                        "Action", List.of("kms:Decrypt", "kms:GenerateDataKey*"))))))));
    }

    /** Properties every mlserve alarm shares: notifies the topic, quiet when there is no data. */
    private static Map<String, Object> alarm(Map<String, Object> own) {
        var all = new HashMap<String, Object>(own);
        all.put("AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("AlarmsTopic.*"))));
        all.put("TreatMissingData", "notBreaching");
        all.put("ComparisonOperator", "GreaterThanOrEqualToThreshold");
        return all;
    }

    @Test
    void alarms_shouldWatchErrorsFailuresDlqsAndThrottles_andNotifyTheTopic() {
        // API 5xx rate, log write failures, guard errors, DLQ depth (x5), throttles (x3), API 429s,
        // batch executions failed, batch function errors, drift function errors; feedback: errors, throttles, 2 DLQs;
        // spill age, log replay errors, batch's lost log rows
        aws.resourceCountIs("AWS::CloudWatch::Alarm", 23);
        aws.allResourcesProperties("AWS::CloudWatch::Alarm", alarm(Map.of()));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", alarm(Map.of(
                "Namespace", "AWS/ApiGateway", "MetricName", "5XXError", "Statistic", "Average", "Threshold", 0.05,
                "Dimensions", Match.arrayWith(List.of(Map.of("Name", "Stage", "Value", Match.anyValue()))))));
        // the log-write failures of every model: the predict log's PredictionLogIncomplete lines, summed
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", alarm(Map.of(
                "Namespace", "mlserve", "MetricName", "PredictionLogWriteFailures", "Statistic", "Sum", "Threshold", 1,
                "Dimensions", Match.absent())));
        aws.hasResourceProperties("AWS::Logs::MetricFilter", Map.of(
                "LogGroupName", Map.of("Ref", Match.stringLikeRegexp("PredictLogs.*")),
                "FilterPattern", "{ $.event = \"PredictionLogIncomplete\" }",
                "MetricTransformations", List.of(Match.objectLike(Map.of(
                        "MetricNamespace", "mlserve", "MetricName", "PredictionLogWriteFailures", "MetricValue", "$.failedRows")))));
        // metric math (e.g. a Metrics Insights query) does not deploy on the emulator
        assertThat(aws.findResources("AWS::CloudWatch::Alarm", Map.of("Properties", Map.of("Metrics", Match.anyValue())))).isEmpty();
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", alarm(Map.of(
                "Namespace", "AWS/Lambda", "MetricName", "Errors", "Statistic", "Sum", "Threshold", 1,
                "Dimensions", List.of(Map.of("Name", "FunctionName",
                        "Value", Map.of("Ref", Match.stringLikeRegexp("CanaryGuardFunction.*")))))));
        for (var queue : awsStack.deadLetterQueues()) {
            aws.hasResourceProperties("AWS::CloudWatch::Alarm", alarm(Map.of(
                    "Namespace", "AWS/SQS", "MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 1,
                    "Dimensions", List.of(Map.of("Name", "QueueName",
                            "Value", Map.of("Fn::GetAtt", List.of(logicalId(queue), "QueueName")))))));
        }
        for (var fn : List.of("PredictFunction", "RegistryFunction", "AuthorizerFunction")) {
            aws.hasResourceProperties("AWS::CloudWatch::Alarm", alarm(Map.of(
                    "Namespace", "AWS/Lambda", "MetricName", "Throttles", "Statistic", "Sum", "Threshold", 1,
                    "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", Match.stringLikeRegexp(fn + ".*")))))));
        }
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", alarm(Map.of(
                "Namespace", "mlserve", "MetricName", "ApiThrottledRequests", "Statistic", "Sum", "Threshold", 10)));
        aws.hasResourceProperties("AWS::Logs::MetricFilter", Map.of(
                "LogGroupName", Map.of("Ref", Match.stringLikeRegexp("ApiAccessLogs.*")),
                "FilterPattern", "{ $.status = \"429\" }",
                "MetricTransformations", List.of(Match.objectLike(Map.of(
                        "MetricNamespace", "mlserve", "MetricName", "ApiThrottledRequests", "MetricValue", "1")))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> typesById(Template template) {
        var resources = (Map<String, Map<String, Object>>) template.toJSON().get("Resources");
        var types = new java.util.TreeMap<String, String>();
        resources.forEach((id, resource) -> types.put(id, (String) resource.get("Type")));
        return types;
    }

    @Test
    void localTarget_shouldDifferFromAws_onlyInTheFunctionRuntimeAndCode() {
        // same resources under the same logical ids: nothing but the function wiring forks on the target, plus
        // predict's SnapStart version and alias on AWS (the emulator has no SnapStart); the API deployment's id
        // hashes its integrations, so it differs by that suffix
        var awsTypes = new java.util.TreeMap<String, String>();
        typesById(aws).forEach((id, type) -> {
            if (!type.equals("AWS::Lambda::Version") && !type.equals("AWS::Lambda::Alias")) {
                awsTypes.put(id.startsWith("ApiDeployment") && type.equals("AWS::ApiGateway::Deployment") ? "ApiDeployment" : id, type);
            }
        });
        var localTypes = new java.util.TreeMap<String, String>();
        typesById(local).forEach((id, type) ->
                localTypes.put(id.startsWith("ApiDeployment") && type.equals("AWS::ApiGateway::Deployment") ? "ApiDeployment" : id, type));
        assertThat(localTypes).isEqualTo(awsTypes);
        assertThat(local.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "provided.al2023"))))
                .hasSameSizeAs(aws.findResources("AWS::Lambda::Function"));
    }

    @Test
    void bucketsAndTables_shouldBeRetainedOnStackDeletion_byDefault() {
        for (var template : List.of(aws, local)) {
            template.allResources("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain"));
            template.allResources("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain"));
        }
    }

    @Test
    void canaryGuard_shouldRunEveryMinute_andMayOnlyPublishToTheDefaultBus() {
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.registry.CanaryGuardHandler::handleRequest", "Runtime", "java21"));
        aws.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(1 minute)", "State", "ENABLED"));
        var statements = statementsOf("CanaryGuard");
        assertThat(all(statements, "Action")).contains("events:PutEvents", "dynamodb:Query")
                .doesNotContain("*", "s3:*", "s3:PutObject", "s3:GetObject*");
        assertThat(all(statements, "Resource")).doesNotContain("*");
        assertThat(statements.toString()).contains("event-bus/default");
    }

    @Test
    void cdkNag_shouldReportNoUnsuppressedErrors() {
        for (var stack : List.of(awsStack, localStack)) {
            var errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
            assertThat(errors).as("cdk-nag errors in %s", stack).isEmpty();
        }
    }
}
