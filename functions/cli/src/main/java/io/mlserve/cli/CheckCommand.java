package io.mlserve.cli;

import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.onnx.OnnxModelLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mlserve check DIR}: runs the serving checks on a model folder without uploading it. */
@Command(name = "check", description = "Check a model folder (manifest.json + model.onnx) as the server would.")
final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "folder holding model.onnx and manifest.json")
    Path dir;

    @Override
    public Integer call() throws Exception {
        var pkg = ModelPackage.read(dir);
        try {
            pkg.check(new OnnxModelLoader(1));
        } catch (ModelRejectedException e) {
            System.err.println("REJECTED " + e.getMessage());
            return 2;
        }
        System.out.println("OK " + pkg.manifest().ref() + " (" + pkg.manifest().task().manifestName() + ", "
                + pkg.manifest().features().size() + " features, " + pkg.onnx().length + " bytes)");
        return 0;
    }
}
