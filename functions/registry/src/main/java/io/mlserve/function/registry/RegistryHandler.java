package io.mlserve.function.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.mlserve.aws.ApiResponses;
import io.mlserve.aws.FunctionConfig;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * REST API (Lambda proxy) for the registry and the prediction log: {@code GET /models},
 * {@code GET /models/{name}}, {@code GET|POST /models/{name}/versions},
 * {@code PUT /models/{name}/aliases/{production|canary}}, {@code GET /models/{name}/audit},
 * {@code GET /models/{name}/stats}, {@code GET /predictions}. Env vars: see {@link FunctionConfig}.
 */
public final class RegistryHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final RegistryApi api;

    /** Called by the runtime once per execution environment (INIT). */
    public RegistryHandler() {
        this(RegistryWiring.fromEnvironment(System.getenv()).api());
    }

    RegistryHandler(RegistryApi api) { // tests pass their own
        this.api = api;
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        var requestId = context.getAwsRequestId();
        return PowertoolsLogging.withLogging(context, () -> ApiResponses.guard(requestId, () -> api.handle(event, requestId)));
    }
}
