package io.mlserve.function.registry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.mlserve.aws.FunctionConfig;
import io.mlserve.core.registry.CanaryGuardService;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * EventBridge schedule (every minute): rolls back canaries that break their guard's limits and
 * publishes {@code CanaryRolledBack}. Returns its decisions (handy when invoked by hand); fails the
 * invocation, after checking every model, when any model's check failed. Env vars:
 * see {@link FunctionConfig}, plus {@code EVENT_BUS_NAME}.
 */
public final class CanaryGuardHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryGuardHandler.class);

    private final CanaryGuardService guard;

    /** Called by the runtime once per execution environment (INIT). */
    public CanaryGuardHandler() {
        this(RegistryWiring.canaryGuard(System.getenv()));
    }

    CanaryGuardHandler(CanaryGuardService guard) {
        this.guard = guard;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            var decisions = guard.checkAll();
            decisions.stream().filter(CanaryGuardService.Decision::rolledBack).forEach(d -> LOG.warn(
                    "canary {} of {} rolled back: {}", d.canary(), d.model(), d.reason()));
            var failed = decisions.stream().filter(CanaryGuardService.Decision::failed).toList();
            failed.forEach(d -> LOG.error("canary guard could not check {}: {}", d.model(), d.reason()));
            if (!failed.isEmpty()) {
                // Every model was checked; failing the invocation now makes the Errors alarm fire and
                // EventBridge retry (then dead-letter) the run, instead of a silent partial success.
                throw new IllegalStateException("canary guard failed for " + failed.size() + " of " + decisions.size()
                        + " model(s): " + failed.stream().map(CanaryGuardService.Decision::model).toList());
            }
            return Map.of("checked", decisions.size(), "decisions", decisions);
        });
    }
}
