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
        Files.createDirectories(repo.resolve("functions/local-runtime/target/runtime/lib"));
        Files.createDirectories(repo.resolve("functions/local-runtime/target/runtime/jni"));
        Files.writeString(repo.resolve("functions/local-runtime/target/runtime/lib/ric.jar"), "jar");
        Files.createDirectories(repo.resolve("functions/local-runtime/src/main/runtime"));
        Files.writeString(repo.resolve("functions/local-runtime/src/main/runtime/bootstrap"), "#!/bin/sh\n");
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
                        "JAVA_TOOL_OPTIONS", Match.stringLikeRegexp(".*TieredStopAtLevel=1.*"))))));
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
    void predictionsTable_shouldBeOnDemandWithTtlAndTimeOrderedKeys() {
        aws.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "BillingMode", "PAY_PER_REQUEST",
                "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "SSESpecification", Map.of("SSEEnabled", true)));
    }

    @Test
    void api_shouldRequireKeyOnModelRoutes_andLeaveHealthOpen() {
        aws.resourceCountIs("AWS::ApiGateway::Method", 3);
        aws.hasResourceProperties("AWS::ApiGateway::Method", Map.of("HttpMethod", "POST", "ApiKeyRequired", true,
                "Integration", Match.objectLike(Map.of("Type", "AWS_PROXY"))));
        aws.hasResourceProperties("AWS::ApiGateway::Method", Map.of("HttpMethod", "GET", "ApiKeyRequired", true));
        aws.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "predict"));
        aws.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "{name}"));
        aws.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "health"));
        aws.hasResourceProperties("AWS::ApiGateway::UsagePlan", Map.of("Throttle", Map.of("RateLimit", 50, "BurstLimit", 100)));
        aws.resourceCountIs("AWS::ApiGateway::ApiKey", 1);
    }

    @Test
    void predictRole_shouldReadModelsAndWritePredictions_andNothingElse() {
        var policies = aws.findResources("AWS::IAM::Policy");
        assertThat(policies).hasSize(1);
        var statements = aws.toJSON().toString();
        aws.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                Match.objectLike(Map.of("Action", Match.arrayWith(List.of("s3:GetObject*")), "Effect", "Allow")),
                Match.objectLike(Map.of("Action", Match.arrayWith(List.of("dynamodb:BatchWriteItem", "dynamodb:PutItem")),
                        "Effect", "Allow")))))));
        // no write to S3, no read of the log, no wildcard action or resource
        assertThat(statements).doesNotContain("s3:PutObject").doesNotContain("dynamodb:Query")
                .doesNotContain("\"Action\":\"*\"").doesNotContain("\"Resource\":\"*\"");
    }

    @Test
    void cdkNag_shouldReportNoUnsuppressedErrors() {
        for (var stack : List.of(awsStack, localStack)) {
            var errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
            assertThat(errors).as("cdk-nag errors in %s", stack).isEmpty();
        }
    }
}
