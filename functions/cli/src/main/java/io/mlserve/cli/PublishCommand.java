package io.mlserve.cli;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbModelRegistry;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.error.MlServeException;
import io.mlserve.core.registry.RegistryService;
import io.mlserve.onnx.OnnxModelLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlserve publish DIR --bucket B --registry-table T}: checks a model folder, uploads it to
 * {@code models/<name>/<version>/}, registers the version (validated again, as the API would) and
 * points {@code production} at it.
 */
@Command(name = "publish", description = "Check, upload, register and (by default) promote a model folder.")
final class PublishCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "folder holding model.onnx and manifest.json")
    Path dir;

    @Option(names = "--bucket", required = true, description = "the models bucket (stack output ModelsBucketName)")
    String bucket;

    @Option(names = "--registry-table", required = true, description = "the registry table (stack output RegistryTableName)")
    String registryTable;

    @Option(names = "--log-shards", description = "prediction-log shards of the version, 1..64 (default: 4, as the stack's LOG_SHARDS)")
    Integer logShards;

    @Option(names = "--no-promote", description = "register as a candidate only; production stays where it is")
    boolean noPromote;

    @Override
    public Integer call() throws Exception {
        var pkg = ModelPackage.read(dir);
        var loader = new OnnxModelLoader(1);
        var ref = pkg.manifest().ref();
        try {
            pkg.check(loader);
            var store = new S3ModelStore(AwsClients.s3(), bucket);
            var modelRegistry = new DynamoDbModelRegistry(AwsClients.dynamoDb(), registryTable);
            var registry = new RegistryService(modelRegistry, store, loader, bucket, Clock.systemUTC());
            var existing = modelRegistry.version(ref.name(), ref.version());
            if (existing.isPresent()) {
                // versions are immutable: publishing the same bytes again is a no-op, different bytes an error
                if (!pkg.manifest().sha256().equals(existing.get().sha256())) {
                    System.err.println("CONFLICT " + ref + " is already registered with other bytes; publish a new version");
                    return 2;
                }
                System.out.println("already registered " + ref);
            } else {
                store.putVersion(ref, pkg.manifestJson(), pkg.onnx());
                var location = "s3://" + bucket + "/" + S3ModelStore.versionPrefix(ref);
                System.out.println("uploaded " + location);
                registry.register(ref.name(), location, logShards, "cli", (r, manifest, onnx) -> {});
                System.out.println("registered " + ref + " (candidate)");
            }
            if (!noPromote) {
                registry.setProduction(ref.name(), ref.version(), "cli");
                System.out.println("production -> " + ref);
            }
            return 0;
        } catch (MlServeException e) {
            System.err.println(e.code() + " " + e.getMessage());
            return 2;
        }
    }
}
