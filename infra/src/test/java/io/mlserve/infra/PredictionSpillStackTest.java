package io.mlserve.infra;

import static io.mlserve.infra.Synth.actionsOn;
import static io.mlserve.infra.Synth.all;
import static io.mlserve.infra.Synth.arnOf;
import static io.mlserve.infra.Synth.logicalId;
import static io.mlserve.infra.Synth.properties;
import static io.mlserve.infra.Synth.statementsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The prediction log's spill (issue 11) as AWS would run it: the encrypted, TLS-only spill queue and its DLQ, who may
 * send to it (predict, batch) and who drains it (the log-replay function, through an event source with partial-batch
 * failures), the replay's narrow rights on the tables, and the alarms on the DLQ and on the spill's oldest message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PredictionSpillStackTest {

    private Template aws;
    private ServingStack awsStack;
    private ServingStack localStack;

    @BeforeAll
    void synth(@TempDir Path repo) throws IOException {
        StandInArtifacts.write(repo);
        awsStack = Synth.stack(repo, "aws");
        localStack = Synth.stack(repo, "local");
        aws = Template.fromStack(awsStack);
    }

    @Test
    void spillQueue_shouldBeEncryptedTlsOnlyAndKeepRowsTwoWeeks_withADlqAfter50Receives() {
        var spill = logicalId(awsStack, awsStack.predictionSpill());
        aws.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true,
                "MessageRetentionPeriod", 14 * 24 * 3600,
                // at least the replay function's timeout (120 s), or AWS refuses the event source
                "VisibilityTimeout", 150,
                "RedrivePolicy", Map.of("deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("PredictionSpillDlq.*"), "Arn")),
                        "maxReceiveCount", ServingStack.SPILL_MAX_RECEIVES)));
        assertThat(properties(aws, awsStack, awsStack.predictionSpill())).containsKey("RedrivePolicy");
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
        var queueUrl = Map.of("Ref", logicalId(awsStack, awsStack.predictionSpill()));
        for (var handler : List.of("io.mlserve.function.predict.PredictStreamHandler::handleRequest",
                "io.mlserve.function.batch.BatchHandler::handleRequest")) {
            aws.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", handler,
                    "Environment", Map.of("Variables", Match.objectLike(Map.of("PREDICTION_SPILL_QUEUE_URL", queueUrl)))));
        }
        for (var prefix : List.of("PredictFunctionServiceRoleDefaultPolicy", "BatchFunctionServiceRoleDefaultPolicy")) {
            var onSpill = actionsOn(statementsOf(aws, prefix), arnOf(awsStack, awsStack.predictionSpill()));
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
                        "PREDICTION_SPILL_QUEUE_URL", Map.of("Ref", logicalId(awsStack, awsStack.predictionSpill())))))));
        aws.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", arnOf(awsStack, awsStack.predictionSpill()),
                "FunctionName", Map.of("Ref", logicalId(awsStack, awsStack.logReplay().function())),
                "BatchSize", 5,
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "ScalingConfig", Map.of("MaximumConcurrency", 2)));
    }

    @Test
    void logReplay_shouldOnlyPutItems_neverOverwriteByBatchOrDeleteOrUpdate() {
        var statements = statementsOf(aws, "LogReplayFunctionServiceRoleDefaultPolicy");
        var predictions = arnOf(awsStack, awsStack.predictionsTable());
        assertThat(actionsOn(statements, predictions)).containsExactly("dynamodb:PutItem");
        assertThat(actionsOn(statements, arnOf(awsStack, awsStack.registryTable()))).containsExactly("dynamodb:GetItem");
        assertThat(actionsOn(statements, arnOf(awsStack, awsStack.predictionSpill())))
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
                        "Value", Map.of("Fn::GetAtt", List.of(logicalId(awsStack, awsStack.predictionSpill()), "QueueName"))))));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/SQS", "MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 1, "AlarmActions", topic,
                "Dimensions", List.of(Map.of("Name", "QueueName",
                        "Value", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("PredictionSpillDlq.*"), "QueueName"))))));
        aws.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "Namespace", "AWS/Lambda", "MetricName", "Errors", "Statistic", "Sum", "Threshold", 1, "AlarmActions", topic,
                "Dimensions", List.of(Map.of("Name", "FunctionName",
                        "Value", Map.of("Ref", logicalId(awsStack, awsStack.logReplay().function()))))));
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

    private String logicalIdStartingWith(String type, String prefix) {
        var ids = aws.findResources(type).keySet().stream().filter(id -> id.startsWith(prefix)).toList();
        assertThat(ids).as("%s %s*", type, prefix).hasSize(1);
        return ids.get(0);
    }
}
