package io.mlserve.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/**
 * A stack synthesized as {@code cdk synth} would (infra/cdk.json's context, a target, a repository of
 * {@link StandInArtifacts}), and the template reading the stack tests share: resources, IAM statements, logical ids
 * and a state machine's definition.
 */
final class Synth {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Synth() {}

    /**
     * @param repo a repository root holding {@link StandInArtifacts}
     * @param target {@code aws} or {@code local}
     * @return the stack built with infra/cdk.json's context plus {@code target} and {@code repoRoot}
     * @throws IOException when cdk.json cannot be read
     */
    static ServingStack stack(Path repo, String target) throws IOException {
        var cdkJson = JSON.readValue(Path.of("cdk.json").toFile(), new TypeReference<Map<String, Object>>() {});
        @SuppressWarnings("unchecked")
        var context = new HashMap<>((Map<String, Object>) cdkJson.get("context"));
        context.put("target", target);
        context.put("repoRoot", repo.toString());
        return MlServingApp.build(new App(AppProps.builder().context(context).build()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> resources(Template template) {
        return (Map<String, Map<String, Object>>) template.toJSON().get("Resources");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> props(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    static String logicalId(ServingStack stack, IConstruct resource) {
        return stack.getLogicalId((CfnElement) resource.getNode().getDefaultChild());
    }

    static Map<String, Object> arnOf(ServingStack stack, IConstruct resource) {
        return Map.of("Fn::GetAtt", List.of(logicalId(stack, resource), "Arn"));
    }

    static Map<String, Object> properties(Template template, ServingStack stack, IConstruct construct) {
        return props(resources(template).get(logicalId(stack, construct)));
    }

    /** The statements of the one IAM policy whose logical id starts with {@code prefix}. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statementsOf(Template template, String prefix) {
        var policies = template.findResources("AWS::IAM::Policy").entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix)).toList();
        assertThat(policies).as("policies %s*", prefix).hasSize(1);
        var document = (Map<String, Object>) props(policies.get(0).getValue()).get("PolicyDocument");
        return (List<Map<String, Object>>) document.get("Statement");
    }

    static List<Object> listOf(Object actionOrResource) {
        return actionOrResource instanceof List<?> list ? List.copyOf(list) : List.of(actionOrResource);
    }

    static List<String> all(List<Map<String, Object>> statements, String key) {
        return statements.stream().flatMap(st -> listOf(st.get(key)).stream()).map(Object::toString).toList();
    }

    /** Allowed actions of the statements whose resources include {@code resource}. */
    static List<String> actionsOn(List<Map<String, Object>> statements, Object resource) {
        return statements.stream()
                .filter(st -> "Allow".equals(st.get("Effect")) && listOf(st.get("Resource")).contains(resource))
                .flatMap(st -> listOf(st.get("Action")).stream()).map(Object::toString).toList();
    }

    /** {@code <arn>/<pattern>} as CDK renders an object ARN. */
    static Map<String, Object> objects(Map<String, Object> bucketArn, String pattern) {
        return Map.of("Fn::Join", List.of("", List.of(bucketArn, "/" + pattern)));
    }

    /**
     * The definition of the one state machine whose logical id starts with {@code prefix}, with the partition as "aws"
     * and any other token as {@code <token>}.
     */
    @SuppressWarnings("unchecked")
    static JsonNode stateMachine(Template template, String prefix) {
        var machines = template.findResources("AWS::StepFunctions::StateMachine").entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).toList();
        assertThat(machines).hasSize(1);
        var definition = props(machines.get(0)).get("DefinitionString");
        var parts = (List<Object>) ((List<Object>) ((Map<String, Object>) definition).get("Fn::Join")).get(1);
        var text = parts.stream().map(part -> part instanceof String s ? s
                : Map.of("Ref", "AWS::Partition").equals(part) ? "aws" : "<token>").collect(Collectors.joining());
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("DefinitionString is not JSON: " + text, e);
        }
    }
}
