package io.mlserve.cli;

import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.model.ManifestChecks;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.serving.SampleCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A model folder on disk: {@code model.onnx} + {@code manifest.json}.
 *
 * @param manifest parsed manifest
 * @param manifestJson its bytes, uploaded unchanged
 * @param onnx model bytes
 */
record ModelPackage(ModelManifest manifest, byte[] manifestJson, byte[] onnx) {

    static ModelPackage read(Path dir) throws IOException {
        var manifestJson = Files.readAllBytes(dir.resolve("manifest.json"));
        var onnx = Files.readAllBytes(dir.resolve("model.onnx"));
        ModelManifest manifest;
        try {
            manifest = ModelManifest.parse(manifestJson);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelRejectedException(dir.getFileName().toString(), "?", List.of("manifest.json is not a valid manifest: " + e.getMessage()));
        }
        return new ModelPackage(manifest, manifestJson, onnx);
    }

    /** Runs every check the serving side runs, so a bad package fails here, not at predict time. */
    void check(io.mlserve.core.inference.ModelLoader loader) {
        ManifestChecks.requireValid(manifest.ref(), manifest, onnx);
        try (var predictor = loader.load(manifest, onnx)) {
            SampleCheck.requireSamplesMatch(manifest, predictor);
        }
    }
}
