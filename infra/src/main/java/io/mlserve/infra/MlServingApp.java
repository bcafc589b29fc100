package io.mlserve.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.nio.file.Path;
import java.util.Locale;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: {@code cdk deploy} for AWS, {@code cdklocal deploy -c target=local} for the emulator.
 * Run {@code ./mvnw package} at the repository root first: the functions' jars are the assets.
 */
public final class MlServingApp {
    private MlServingApp() {}

    /** @param args unused */
    public static void main(String[] args) {
        var app = new App();
        build(app);
        app.synth();
    }

    /**
     * Adds the stack and the cdk-nag checks to an app (tests call this with their own app).
     *
     * @param app the CDK app; context keys: {@code target} ({@code aws} | {@code local}),
     *     {@code repoRoot} (where {@code functions/} is; default {@code ..}), {@code bundleDir} (where
     *     emulator bundles are assembled; default {@code infra/target/local-bundles}),
     *     {@code removalPolicy} ({@code retain} | {@code destroy}, for buckets and tables; default retain),
     *     {@code logShards} (prediction-log shards of a version registered without a count, 1..64; default 4),
     *     {@code primeModels} (comma-separated models predict loads and runs before its SnapStart snapshot; AWS only)
     * @return the serving stack
     */
    public static ServingStack build(App app) {
        var target = DeployTarget.from(app.getNode().tryGetContext("target"));
        var repoRoot = Path.of(String.valueOf(contextOr(app, "repoRoot", ".."))).toAbsolutePath().normalize();
        var bundleDir = contextOr(app, "bundleDir", null);
        var artifacts = bundleDir == null
                ? new Artifacts(repoRoot)
                : new Artifacts(repoRoot, Path.of(bundleDir.toString()).toAbsolutePath().normalize());
        // a context choice, not the target's: the emulator stack stays identical except for the runtime
        var removal = RemovalPolicy.valueOf(String.valueOf(contextOr(app, "removalPolicy", "retain")).toUpperCase(Locale.ROOT));
        var stack = new ServingStack(app, "MlServe", StackProps.builder()
                .description("mlserve: serverless ONNX model serving")
                .build(), new ServingStack.Settings(target, artifacts, removal, logShards(app),
                        String.valueOf(contextOr(app, "primeModels", ""))));
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return stack;
    }

    private static int logShards(App app) {
        var value = contextOr(app, "logShards", ServingStack.Settings.DEFAULT_LOG_SHARDS);
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("context logShards must be an integer from 1 to 64, got '" + value + "'", e);
        }
    }

    private static Object contextOr(App app, String key, Object fallback) {
        var value = app.getNode().tryGetContext(key);
        return value == null ? fallback : value;
    }
}
