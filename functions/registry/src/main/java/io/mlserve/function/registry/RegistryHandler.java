package io.mlserve.function.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.http.HttpEdge;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * REST API (Lambda proxy) for the registry and the prediction log: {@code GET /models},
 * {@code GET /models/{name}}, {@code GET|POST /models/{name}/versions},
 * {@code PUT /models/{name}/aliases/{production|canary}}, {@code GET /models/{name}/audit},
 * {@code GET /models/{name}/stats}, {@code GET /predictions}, and the jobs API: {@code POST /models/{name}/jobs},
 * {@code GET /jobs}, {@code GET /jobs/{jobId}}, and training: {@code PUT|GET /models/{name}/training},
 * {@code POST /models/{name}/train}. Env vars: see {@link FunctionConfig}, {@link JobsConfig} and
 * {@link io.mlserve.aws.TrainingConfig}.
 */
public final class RegistryHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    private final HttpEdge edge;

    /** Called by the runtime once per execution environment (INIT). */
    public RegistryHandler() {
        this(RegistryWiring.fromEnvironment(System.getenv()));
    }

    RegistryHandler(RegistryWiring wiring) { // tests pass their own
        this.edge = wiring.edge();
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> edge.handle(event, context.getAwsRequestId()));
    }
}
