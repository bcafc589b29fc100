package io.mlserve.cli;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.S3ModelStore;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.onnx.OnnxModelLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlserve publish DIR --bucket B}: checks a model folder, uploads it to
 * {@code models/<name>/<version>/} and points the {@code production} alias at it.
 */
@Command(name = "publish", description = "Check, upload and (by default) serve a model folder.")
final class PublishCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "folder holding model.onnx and manifest.json")
    Path dir;

    @Option(names = "--bucket", required = true, description = "the models bucket (stack output ModelsBucketName)")
    String bucket;

    @Option(names = "--alias", defaultValue = "production", description = "alias to point at this version (default: ${DEFAULT-VALUE})")
    String alias;

    @Option(names = "--no-alias", description = "upload only; do not move any alias")
    boolean noAlias;

    @Option(names = "--skip-checks", hidden = true, description = "upload without checking (to test server-side refusal)")
    boolean skipChecks;

    @Override
    public Integer call() throws Exception {
        var pkg = ModelPackage.read(dir);
        if (!skipChecks) {
            try {
                pkg.check(new OnnxModelLoader(1));
            } catch (ModelRejectedException e) {
                System.err.println("REJECTED " + e.getMessage());
                return 2;
            }
        }
        var ref = pkg.manifest().ref();
        var store = new S3ModelStore(AwsClients.s3(), bucket);
        store.putVersion(ref, pkg.manifestJson(), pkg.onnx());
        System.out.println("uploaded s3://" + bucket + "/" + S3ModelStore.versionPrefix(ref));
        if (!noAlias) {
            store.putAlias(ref.name(), alias, ref.version());
            System.out.println(alias + " -> " + ref);
        }
        return 0;
    }
}
