package io.mlserve.infra.constructs;

import io.mlserve.infra.Artifacts;
import io.mlserve.infra.DeployTarget;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * One mlserve Lambda function: the same jar on AWS ({@code java21}) and on the emulator
 * ({@code provided.al2023} + bootstrap). Memory, timeout, architecture and log retention are set
 * here once for every function.
 */
public final class JavaFunction extends Construct {
    private final Function function;
    private final LogGroup logGroup;

    /**
     * Settings that differ between functions.
     *
     * @param module module name under functions/ (also the jar's name)
     * @param handler {@code class::method}
     * @param memoryMb memory (and so CPU share)
     * @param timeout invocation timeout
     * @param environment function-specific environment variables
     * @param reservedConcurrency concurrent executions reserved (and so capped) for this function;
     *     null leaves it on the account's unreserved pool
     * @param jit how the JVM compiles on AWS (the emulator's bootstrap has its own settings)
     */
    public record Props(String module, String handler, int memoryMb, Duration timeout, Map<String, String> environment,
            Integer reservedConcurrency, Jit jit) {
        /** Settings for a request/response function: C1 only. */
        public Props(String module, String handler, int memoryMb, Duration timeout, Map<String, String> environment,
                Integer reservedConcurrency) {
            this(module, handler, memoryMb, timeout, environment, reservedConcurrency, Jit.STARTUP);
        }

        /** Settings without reserved concurrency, C1 only. */
        public Props(String module, String handler, int memoryMb, Duration timeout, Map<String, String> environment) {
            this(module, handler, memoryMb, timeout, environment, null);
        }
    }

    /** The JIT a function runs with on AWS. */
    public enum Jit {
        /**
         * C1 only ({@code -XX:TieredStopAtLevel=1}): short request/response calls live on a fast
         * cold start and never run long enough for C2 to pay off (Powertools/AWS guidance).
         */
        STARTUP,
        /**
         * The JVM's default tiered compilation (C1 then C2): for throughput-bound work such as a batch
         * range that parses and predicts for minutes, where C2's code is several times faster.
         */
        THROUGHPUT
    }

    /**
     * @param scope parent
     * @param id construct id
     * @param target AWS or local emulator
     * @param artifacts where the built jars are
     * @param props function settings
     */
    public JavaFunction(Construct scope, String id, DeployTarget target, Artifacts artifacts, Props props) {
        super(scope, id);
        var environment = new HashMap<>(props.environment());
        if (props.jit() == Jit.STARTUP) {
            // C1 only: Lambda functions live short; this cuts cold start (Powertools/AWS guidance). Set on the
            // emulator too (its bootstrap leaves the JIT to this variable), so both run what AWS runs.
            environment.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        }
        var logs = LogGroup.Builder.create(this, "Logs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        this.function = Function.Builder.create(this, "Function")
                .runtime(target == DeployTarget.AWS ? Runtime.JAVA_21 : Runtime.PROVIDED_AL2023)
                .architecture(Architecture.X86_64) // ONNX Runtime has crashed at init on arm64 Lambda (onnxruntime#10038)
                .handler(props.handler())
                .code(Code.fromAsset((target == DeployTarget.AWS
                        ? artifacts.jar(props.module())
                        : artifacts.localBundle(props.module())).toString()))
                .memorySize(props.memoryMb())
                .timeout(props.timeout())
                .environment(environment)
                .reservedConcurrentExecutions(props.reservedConcurrency())
                .logGroup(logs)
                .build();
        this.logGroup = logs;
    }

    /** @return the Lambda function */
    public Function function() {
        return function;
    }

    /** @return the function's log group (its JSON log lines, one per event) */
    public LogGroup logGroup() {
        return logGroup;
    }
}
