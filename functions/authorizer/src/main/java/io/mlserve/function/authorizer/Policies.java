package io.mlserve.function.authorizer;

import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import io.mlserve.core.access.AccessPolicy.Allowed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The IAM policies the authorizer returns. API Gateway caches one policy per key value for the whole
 * API (not per method), so each policy speaks for every route of the stage: Allow all, then an
 * explicit Deny (which always wins in IAM) for each route the key's role does not cover.
 */
final class Policies {
    /** principalId of a refused caller: there is no identity to name. */
    static final String ANONYMOUS = "anonymous";

    private Policies() {}

    /**
     * @param arn the called method's ARN (names the API and stage)
     * @param allowed the key's role and name
     * @return Allow {@code <stage>/*}{@code /*}, Deny each route above the role, context {role, keyName}
     */
    static IamPolicyResponseV1 allow(MethodArn arn, Allowed allowed) {
        var statements = new ArrayList<IamPolicyResponseV1.Statement>();
        statements.add(IamPolicyResponseV1.allowStatement(arn.everything()));
        for (var route : allowed.deniedRoutes()) {
            statements.add(IamPolicyResponseV1.denyStatement(arn.method(route.method(), route.arnPath())));
        }
        return response("key:" + allowed.keyName(), statements,
                Map.of("role", allowed.role().apiName(), "keyName", allowed.keyName()));
    }

    /**
     * @param arn the called method's ARN
     * @return Deny every method of the stage (API Gateway answers 403)
     */
    static IamPolicyResponseV1 denyAll(MethodArn arn) {
        return response(ANONYMOUS, List.of(IamPolicyResponseV1.denyStatement(arn.everything())), Map.of());
    }

    /** @return Deny every execute-api resource: for a request whose method ARN cannot be read */
    static IamPolicyResponseV1 denyAnything() {
        return response(ANONYMOUS, List.of(IamPolicyResponseV1.denyStatement("*")), Map.of());
    }

    private static IamPolicyResponseV1 response(
            String principalId, List<IamPolicyResponseV1.Statement> statements, Map<String, Object> context) {
        return IamPolicyResponseV1.builder()
                .withPrincipalId(principalId)
                .withPolicyDocument(IamPolicyResponseV1.PolicyDocument.builder()
                        .withVersion(IamPolicyResponseV1.VERSION_2012_10_17)
                        .withStatement(List.copyOf(statements))
                        .build())
                .withContext(context)
                .build();
    }
}
