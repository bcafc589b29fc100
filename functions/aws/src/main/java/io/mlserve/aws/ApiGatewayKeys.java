package io.mlserve.aws;

import io.mlserve.core.access.Role;
import io.mlserve.core.access.UsagePlanKeys;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.apigateway.model.Op;
import software.amazon.awssdk.services.apigateway.model.PatchOperation;
import software.amazon.awssdk.services.apigateway.model.UsagePlan;

/**
 * API Gateway keys in the usage plans the stack makes, one per role: {@code mlserve-predict} and
 * {@code mlserve-admin}. With a REST API id, only plans attached to that API count, so two stacks in
 * one account do not mix up their plans.
 */
public final class ApiGatewayKeys implements UsagePlanKeys {
    /** Usage plan names are this prefix plus the role's API name. */
    public static final String USAGE_PLAN_PREFIX = "mlserve-";

    private final ApiGatewayClient apiGateway;
    private final String restApiId;

    /**
     * @param apiGateway client
     * @param restApiId the REST API whose usage plans to use, or null for any plan of the right name
     */
    public ApiGatewayKeys(ApiGatewayClient apiGateway, String restApiId) {
        this.apiGateway = apiGateway;
        this.restApiId = restApiId;
    }

    @Override
    public String create(String name, Role role, String value) {
        var planId = usagePlanId(role); // before creating anything: a missing plan leaves no stray key
        var keyId = apiGateway.createApiKey(b -> b.name(name).value(value).enabled(true)
                .description("mlserve " + role.apiName() + " key")).id();
        try {
            apiGateway.createUsagePlanKey(b -> b.usagePlanId(planId).keyId(keyId).keyType("API_KEY"));
        } catch (RuntimeException e) {
            delete(keyId);
            throw e;
        }
        return keyId;
    }

    @Override
    public void disable(String apiKeyId) {
        apiGateway.updateApiKey(b -> b.apiKey(apiKeyId)
                .patchOperations(PatchOperation.builder().op(Op.REPLACE).path("/enabled").value("false").build()));
    }

    @Override
    public void delete(String apiKeyId) {
        apiGateway.deleteApiKey(b -> b.apiKey(apiKeyId));
    }

    /**
     * @param role a key role
     * @return the id of the one usage plan named {@code mlserve-<role>} (attached to the REST API, if given)
     * @throws IllegalStateException when there is none, or more than one
     */
    String usagePlanId(Role role) {
        var name = USAGE_PLAN_PREFIX + role.apiName();
        var plans = apiGateway.getUsagePlansPaginator(b -> b.limit(500)).items().stream()
                .filter(p -> name.equals(p.name()))
                .filter(p -> restApiId == null || p.apiStages().stream().anyMatch(s -> restApiId.equals(s.apiId())))
                .toList();
        if (plans.isEmpty()) {
            throw new IllegalStateException("no usage plan named " + name
                    + (restApiId == null ? "" : " attached to REST API " + restApiId) + "; is the stack deployed?");
        }
        if (plans.size() > 1) {
            throw new IllegalStateException(plans.size() + " usage plans are named " + name + " ("
                    + plans.stream().map(UsagePlan::id).collect(Collectors.joining(", "))
                    + "); pass the REST API id to choose");
        }
        return plans.get(0).id();
    }
}
