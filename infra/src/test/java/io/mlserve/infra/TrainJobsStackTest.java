package io.mlserve.infra;

import static io.mlserve.infra.Synth.actionsOn;
import static io.mlserve.infra.Synth.all;
import static io.mlserve.infra.Synth.arnOf;
import static io.mlserve.infra.Synth.listOf;
import static io.mlserve.infra.Synth.logicalId;
import static io.mlserve.infra.Synth.objects;
import static io.mlserve.infra.Synth.properties;
import static io.mlserve.infra.Synth.statementsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Training (issue 8) as AWS would run it: the train function, its least-privilege role and the TrainJobs state
 * machine (prepare → parallel candidates → select, every failure through the fail step), asserted on the template.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainJobsStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HANDLER = "io.mlserve.function.train.TrainHandler::handleRequest";

    private Template aws;
    private Template local;
    private ServingStack awsStack;

    @BeforeAll
    void synth(@TempDir Path repo) throws IOException {
        StandInArtifacts.write(repo);
        awsStack = Synth.stack(repo, "aws");
        aws = Template.fromStack(awsStack);
        local = Template.fromStack(Synth.stack(repo, "local"));
    }

    @Test
    void trainFunction_shouldHave3008MbFifteenMinutesTheFullJitAndTheTrainingEnvironment() {
        var environment = Map.<String, Object>of(
                "MODELS_BUCKET", Match.anyValue(),
                "REGISTRY_TABLE", Match.anyValue(),
                "DATA_BUCKET", Map.of("Ref", Match.stringLikeRegexp("Data.*")),
                "JOBS_TABLE", Map.of("Ref", Match.stringLikeRegexp("Jobs.*")),
                "TRAIN_STATE_MACHINE_ARN", Match.anyValue(),
                "SCHEDULE_GROUP", "mlserve-MlServe",
                "EVENT_BUS_NAME", "default",
                "POWERTOOLS_SERVICE_NAME", "train");
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "java21", "Handler", HANDLER, "MemorySize", 3008, "Timeout", 900, "Architectures", List.of("x86_64"),
                "Environment", Map.of("Variables", Match.objectLike(environment))));
        aws.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", HANDLER, "Environment", Map.of("Variables", Map.of("JAVA_TOOL_OPTIONS", Match.absent()))));
        local.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Runtime", "provided.al2023", "Handler", HANDLER, "MemorySize", 3008, "Timeout", 900,
                "Environment", Map.of("Variables", Match.objectLike(environment))));
    }

    @Test
    void trainFunction_shouldKnowTheMachinesArn_withoutReferencingIt() {
        // the name is fixed so the ARN can be built: a Ref to the machine would make function ↔ machine a cycle
        aws.hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of("StateMachineName", "MlServe-TrainJobs"));
        var variables = JSON.valueToTree(properties(aws, awsStack, awsStack.training().trainFunction.function())).at("/Environment/Variables");
        assertThat(variables.path("TRAIN_STATE_MACHINE_ARN").toString()).contains(":states:", ":stateMachine:MlServe-TrainJobs")
                .doesNotContain(logicalId(awsStack, awsStack.training().trainJobs));
    }

    @Test
    void trainRole_shouldReadTrainingDataOnly_writeModelsAndStagingOnly_andDeleteNothingButItsLocksAndSchedules() {
        var statements = statementsOf(aws, "TrainingTrainFunctionServiceRoleDefaultPolicy");
        var data = arnOf(awsStack, awsStack.dataBucket());
        var models = arnOf(awsStack, awsStack.modelsBucket());

        assertThat(actionsOn(statements, objects(data, "training/*"))).containsExactly("s3:GetObject");
        assertThat(actionsOn(statements, objects(data, "*"))).isEmpty();
        var listData = statements.stream().filter(st -> listOf(st.get("Resource")).contains(data)).toList();
        assertThat(listData).hasSize(1);
        assertThat(listData.get(0).get("Action")).isEqualTo("s3:ListBucket");
        assertThat(JSON.valueToTree(listData.get(0).get("Condition")).at("/StringLike/s3:prefix").toString()).contains("training/*");
        assertThat(actionsOn(statements, objects(models, "models/*")))
                .containsExactlyInAnyOrder("s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:AbortMultipartUpload");
        assertThat(actionsOn(statements, objects(models, "staging/*")))
                .containsExactlyInAnyOrder("s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload");
        assertThat(actionsOn(statements, objects(models, "*"))).isEmpty();
        assertThat(actionsOn(statements, arnOf(awsStack, awsStack.jobsTable()))).containsExactlyInAnyOrder("dynamodb:GetItem", "dynamodb:Query",
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem");
        assertThat(actionsOn(statements, arnOf(awsStack, awsStack.registryTable())))
                .containsExactlyInAnyOrder("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem");
        assertThat(actionsOn(statements, arnOf(awsStack, awsStack.predictionsTable()))).isEmpty();
        assertThat(statements.toString()).contains("events:PutEvents", "event-bus/default", "states:StartExecution",
                "stateMachine:MlServe-TrainJobs", "scheduler:DeleteSchedule", "schedule/mlserve-MlServe/*");
        var actions = all(statements, "Action");
        assertThat(actions).noneMatch(a -> a.contains("*")).noneMatch(a -> a.startsWith("s3:Delete"));
        assertThat(actions.stream().filter(a -> a.contains(":Delete")).toList())
                .containsExactlyInAnyOrder("dynamodb:DeleteItem", "scheduler:DeleteSchedule");
        assertThat(all(statements, "Resource")).doesNotContain("*");
    }

    @Test
    void stateMachine_shouldPrepareMapTheCandidatesInParallelAndSelect_withEveryFailureEndingInTheFailStep() {
        var states = definition(aws).path("States");
        assertThat(definition(aws).path("StartAt").asText()).isEqualTo("Prepare");
        assertThat(payload(states, "Prepare")).isEqualTo(Map.of("step", "prepare", "jobId.$", "$.jobId"));
        assertThat(states.at("/Prepare/Next").asText()).isEqualTo("Candidates");

        var map = states.path("Candidates");
        assertThat(map.path("Type").asText()).isEqualTo("Map");
        assertThat(map.path("ItemsPath").asText()).isEqualTo("$.candidates");
        assertThat(map.path("MaxConcurrency").asInt()).isEqualTo(8);
        assertThat(map.path("ResultPath").asText()).isEqualTo("$.results");
        assertThat(JSON.convertValue(map.path("ItemSelector"), Map.class))
                .isEqualTo(Map.of("step", "candidate", "jobId.$", "$.jobId", "index.$", "$$.Map.Item.Value"));
        var processor = map.path("ItemProcessor");
        assertThat(processor.at("/ProcessorConfig/Mode").asText("INLINE")).isEqualTo("INLINE");
        assertThat(processor.path("StartAt").asText()).isEqualTo("Candidate");
        var candidate = processor.at("/States/Candidate");
        assertThat(candidate.path("End").asBoolean()).isTrue();
        assertThat(candidate.at("/Catch/0/ErrorEquals/0").asText()).isEqualTo("States.ALL");
        var died = processor.at("/States/" + candidate.at("/Catch/0/Next").asText());
        assertThat(died.path("Type").asText()).isEqualTo("Pass");
        assertThat(died.path("Parameters").toString()).contains("\"status\":\"FAILED\"", "\"index.$\":\"$.index\"", "\"error.$\":\"$.error\"");
        assertThat(map.path("Next").asText()).isEqualTo("Select");

        assertThat(payload(states, "Select")).isEqualTo(Map.of("step", "select", "jobId.$", "$.jobId", "results.$", "$.results"));
        assertThat(states.at("/" + states.at("/Select/Next").asText() + "/Type").asText()).isEqualTo("Succeed");
        for (var step : List.of("Prepare", "Candidates", "Select")) {
            assertThat(states.at("/" + step + "/Catch/0/ErrorEquals/0").asText()).as(step).isEqualTo("States.ALL");
            assertThat(states.at("/" + step + "/Catch/0/ResultPath").asText()).as(step).isEqualTo("$.error");
            assertThat(states.at("/" + step + "/Catch/0/Next").asText()).as(step).isEqualTo("FailJob");
        }
        assertThat(payload(states, "FailJob")).isEqualTo(Map.of("step", "fail", "jobId.$", "$.jobId", "error.$", "$.error.Error",
                "cause.$", "$.error.Cause"));
        assertThat(states.at("/FailJob/Next").asText()).isEqualTo("Failed");
        assertThat(states.at("/FailJob/Catch/0/Next").asText()).isEqualTo("Failed");
        assertThat(states.at("/Failed/Type").asText()).isEqualTo("Fail");
        // Lambda's own failures are retried; a timed-out fit is not (it would only time out again)
        for (var step : List.of("Prepare", "Select", "FailJob")) {
            var retried = states.at("/" + step + "/Retry/0/ErrorEquals").toString();
            assertThat(retried).as(step).contains("Lambda.ServiceException", "Lambda.TooManyRequestsException")
                    .doesNotContain("Sandbox.Timedout", "States.Timeout", "States.ALL");
        }
    }

    @Test
    void stateMachine_shouldTrainTwoCandidatesAtOnceOnTheEmulator() {
        assertThat(definition(local).at("/States/Candidates/MaxConcurrency").asInt()).isEqualTo(2);
    }

    @Test
    void modelsBucket_shouldExpireStagedCandidates_only() {
        var rules = JSON.valueToTree(properties(aws, awsStack, awsStack.modelsBucket())).at("/LifecycleConfiguration/Rules");
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).path("Prefix").asText()).isEqualTo("staging/");
        assertThat(rules.get(0).path("ExpirationInDays").asInt()).isEqualTo(7);
    }

    @Test
    void outputs_shouldNameTheTrainMachineAndFunction() {
        var outputs = aws.findOutputs("*");
        assertThat(outputs.get("TrainStateMachineArn").get("Value")).isEqualTo(Map.of("Ref", logicalId(awsStack, awsStack.training().trainJobs)));
        assertThat(outputs.get("TrainFunctionName").get("Value").toString()).contains("TrainingTrainFunction");
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static Map<String, Object> payload(JsonNode states, String state) {
        var task = states.path(state);
        assertThat(task.path("Resource").asText()).as(state).isEqualTo("arn:aws:states:::lambda:invoke");
        return JSON.convertValue(task.at("/Parameters/Payload"), new TypeReference<Map<String, Object>>() {});
    }

    /** The TrainJobs definition, with the partition as "aws" and any other token as {@code <token>}. */
    private static JsonNode definition(Template template) {
        return Synth.stateMachine(template, "TrainingTrainJobs");
    }
}
