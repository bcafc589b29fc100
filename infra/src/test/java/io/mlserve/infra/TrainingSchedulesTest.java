package io.mlserve.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.mlserve.infra.constructs.TrainingSchedules;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Pass;
import software.amazon.awscdk.services.stepfunctions.StateMachine;

/**
 * The training schedules construct on its own (stand-in functions, machine and table): the group named after the
 * stack, a scheduler role that may invoke the train function and nothing else, and the registry function's
 * settings and narrowly scoped rights. cdk-nag finds nothing in what the construct adds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingSchedulesTest {
    private Template template;
    private Stack stack;
    private Function registry;
    private Function train;
    private StateMachine trainJobs;

    @BeforeAll
    void synth() {
        var app = new App();
        stack = new Stack(app, "MlServing", StackProps.builder()
                .env(Environment.builder().account("123456789012").region("eu-west-1").build()).build());
        registry = function("Registry");
        train = function("Train");
        trainJobs = StateMachine.Builder.create(stack, "TrainJobs")
                .definitionBody(DefinitionBody.fromChainable(new Pass(stack, "Noop"))).build();
        var jobs = Table.Builder.create(stack, "Jobs")
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build()).build();
        new TrainingSchedules(stack, "TrainingSchedules", new TrainingSchedules.Props(registry, train, trainJobs, jobs));
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        template = Template.fromStack(stack);
    }

    private Function function(String id) {
        return Function.Builder.create(stack, id).runtime(Runtime.NODEJS_22_X).handler("x::y").code(Code.fromInline("x")).build();
    }

    private String logicalId(software.constructs.IConstruct construct) {
        return stack.resolve(((software.amazon.awscdk.CfnElement) construct.getNode().getDefaultChild()).getLogicalId()).toString();
    }

    @Test
    void group_shouldBeNamedAfterTheStack() {
        template.hasResourceProperties("AWS::Scheduler::ScheduleGroup", Map.of("Name", "mlserve-MlServing"));
    }

    @Test
    void schedulerRole_shouldBeAssumableByTheSchedulerOfThisAccountOnly_andInvokeOnlyTheTrainFunction() {
        template.hasResourceProperties("AWS::IAM::Role", Map.of(
                "AssumeRolePolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Action", "sts:AssumeRole",
                        "Effect", "Allow",
                        "Principal", Map.of("Service", "scheduler.amazonaws.com"),
                        "Condition", Map.of("StringEquals", Map.of("aws:SourceAccount", "123456789012"))))),
                "Description", Match.stringLikeRegexp("EventBridge Scheduler.*")));
        var roleId = template.findResources("AWS::IAM::Role", Match.objectLike(Map.of("Properties", Map.of(
                "Description", Match.stringLikeRegexp("EventBridge Scheduler.*"))))).keySet().iterator().next();
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", roleId)),
                "PolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Action", "lambda:InvokeFunction",
                        "Effect", "Allow",
                        "Resource", Map.of("Fn::GetAtt", List.of(logicalId(train), "Arn")))))));
    }

    @Test
    void registry_shouldGetTheTrainingSettings() {
        var roleArn = new Capture();
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "x::y",
                "Role", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("RegistryServiceRole.*"), "Arn")),
                "Environment", Map.of("Variables", Map.of(
                        "SCHEDULE_GROUP", "mlserve-MlServing",
                        "TRAIN_STATE_MACHINE_ARN", Map.of("Ref", logicalId(trainJobs)),
                        "TRAIN_FUNCTION_ARN", Map.of("Fn::GetAtt", List.of(logicalId(train), "Arn")),
                        "SCHEDULER_ROLE_ARN", roleArn))));
        assertThat(roleArn.asObject().get("Fn::GetAtt").toString()).contains("SchedulerRole");
    }

    @Test
    void registry_shouldManageOnlyThisGroupsSchedules_passOnlyTheSchedulerRole_andStartOnlyTheTrainMachine() {
        var statements = new Capture();
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("RegistryServiceRole.*"))),
                "PolicyDocument", Map.of("Statement", statements)));
        var json = statements.asArray().toString();
        assertThat(json)
                .contains("[scheduler:CreateSchedule, scheduler:UpdateSchedule, scheduler:DeleteSchedule, scheduler:GetSchedule]")
                .contains(":schedule/mlserve-MlServing/*")
                .contains("iam:PassRole").contains("iam:PassedToService=scheduler.amazonaws.com")
                .contains("states:StartExecution").contains(logicalId(trainJobs))
                .contains("dynamodb:DeleteItem").contains("dynamodb:UpdateItem");
        assertThat(json).doesNotContain("Resource=*");
    }

    @Test
    void cdkNag_shouldFindNothingInWhatTheConstructAdds() {
        var annotations = Annotations.fromStack(stack);
        assertThat(annotations.findError("/MlServing/TrainingSchedules/*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        // the registry's schedule rights are suppressed (the stand-in functions' own findings are not ours)
        assertThat(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-IAM5.*scheduler.*"))).isEmpty();
    }
}
