package io.mlserve.infra;

import static io.mlserve.infra.Synth.actionsOn;
import static io.mlserve.infra.Synth.all;
import static io.mlserve.infra.Synth.arnOf;
import static io.mlserve.infra.Synth.listOf;
import static io.mlserve.infra.Synth.logicalId;
import static io.mlserve.infra.Synth.objects;
import static io.mlserve.infra.Synth.properties;
import static io.mlserve.infra.Synth.props;
import static io.mlserve.infra.Synth.resources;
import static io.mlserve.infra.Synth.statementsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/**
 * Bulk prediction (issue 7, BATCH.md) as AWS would run it: the data bucket and its EventBridge
 * notifications, the jobs table, the batch function, the BatchJobs state machine, the upload rule,
 * the jobs API's grants and routes, alarms and outputs, asserted on the synthesized template.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchJobsStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Template aws;
    private Template local;
    private ServingStack awsStack;
    private ServingStack localStack;

    @BeforeAll
    void synth(@TempDir Path repo) throws IOException {
        // Stand-in artifacts: the template only needs the files to exist.
        StandInArtifacts.write(repo);
        awsStack = Synth.stack(repo, "aws");
        localStack = Synth.stack(repo, "local");
        aws = Template.fromStack(awsStack);
        local = Template.fromStack(localStack);
    }

    // ---- data bucket -------------------------------------------------------------------------

    @Test
    void dataBucket_shouldBePrivateEncryptedLoggedAndTlsOnly_withEventBridgeOn_andWorkFilesExpiring() {
        aws.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration",
                        List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "LoggingConfiguration", Map.of(
                        "DestinationBucketName", Map.of("Ref", Match.stringLikeRegexp("AccessLogs.*")),
                        "LogFilePrefix", "data/"),
                "NotificationConfiguration", Map.of("EventBridgeConfiguration", Map.of("EventBridgeEnabled", true)),
                "LifecycleConfiguration", Map.of("Rules", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Prefix", "batch/work/", "ExpirationInDays", 7, "Status", "Enabled")))))));
        // only batch/work/ expires: inputs and outputs are the user's
        var rules = JSON.valueToTree(properties(aws, awsStack, awsStack.dataBucket())).at("/LifecycleConfiguration/Rules");
        for (var rule : rules) {
            assertThat(rule.has("ExpirationInDays")).as(rule.toString()).isEqualTo("batch/work/".equals(rule.path("Prefix").asText()));
        }
        aws.hasResourceProperties("AWS::S3::BucketPolicy", Map.of(
                "Bucket", Map.of("Ref", logicalId(awsStack, awsStack.dataBucket())),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny", "Action", "s3:*",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        // the notification is the bucket's own property, not CDK's custom-resource Lambda
        aws.resourceCountIs("Custom::S3BucketNotifications", 0);
    }

    // ---- jobs table --------------------------------------------------------------------------

    @Test
    void jobsTable_shouldBeKeyedByJobAndItem_withByModelAndAllIndexesOnStartedAt() {
        aws.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                "BillingMode", "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                "SSESpecification", Map.of("SSEEnabled", true),
                "GlobalSecondaryIndexes", Match.arrayEquals(List.of(
                        Map.of("IndexName", "byModel",
                                "KeySchema", List.of(Map.of("AttributeName", "model", "KeyType", "HASH"),
                                        Map.of("AttributeName", "startedAt", "KeyType", "RANGE")),
                                "Projection", Map.of("ProjectionType", "ALL")),
                        Map.of("IndexName", "all",
                                "KeySchema", List.of(Map.of("AttributeName", "kind", "KeyType", "HASH"),
                                        Map.of("AttributeName", "startedAt", "KeyType", "RANGE")),
                                "Projection", Map.of("ProjectionType", "ALL"))))));
        assertThat(logicalId(awsStack, awsStack.jobsTable())).startsWith("Jobs");
        aws.hasResource("AWS::DynamoDB::Table", Map.of(
                "Properties", Map.of("GlobalSecondaryIndexes", Match.arrayWith(List.of(Match.objectLike(Map.of("IndexName", "all"))))),
                "DeletionPolicy", "Retain"));
    }

    // ---- batch function ----------------------------------------------------------------------

    private static Map<String, Object> batchEnvironment() {
        return Map.of(
                "MODELS_BUCKET", Match.anyValue(),
                "REGISTRY_TABLE", Match.anyValue(),
                "PREDICTIONS_TABLE", Match.anyValue(),
                "DATA_BUCKET", Map.of("Ref", Match.stringLikeRegexp("Data.*")),
                "JOBS_TABLE", Map.of("Ref", Match.stringLikeRegexp("Jobs.*")),
                "EVENT_BUS_NAME", "default",
                "BATCH_RANGE_BYTES", "67108864",
                "BATCH_LOG_SAMPLE_RATE", "0.01",
                "BATCH_CHUNK_ROWS", "1024",
                "POWERTOOLS_SERVICE_NAME", "batch");
    }

    @Test
    void batchFunction_shouldHaveTheContractsHandlerEnvMemoryAndTimeout_andTheFullJitOnAws() {
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Handler", "io.mlserve.function.batch.BatchHandler::handleRequest",
                "MemorySize", 2048,
                "Timeout", 900,
                "Architectures", List.of("x86_64"),
                "Environment", Map.of("Variables", Match.objectLike(batchEnvironment()))));
        // throughput-bound: no C1-only JAVA_TOOL_OPTIONS (the request/response functions keep it)
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.batch.BatchHandler::handleRequest",
                "Environment", Map.of("Variables", Map.of("JAVA_TOOL_OPTIONS", Match.absent()))));
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.predict.PredictStreamHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "JAVA_TOOL_OPTIONS", Match.stringLikeRegexp(".*TieredStopAtLevel=1.*"))))));
        // the emulator gets the same settings (the default range size too) on the bootstrap runtime
        local.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "provided.al2023",
                "Handler", "io.mlserve.function.batch.BatchHandler::handleRequest",
                "MemorySize", 2048,
                "Timeout", 900,
                "Environment", Map.of("Variables", Match.objectLike(batchEnvironment()))));
    }

    @Test
    void batchRole_shouldReadInputsModelsAndRegistry_writeOnlyOutputAndWork_andNeverDelete() {
        var statements = statementsOf(aws, "BatchFunctionServiceRoleDefaultPolicy");
        var data = arnOf(awsStack, awsStack.dataBucket());

        assertThat(actionsOn(statements, objects(data, "*"))).containsExactly("s3:GetObject");
        assertThat(actionsOn(statements, data)).containsExactly("s3:ListBucket");
        assertThat(actionsOn(statements, objects(data, "batch/output/*"))).containsExactlyInAnyOrder("s3:PutObject", "s3:AbortMultipartUpload");
        assertThat(actionsOn(statements, objects(data, "batch/work/*"))).containsExactlyInAnyOrder("s3:PutObject", "s3:AbortMultipartUpload");
        assertThat(actionsOn(statements, arnOf(awsStack, awsStack.modelsBucket()))).contains("s3:GetObject*").noneMatch(a -> a.startsWith("s3:Put"));
        assertThat(actionsOn(statements, arnOf(awsStack, awsStack.jobsTable()))).containsExactlyInAnyOrder(
                "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem");
        assertThat(actionsOn(statements, arnOf(awsStack, awsStack.registryTable()))).containsExactly("dynamodb:GetItem");
        assertThat(actionsOn(statements, arnOf(awsStack, awsStack.predictionsTable()))).containsExactlyInAnyOrder(
                "dynamodb:BatchWriteItem", "dynamodb:PutItem");
        assertThat(statements.toString()).contains("events:PutEvents", "event-bus/default");
        assertNoWildcardsOrDeletes(statements);
    }

    // ---- state machine -----------------------------------------------------------------------

    @Test
    void stateMachine_shouldClaimPlanMapFinalize_withEveryFailureEndingInTheFailStep() {
        // GIVEN the definition, with the partition rendered as "aws" and other tokens as placeholders
        var states = definition(aws).path("States");
        assertThat(definition(aws).path("StartAt").asText()).isEqualTo("FromApi");

        // THEN the flow of BATCH.md: API input skips the claim, a duplicate ends, else plan → map → finalize
        var fromApi = states.path("FromApi");
        assertThat(fromApi.path("Type").asText()).isEqualTo("Choice");
        assertThat(fromApi.at("/Choices/0/Next").asText()).isEqualTo("Plan");
        assertThat(fromApi.at("/Choices/0").toString()).contains("\"Variable\":\"$.claimed\"", "\"BooleanEquals\":true");
        assertThat(fromApi.path("Default").asText()).isEqualTo("Claim");
        assertThat(states.at("/Claim/Next").asText()).isEqualTo("Duplicate");
        assertThat(states.at("/Duplicate/Choices/0/Variable").asText()).isEqualTo("$.duplicate");
        assertThat(states.at("/" + states.at("/Duplicate/Choices/0/Next").asText() + "/Type").asText()).isEqualTo("Succeed");
        assertThat(states.at("/Duplicate/Default").asText()).isEqualTo("Plan");
        assertThat(states.at("/Plan/Next").asText()).isEqualTo("Ranges");
        assertThat(states.at("/Ranges/Next").asText()).isEqualTo("Finalize");
        assertThat(states.at("/" + states.at("/Finalize/Next").asText() + "/Type").asText()).isEqualTo("Succeed");
        assertThat(states.at("/FailJob/Next").asText()).isEqualTo("Failed");
        assertThat(states.at("/Failed/Type").asText()).isEqualTo("Fail");

        // AND each step sends the contract's payload to the batch function
        assertThat(payload(states, "Claim")).isEqualTo(Map.of("step", "claim", "bucket.$", "$.bucket", "key.$", "$.key",
                "etag.$", "$.etag", "size.$", "$.size"));
        assertThat(payload(states, "Plan")).isEqualTo(Map.of("step", "plan", "jobId.$", "$.jobId"));
        assertThat(payload(states, "Finalize")).isEqualTo(Map.of("step", "finalize", "jobId.$", "$.jobId"));
        assertThat(payload(states, "FailJob")).isEqualTo(Map.of("step", "fail", "jobId.$", "$.jobId",
                "error.$", "$.error.Error", "cause.$", "$.error.Cause"));

        // AND every task with a job and the map catch everything into the fail step, keeping the error at $.error
        var catching = new ArrayList<String>();
        states.properties().forEach(state -> {
            var type = state.getValue().path("Type").asText();
            if (type.equals("Task") || type.equals("Map")) {
                var catches = state.getValue().path("Catch");
                assertThat(catches.size()).as(state.getKey()).isEqualTo(1);
                assertThat(catches.at("/0/ErrorEquals").toString()).as(state.getKey()).isEqualTo("[\"States.ALL\"]");
                catching.add(state.getKey() + " -> " + catches.at("/0/Next").asText());
            }
        });
        // the claim has no job yet (and no jobId for the fail step's payload); the fail step cannot catch into itself
        assertThat(catching).containsExactlyInAnyOrder("Claim -> Failed", "Plan -> FailJob", "Ranges -> FailJob",
                "Finalize -> FailJob", "FailJob -> Failed");
        for (var name : List.of("Plan", "Ranges", "Finalize")) {
            assertThat(states.at("/" + name + "/Catch/0/ResultPath").asText()).isEqualTo("$.error");
        }
    }

    @Test
    void stateMachine_shouldMapTheManifestsRanges_inDistributedMode_withoutBatcherOrWriter() {
        for (var target : List.of("aws", "local")) {
            var map = definition(target.equals("aws") ? aws : local).at("/States/Ranges");

            assertThat(map.path("Type").asText()).isEqualTo("Map");
            assertThat(map.at("/ItemProcessor/ProcessorConfig/Mode").asText()).isEqualTo("DISTRIBUTED");
            assertThat(map.at("/ItemProcessor/ProcessorConfig/ExecutionType").asText()).isEqualTo("STANDARD");
            assertThat(map.at("/ItemReader/Resource").asText()).isEqualTo("arn:aws:states:::s3:getObject");
            assertThat(map.at("/ItemReader/ReaderConfig/InputType").asText()).isEqualTo("JSON");
            assertThat(map.at("/ItemReader/Parameters").toString())
                    .isEqualTo("{\"Bucket.$\":\"$.manifestBucket\",\"Key.$\":\"$.manifestKey\"}");
            // the emulator ignores both: the design relies on neither
            assertThat(map.has("ItemBatcher")).isFalse();
            assertThat(map.has("ResultWriter")).isFalse();
            assertThat(map.at("/ItemSelector").toString()).isEqualTo("{\"step\":\"range\",\"jobId.$\":\"$$.Map.Item.Value.jobId\","
                    + "\"index.$\":\"$$.Map.Item.Value.index\",\"start.$\":\"$$.Map.Item.Value.start\",\"end.$\":\"$$.Map.Item.Value.end\"}");
            // no failure tolerated: CDK leaves out a 0 percentage, which is the service's default (and the emulator's)
            assertThat(map.path("ToleratedFailurePercentage").asInt(0)).isZero();
            assertThat(map.has("ToleratedFailureCount")).isFalse();
            assertThat(map.path("ResultPath").isNull()).as("ResultPath null").isTrue();
            assertThat(map.path("MaxConcurrency").asInt()).isEqualTo(target.equals("aws") ? 100 : 2);

            // one range per child: the item the selector built is the payload, retried on service errors, throttles, timeouts
            var range = map.at("/ItemProcessor/States/Range");
            assertThat(range.at("/Parameters/Payload.$").asText()).isEqualTo("$");
            var retry = range.at("/Retry/0");
            assertThat(retry.path("ErrorEquals").toString()).contains("Lambda.ServiceException", "Lambda.TooManyRequestsException",
                    "Lambda.SdkClientException", "States.Timeout", "Sandbox.Timedout");
            assertThat(retry.path("MaxAttempts").asInt()).isEqualTo(3);
            assertThat(retry.path("BackoffRate").asInt()).isEqualTo(2);
            // a failed range hands its own reason to the fail step (the map's error would only say "threshold exceeded")
            assertThat(range.at("/Catch/0/ErrorEquals").toString()).isEqualTo("[\"States.ALL\"]");
            assertThat(range.at("/Catch/0/ResultPath").asText()).isEqualTo("$.error");
            assertThat(range.at("/Catch/0/Next").asText()).isEqualTo("FailRange");
            var processor = map.at("/ItemProcessor/States");
            assertThat(payload(processor, "FailRange")).isEqualTo(Map.of("step", "fail", "jobId.$", "$.jobId",
                    "error.$", "$.error.Error", "cause.$", "$.error.Cause"));
            assertThat(processor.at("/FailRange/Next").asText()).isEqualTo("RangeFailed");
            assertThat(processor.at("/FailRange/Catch/0/Next").asText()).isEqualTo("RangeFailed");
            assertThat(processor.at("/RangeFailed/Type").asText()).isEqualTo("Fail");
        }
    }

    @Test
    void stateMachine_shouldLogErrorsWithoutData_toItsLogGroup() {
        aws.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "StateMachineType", "STANDARD",
                "LoggingConfiguration", Map.of(
                        "Level", "ERROR",
                        "IncludeExecutionData", false,
                        "Destinations", List.of(Map.of("CloudWatchLogsLogGroup", Map.of("LogGroupArn",
                                Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("BatchJobsLogs.*"), "Arn"))))))));
    }

    @Test
    void stateMachineRole_shouldInvokeOnlyTheBatchFunction_readOnlyThePlans_andRunOnlyItsOwnMapRuns() {
        var statements = statementsOf(aws, "BatchJobsRoleDefaultPolicy");
        var batchArn = arnOf(awsStack, functionOf("Batch"));

        assertThat(actionsOn(statements, batchArn)).containsExactly("lambda:InvokeFunction");
        assertThat(actionsOn(statements, objects(arnOf(awsStack, awsStack.dataBucket()), "batch/work/*"))).containsExactly("s3:GetObject");
        assertThat(all(statements, "Action")).filteredOn(a -> a.startsWith("s3:") || a.startsWith("lambda:"))
                .containsExactlyInAnyOrder("s3:GetObject", "lambda:InvokeFunction");
        // "*" only for CloudWatch Logs delivery, whose actions take no resource
        for (var statement : statements) {
            if (listOf(statement.get("Resource")).contains("*")) {
                assertThat(listOf(statement.get("Action"))).allMatch(a -> a.toString().startsWith("logs:"));
            }
        }
        assertThat(all(statements, "Action")).doesNotContain("*", "s3:*", "lambda:*");

        var mapRuns = statementsOf(aws, "BatchJobsDistributedMapPolicy");
        assertThat(actionsOn(mapRuns, Map.of("Ref", logicalId(awsStack, awsStack.batchJobs())))).containsExactly("states:StartExecution");
        assertThat(all(mapRuns, "Action")).containsExactlyInAnyOrder("states:StartExecution", "states:DescribeExecution",
                "states:StopExecution", "states:RedriveExecution");
        assertThat(mapRuns.toString()).doesNotContain("Resource=*");
    }

    // ---- upload rule -------------------------------------------------------------------------

    @Test
    void uploadRule_shouldStartTheMachine_onObjectsCreatedUnderBatchInput_withTheClaimPayload_andADlq() {
        var dlq = awsStack.deadLetterQueues().stream().filter(q -> q.getNode().getId().equals("BatchUploadsDlq")).findFirst().orElseThrow();
        aws.hasResourceProperties("AWS::Events::Rule", Map.of(
                "State", "ENABLED",
                "EventPattern", Map.of(
                        "source", List.of("aws.s3"),
                        "detail-type", List.of("Object Created"),
                        "detail", Map.of(
                                "bucket", Map.of("name", List.of(Map.of("Ref", logicalId(awsStack, awsStack.dataBucket())))),
                                "object", Map.of("key", List.of(Map.of("prefix", "batch/input/"))))),
                "Targets", List.of(Map.of(
                        "Id", Match.anyValue(),
                        "Arn", Map.of("Ref", logicalId(awsStack, awsStack.batchJobs())),
                        "RoleArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("BatchJobsEventsRole.*"), "Arn")),
                        "InputTransformer", Map.of(
                                "InputPathsMap", Map.of(
                                        "detail-bucket-name", "$.detail.bucket.name",
                                        "detail-object-key", "$.detail.object.key",
                                        "detail-object-etag", "$.detail.object.etag",
                                        "detail-object-size", "$.detail.object.size"),
                                "InputTemplate", "{\"step\":\"claim\",\"bucket\":<detail-bucket-name>,\"key\":<detail-object-key>,"
                                        + "\"etag\":<detail-object-etag>,\"size\":<detail-object-size>}"),
                        "DeadLetterConfig", Map.of("Arn", arnOf(awsStack, dlq)),
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 10, "MaximumEventAgeInSeconds", 6 * 3600)))));
        // EventBridge may only start this machine
        var statements = statementsOf(aws, "BatchJobsEventsRoleDefaultPolicy");
        assertThat(statements).hasSize(1);
        assertThat(statements.get(0)).containsEntry("Action", "states:StartExecution")
                .containsEntry("Resource", Map.of("Ref", logicalId(awsStack, awsStack.batchJobs())));
        // the DLQ is encrypted, TLS only and may receive from this rule
        aws.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true));
        aws.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of(
                "Queues", List.of(Map.of("Ref", logicalId(awsStack, dlq))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Effect", "Deny", "Action", "sqs:*",
                                "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))),
                        Match.objectLike(Map.of("Effect", "Allow", "Action", "sqs:SendMessage",
                                "Principal", Map.of("Service", "events.amazonaws.com"))))))));
    }

    // ---- jobs API ----------------------------------------------------------------------------

    @Test
    void registryFunction_shouldKnowTheDataBucketJobsTableAndMachine_andMayOnlyClaimReadListHeadAndStart() {
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.registry.RegistryHandler::handleRequest",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "DATA_BUCKET", Map.of("Ref", logicalId(awsStack, awsStack.dataBucket())),
                        "JOBS_TABLE", Map.of("Ref", logicalId(awsStack, awsStack.jobsTable())),
                        "BATCH_STATE_MACHINE_ARN", Map.of("Ref", logicalId(awsStack, awsStack.batchJobs())))))));
        var statements = statementsOf(aws, "RegistryFunctionServiceRoleDefaultPolicy");
        var jobs = arnOf(awsStack, awsStack.jobsTable());
        var data = arnOf(awsStack, awsStack.dataBucket());

        // batch: claim, read, list; training (TrainingSchedules) adds the lock's release and ending an unlaunched job
        assertThat(actionsOn(statements, jobs)).containsExactlyInAnyOrder("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
                "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
        // Query on both indexes (byModel, all)
        assertThat(statements.toString()).contains(logicalId(awsStack, awsStack.jobsTable()) + ", Arn]}, /index/*]");
        assertThat(actionsOn(statements, objects(data, "*"))).containsExactly("s3:GetObject");
        assertThat(actionsOn(statements, data)).containsExactly("s3:ListBucket");
        assertThat(actionsOn(statements, Map.of("Ref", logicalId(awsStack, awsStack.batchJobs())))).containsExactly("states:StartExecution");
        // the one S3 write is a registration's baseline (issue 9): baseline.json under models/ in the models bucket only
        assertThat(actionsOn(statements, objects(arnOf(awsStack, awsStack.modelsBucket()), ServingStack.BASELINE_KEYS)))
                .containsExactly("s3:PutObject");
        assertThat(statements.stream().filter(st -> listOf(st.get("Action")).stream().anyMatch(a -> a.toString().startsWith("s3:Put")))
                .flatMap(st -> listOf(st.get("Resource")).stream()).toList())
                .containsExactly(objects(arnOf(awsStack, awsStack.modelsBucket()), ServingStack.BASELINE_KEYS));
        // the training schedules' rights (a schedule per model, deleted with its spec) are TrainingSchedulesTest's
        assertNoWildcardsOrDeletes(statements.stream().filter(st -> !listOf(st.get("Action")).toString().contains("scheduler:")
                && !listOf(st.get("Action")).contains("dynamodb:DeleteItem")).toList());
    }

    @Test
    void jobsRoutes_shouldGoToTheRegistry_withTheKeyAuthorizerAndAnApiKey() {
        var resources = resources(aws);
        var registry = logicalId(awsStack, functionOf("Registry"));
        var found = new ArrayList<String>();
        resources.forEach((id, resource) -> {
            if (!"AWS::ApiGateway::Method".equals(resource.get("Type"))) {
                return;
            }
            var props = props(resource);
            var path = path(resources, props.get("ResourceId"));
            if (!path.contains("jobs")) {
                return;
            }
            found.add(props.get("HttpMethod") + " " + path);
            assertThat(props).as(path).containsEntry("ApiKeyRequired", true).containsEntry("AuthorizationType", "CUSTOM")
                    .containsKey("AuthorizerId");
            assertThat(props.get("Integration").toString()).as(path).contains("AWS_PROXY", registry);
        });
        assertThat(found).containsExactlyInAnyOrder("POST /models/{name}/jobs", "GET /jobs", "GET /jobs/{jobId}");
        assertThat(ServingStack.ROUTES).filteredOn(r -> r.path().contains("jobs"))
                .allMatch(r -> r.function().equals("registry") && r.role().equals("predict"));
    }

    // ---- alarms and outputs ------------------------------------------------------------------

    @Test
    void alarms_shouldWatchFailedExecutions_batchErrors_andTheUploadDlq() {
        var topic = List.of(Map.of("Ref", Match.stringLikeRegexp("AlarmsTopic.*")));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/States", "MetricName", "ExecutionsFailed", "Statistic", "Sum", "Threshold", 1,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold", "AlarmActions", topic,
                "Dimensions", List.of(Map.of("Name", "StateMachineArn", "Value", Map.of("Ref", logicalId(awsStack, awsStack.batchJobs()))))));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/Lambda", "MetricName", "Errors", "Statistic", "Sum", "Threshold", 1, "AlarmActions", topic,
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", Match.stringLikeRegexp("BatchFunction.*"))))));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS", "MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 1, "AlarmActions", topic,
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("BatchUploadsDlq.*"), "QueueName"))))));
    }

    @Test
    void outputs_shouldNameTheDataBucketJobsTableMachineAndFunction() {
        var outputs = aws.findOutputs("*");
        assertThat(outputs).containsKeys("DataBucketName", "JobsTableName", "BatchStateMachineArn", "BatchFunctionName");
        assertThat(outputs.get("DataBucketName").get("Value")).isEqualTo(Map.of("Ref", logicalId(awsStack, awsStack.dataBucket())));
        assertThat(outputs.get("JobsTableName").get("Value")).isEqualTo(Map.of("Ref", logicalId(awsStack, awsStack.jobsTable())));
        assertThat(outputs.get("BatchStateMachineArn").get("Value")).isEqualTo(Map.of("Ref", logicalId(awsStack, awsStack.batchJobs())));
        assertThat(outputs.get("BatchFunctionName").get("Value").toString()).contains("BatchFunction");
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static Map<String, Object> payload(JsonNode states, String state) {
        var task = states.path(state);
        assertThat(task.path("Resource").asText()).as(state).isEqualTo("arn:aws:states:::lambda:invoke");
        assertThat(task.at("/Parameters/FunctionName").asText()).as(state).isEqualTo("<token>");
        return JSON.convertValue(task.at("/Parameters/Payload"), new TypeReference<Map<String, Object>>() {});
    }

    /** The Lambda function of the JavaFunction construct {@code id}. */
    private IConstruct functionOf(String id) {
        return ((io.mlserve.infra.constructs.JavaFunction) awsStack.getNode().findChild(id)).function();
    }

    private static void assertNoWildcardsOrDeletes(List<Map<String, Object>> statements) {
        assertThat(all(statements, "Action")).noneMatch(a -> a.contains("*") && !a.equals("s3:GetObject*")
                        && !a.equals("s3:GetBucket*") && !a.equals("s3:List*"))
                .noneMatch(a -> a.matches("(?i)[a-z0-9]+:Delete.*"));
        assertThat(all(statements, "Resource")).doesNotContain("*");
    }

    /** The full path of an API Gateway resource reference (ParentId → PathPart up to the root). */
    @SuppressWarnings("unchecked")
    private static String path(Map<String, Map<String, Object>> resources, Object reference) {
        var parts = new ArrayList<String>();
        var current = reference;
        while (current instanceof Map<?, ?> ref && ref.containsKey("Ref")) {
            var resource = props(resources.get(String.valueOf(ref.get("Ref"))));
            parts.add(0, String.valueOf(resource.get("PathPart")));
            current = resource.get("ParentId");
        }
        return "/" + String.join("/", parts);
    }

    /** The BatchJobs definition, with the partition as "aws" and any other token as {@code <token>}. */
    private static JsonNode definition(Template template) {
        return Synth.stateMachine(template, "BatchJobs");
    }
}
