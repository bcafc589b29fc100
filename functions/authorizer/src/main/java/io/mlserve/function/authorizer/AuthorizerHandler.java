package io.mlserve.function.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbKeyStore;
import io.mlserve.core.access.AccessPolicy;
import io.mlserve.core.access.AccessPolicy.Allowed;
import io.mlserve.core.access.AccessPolicy.Denied;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.mlserve.http.LambdaLogContext;

/**
 * REST API Lambda authorizer, type REQUEST, identity source header {@value #API_KEY_HEADER}: looks
 * the key up by its sha256 in the keys table (env {@value #KEYS_TABLE}). An active key gets Allow on
 * the whole stage plus an explicit Deny on each route its role does not cover, and context
 * {@code {role, keyName}} for the functions; a missing, unknown or revoked key gets Deny on
 * everything. N.B. the key value and the event are never logged (the event carries the key).
 */
public final class AuthorizerHandler implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizerHandler.class);
    /** The header holding the key. */
    public static final String API_KEY_HEADER = "x-api-key";
    /** Env var: the keys table name. */
    public static final String KEYS_TABLE = "KEYS_TABLE";

    private final AccessPolicy policy;
    /** The Lambda context fields of every log line (Powertools' names), put cheaply per invocation. */
    private final LambdaLogContext logContext = new LambdaLogContext(System.getenv("POWERTOOLS_SERVICE_NAME"));

    /** Called by the runtime once per execution environment (INIT): the DynamoDB client. */
    public AuthorizerHandler() {
        this(new AccessPolicy(new DynamoDbKeyStore(AwsClients.dynamoDb(), keysTable(System.getenv()))));
    }

    AuthorizerHandler(AccessPolicy policy) { // tests pass an in-memory keys table
        this.policy = policy;
    }

    @Override
    public IamPolicyResponseV1 handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
        logContext.enter(context);
        MethodArn arn;
        try {
            arn = MethodArn.parse(event.getMethodArn());
        } catch (IllegalArgumentException e) {
            LOG.atWarn().setMessage("denied: unreadable method ARN").addKeyValue("methodArn", String.valueOf(event.getMethodArn())).log();
            return Policies.denyAnything();
        }
        var decision = policy.decide(header(event.getHeaders(), API_KEY_HEADER));
        return switch (decision) {
            case Allowed allowed -> {
                LOG.atInfo().setMessage("allowed").addKeyValue("keyName", allowed.keyName()).addKeyValue("role", allowed.role().apiName())
                        .addKeyValue("deniedRoutes", allowed.deniedRoutes().size()).log();
                yield Policies.allow(arn, allowed);
            }
            case Denied denied -> {
                LOG.atInfo().setMessage("denied").addKeyValue("reason", denied.reason()).log();
                yield Policies.denyAll(arn);
            }
        };
    }

    static String keysTable(Map<String, String> env) {
        var table = env.get(KEYS_TABLE);
        if (table == null || table.isBlank()) {
            throw new IllegalStateException("environment variable " + KEYS_TABLE + " is not set");
        }
        return table;
    }

    /** HTTP header names are case-insensitive; API Gateway passes them as the client sent them. */
    static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream()
                .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }
}
