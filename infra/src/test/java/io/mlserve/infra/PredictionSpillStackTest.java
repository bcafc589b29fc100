package io.mlserve.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
import software.constructs.IConstruct;

/**
 * The prediction log's spill (issue 11) as AWS would run it: the encrypted, TLS-only spill queue and its DLQ, who may
 * send to it (predict, batch) and who drains it (the log-replay function, through an event source with partial-batch
 * failures), the replay's narrow rights on the tables, and the alarms on the DLQ and on the spill's oldest message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PredictionSpillStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Template aws;
    private ServingStack awsStack;
    private ServingStack localStack;

    @BeforeAll
    void synth(@TempDir Path repo) throws IOException {
        StandInArtifacts.write(repo);
        var cdkJson = JSON.readValue(Path.of("cdk.json").toFile(), new TypeReference<Map<String, Object>>() {});
        @SuppressWarnings("unchecked")
        var cdkContext = (Map<String, Object>) cdkJson.get("context");
        awsStack = MlServingApp.build(app(cdkContext, repo, "aws"));
        localStack = MlServingApp.build(app(cdkContext, repo, "local"));
        aws = Template.fromStack(awsStack);
    }

    private static App app(Map<String, Object> cdkContext, Path repo, String target) {
        var context = new HashMap<>(cdkContext);
        context.put("target", target);
        context.put("repoRoot", repo.toString());
        return new App(AppProps.builder().context(context).build());
    }

    @Test
    void spillQueue_shouldBeEncryptedTlsOnlyAndKeepRowsTwoWeeks_withADlqAfter50Receives() {
        var spill = logicalId(awsStack.predictionSpill());
        aws.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 14 * 24 * 3600,
                // at least the replay function's timeout (120 s), or AWS refuses the event source
                "VisibilityTimeout", 150,
                "RedrivePolicy", Map.of("deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("PredictionSpillDlq.*"), "Arn")),
                        "maxReceiveCount", ServingStack.SPILL_MAX_RECEIVES)));
        assertThat(properties(awsStack.predictionSpill())).containsKey("RedrivePolicy");
        // the DLQ: encrypted and kept 14 days as well
        aws.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true, "MessageRetentionPeriod", 14 * 24 * 3600,
                "RedrivePolicy", Match.absent()));
        // TLS only, on both queues
        for (var queue : List.of(spill, logicalIdStartingWith("AWS::SQS::Queue", "PredictionSpillDlq"))) {
            aws.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of(
                    "Queues", List.of(Map.of("Ref", queue)),
                    "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                            "Effect", "Deny", "Action", "sqs:*",
                            "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        }
    }

    @Test
    void predictAndBatch_shouldKnowTheSpill_andMayOnlySendToIt() {
        var queueUrl = Map.of("Ref", logicalId(awsStack.predictionSpill()));
        for (var handler : List.of("io.mlserve.function.predict.PredictHandler::handleRequest",
                "io.mlserve.function.batch.BatchHandler::handleRequest")) {
            aws.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", handler,
                    "Environment", Map.of("Variables", Match.objectLike(Map.of("PREDICTION_SPILL_QUEUE_URL", queueUrl)))));
        }
        for (var prefix : List.of("PredictFunctionServiceRoleDefaultPolicy", "BatchFunctionServiceRoleDefaultPolicy")) {
            var onSpill = actionsOn(statementsOf(prefix), arnOf(awsStack.predictionSpill()));
            assertThat(onSpill).as(prefix).contains("sqs:SendMessage")
                    .noneMatch(a -> a.startsWith("sqs:Receive") || a.startsWith("sqs:Delete") || a.startsWith("sqs:Purge"));
        }
    }

    @Test
    void logReplay_shouldDrainTheSpill_withPartialBatchFailures_andTwoBatchesAtMost() {
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "io.mlserve.function.logreplay.LogReplayHandler::handleRequest",
                "Runtime", "java21",
                "Timeout", 120,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "PREDICTIONS_TABLE", Match.anyValue(),
                        "REGISTRY_TABLE", Match.anyValue(),
                        "PREDICTION_LOG_TTL_DAYS", ServingStack.PREDICTION_LOG_TTL_DAYS,
                        "PREDICTION_SPILL_QUEUE_URL", Map.of("Ref", logicalId(awsStack.predictionSpill())))))));
        aws.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", arnOf(awsStack.predictionSpill()),
                "FunctionName", Map.of("Ref", logicalId(awsStack.logReplay().function())),
                "BatchSize", 5,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "ScalingConfig", Map.of("MaximumConcurrency", 2)));
    }

    @Test
    void logReplay_shouldOnlyPutItems_neverOverwriteByBatchOrDeleteOrUpdate() {
        var statements = statementsOf("LogReplayFunctionServiceRoleDefaultPolicy");
        var predictions = arnOf(awsStack.predictionsTable());
        assertThat(actionsOn(statements, predictions)).containsExactly("dynamodb:PutItem");
        assertThat(actionsOn(statements, arnOf(awsStack.registryTable()))).containsExactly("dynamodb:GetItem");
        assertThat(actionsOn(statements, arnOf(awsStack.predictionSpill())))
                .contains("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility")
                .doesNotContain("sqs:SendMessage", "sqs:PurgeQueue");
        assertThat(all(statements, "Action")).noneMatch(a -> a.contains("*"))
                .noneMatch(a -> a.matches("dynamodb:(Delete|Update|BatchWrite).*"));
        assertThat(all(statements, "Resource")).doesNotContain("*");
    }

    @Test
    void alarms_shouldWatchTheSpillsAge_theDlq_andTheReplayFunction() {
        var topic = List.of(Map.of("Ref", Match.stringLikeRegexp("AlarmsTopic.*")));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS", "MetricName", "ApproximateAgeOfOldestMessage", "Statistic", "Maximum",
                "Threshold", ServingStack.SPILL_AGE_ALARM.toSeconds().intValue(), "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                "AlarmActions", topic,
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(logicalId(awsStack.predictionSpill()), "QueueName"))))));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS", "MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 1, "AlarmActions", topic,
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("PredictionSpillDlq.*"), "QueueName"))))));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/Lambda", "MetricName", "Errors", "Statistic", "Sum", "Threshold", 1, "AlarmActions", topic,
                "Dimensions", List.of(Map.of("Name", "FunctionName",
                        "Value", Map.of("Ref", logicalId(awsStack.logReplay().function()))))));
    }

    @Test
    void batchLostRows_shouldBeCountedFromItsLog_andAlarmed() {
        aws.hasResourceProperties("AWS::Logs::MetricFilter", Map.of(
                "LogGroupName", Map.of("Ref", Match.stringLikeRegexp("BatchLogs.*")),
                "FilterPattern", "{ $.event = \"PredictionLogRowsLost\" }",
                "MetricTransformations", List.of(Match.objectLike(Map.of(
                        "MetricNamespace", "mlserve", "MetricName", "BatchLogRowsLost", "MetricValue", "$.rows")))));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "mlserve", "MetricName", "BatchLogRowsLost", "Statistic", "Sum", "Threshold", 1,
                "AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("AlarmsTopic.*")))));
    }

    @Test
    void outputs_andCdkNag_shouldCoverTheSpill() {
        assertThat(aws.findOutputs("*")).containsKeys("PredictionSpillQueueUrl", "LogReplayFunctionName");
        for (var stack : List.of(awsStack, localStack)) {
            var errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
            assertThat(errors).as("cdk-nag errors in %s", stack).isEmpty();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private Map<String, Object> properties(IConstruct construct) {
        var resources = (Map<String, Map<String, Object>>) aws.toJSON().get("Resources");
        return (Map<String, Object>) resources.get(logicalId(construct)).get("Properties");
    }

    private String logicalIdStartingWith(String type, String prefix) {
        var ids = aws.findResources(type).keySet().stream().filter(id -> id.startsWith(prefix)).toList();
        assertThat(ids).as("%s %s*", type, prefix).hasSize(1);
        return ids.get(0);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> statementsOf(String prefix) {
        var policies = aws.findResources("AWS::IAM::Policy").entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).toList();
        assertThat(policies).as("policies %s*", prefix).hasSize(1);
        var document = (Map<String, Object>) ((Map<String, Object>) policies.get(0).getValue().get("Properties")).get("PolicyDocument");
        return (List<Map<String, Object>>) document.get("Statement");
    }

    private static List<Object> listOf(Object actionOrResource) {
        return actionOrResource instanceof List<?> list ? List.copyOf(list) : List.of(actionOrResource);
    }

    private static List<String> all(List<Map<String, Object>> statements, String key) {
        return statements.stream().flatMap(st -> listOf(st.get(key)).stream()).map(Object::toString).toList();
    }

    private static List<String> actionsOn(List<Map<String, Object>> statements, Object resource) {
        return statements.stream()
                .filter(st -> "Allow".equals(st.get("Effect")) && listOf(st.get("Resource")).contains(resource))
                .flatMap(st -> listOf(st.get("Action")).stream()).map(Object::toString).toList();
    }

    private String logicalId(IConstruct resource) {
        return awsStack.getLogicalId((software.amazon.awscdk.CfnElement) resource.getNode().getDefaultChild());
    }

    private Map<String, Object> arnOf(IConstruct resource) {
        return Map.of("Fn::GetAtt", List.of(logicalId(resource), "Arn"));
    }
}
