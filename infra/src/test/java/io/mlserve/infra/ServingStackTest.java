package io.mlserve.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    private Template aws;
    private Template local;
    private ServingStack awsStack;
    private ServingStack localStack;

    @BeforeAll
    void synth(@TempDir Path tempRepo) throws IOException {
        repo = tempRepo;
        // Stand-in artifacts: the template only needs the files to exist.
        Files.createDirectories(repo.resolve("functions/predict/target"));
        Files.writeString(repo.resolve("functions/predict/target/predict.jar"), "jar");
        Files.createDirectories(repo.resolve("functions/registry/target"));
        Files.writeString(repo.resolve("functions/registry/target/registry.jar"), "jar");
        Files.createDirectories(repo.resolve("functions/local-runtime/target/runtime/lib"));
        Files.createDirectories(repo.resolve("functions/local-runtime/target/runtime/jni"));
        Files.writeString(repo.resolve("functions/local-runtime/target/runtime/lib/ric.jar"), "jar");
        Files.writeString(repo.resolve("functions/local-runtime/target/runtime/bootstrap"), "#!/bin/sh\n");
        awsStack = MlServingApp.build(app("aws"));
        localStack = MlServingApp.build(app("local"));
        aws = Template.fromStack(awsStack);
        local = Template.fromStack(localStack);
    }

    private App app(String target) {
        return new App(AppProps.builder().context(Map.of("target", target, "repoRoot", repo.toString())).build());
    }

    @Test
    void predictFunction_shouldRunJava21OnX86WithItsSettings_onAws() {
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Handler", "io.mlserve.function.predict.PredictHandler::handleRequest",
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
                        "JAVA_TOOL_OPTIONS", Match.stringLikeRegexp(".*TieredStopAtLevel=1.*"))))));
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Handler", "io.mlserve.function.registry.RegistryHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "MODELS_BUCKET", Match.anyValue(), "PREDICTIONS_TABLE", Match.anyValue(), "REGISTRY_TABLE", Match.anyValue())))));
    }

    @Test
    void predictFunction_shouldUseBootstrapRuntime_onlyOnTheEmulator() {
        local.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "provided.al2023",
                "Handler", "io.mlserve.function.predict.PredictHandler::handleRequest",
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
    void predictionsTable_shouldBeOnDemandWithTtlTimeOrderedKeysAndByModelIndex() {
        aws.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "BillingMode", "PAY_PER_REQUEST",
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "SSESpecification", Map.of("SSEEnabled", true),
                "GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of(
                        "IndexName", "byModel",
                        "KeySchema", List.of(Map.of("AttributeName", "model", "KeyType", "HASH"),
                                Map.of("AttributeName", "sk", "KeyType", "RANGE")))))));
    }

    @Test
    void registryTable_shouldBeOnDemandEncryptedWithBackups() {
        aws.resourceCountIs("AWS::DynamoDB::Table", 2);
        aws.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "BillingMode", "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "TimeToLiveSpecification", Match.absent()));
    }

    @Test
    void api_shouldRequireKeyOnModelRoutes_andLeaveHealthOpen() {
        aws.resourceCountIs("AWS::ApiGateway::Method", 10);
        assertThat(aws.findResources("AWS::ApiGateway::Method", Map.of("Properties", Map.of("ApiKeyRequired", true)))).hasSize(9);
        for (var path : List.of("versions", "aliases", "{alias}", "audit", "stats", "predictions", "models")) {
            aws.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", path));
        }
        aws.hasResourceProperties("AWS::ApiGateway::Method", Map.of("HttpMethod", "PUT", "ApiKeyRequired", true));
        aws.hasResourceProperties("AWS::ApiGateway::Method", Map.of("HttpMethod", "POST", "ApiKeyRequired", true,
                "Integration", Match.objectLike(Map.of("Type", "AWS_PROXY"))));
        aws.hasResourceProperties("AWS::ApiGateway::Method", Map.of("HttpMethod", "GET", "ApiKeyRequired", true));
        aws.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "predict"));
        aws.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "{name}"));
        aws.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "health"));
        aws.hasResourceProperties("AWS::ApiGateway::UsagePlan", Map.of("Throttle", Map.of("RateLimit", 50, "BurstLimit", 100)));
        aws.resourceCountIs("AWS::ApiGateway::ApiKey", 1);
    }

    /** The statements of the policy CDK attached to one function's role, as template maps. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> statementsOf(String functionId) {
        var policies = aws.findResources("AWS::IAM::Policy");
        assertThat(policies).hasSize(3);
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

    private Map<String, Object> arnOf(software.constructs.IConstruct resource) {
        var id = awsStack.getLogicalId((software.amazon.awscdk.CfnElement) resource.getNode().getDefaultChild());
        return Map.of("Fn::GetAtt", List.of(id, "Arn"));
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
                                "Action", Match.arrayWith(List.of("dynamodb:BatchWriteItem", "dynamodb:PutItem")),
                                "Resource", Match.arrayWith(List.of(arnOf(awsStack.predictionsTable()))))))))));
        assertThat(all(statements, "Action")).contains("dynamodb:GetItem")
                // no S3 writes, no registry writes, no reading other callers' predictions, no wildcards
                .doesNotContain("*", "s3:*", "dynamodb:*", "s3:PutObject", "s3:DeleteObject*",
                        "dynamodb:DeleteItem", "dynamodb:UpdateItem", "dynamodb:Scan", "dynamodb:Query");
        assertThat(all(statements, "Resource")).doesNotContain("*");
    }

    @Test
    void registryRole_shouldWriteRegistry_readPredictions_andNeverWriteModels() {
        var statements = statementsOf("Registry");

        assertThat(all(statements, "Action")).contains("s3:GetObject*", "dynamodb:PutItem", "dynamodb:Query")
                .doesNotContain("*", "s3:*", "dynamodb:*", "s3:PutObject", "s3:DeleteObject*");
        assertThat(all(statements, "Resource")).doesNotContain("*");
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
        // same resources under the same logical ids: nothing but the function wiring forks on the target
        assertThat(typesById(local)).isEqualTo(typesById(aws));
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
