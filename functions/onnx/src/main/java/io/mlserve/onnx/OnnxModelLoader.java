package io.mlserve.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.mlserve.core.error.ModelRejectedException;
import io.mlserve.core.inference.ModelLoader;
import io.mlserve.core.inference.Predictor;
import io.mlserve.core.model.ModelManifest;
import java.util.List;

/** Loads ONNX graphs into ONNX Runtime sessions after checking them against their manifest. */
public final class OnnxModelLoader implements ModelLoader {
    private final OrtEnvironment environment;
    private final int intraOpThreads;

    /**
     * @param intraOpThreads threads per operator; 1 suits Lambda's small vCPU share and small models
     *     (Tribuo's {@code ONNXExternalModel} uses 1 too)
     */
    public OnnxModelLoader(int intraOpThreads) {
        NativeLibraries.preferUnpacked();
        this.environment = OrtEnvironment.getEnvironment();
        this.intraOpThreads = intraOpThreads;
    }

    @Override
    public Predictor load(ModelManifest manifest, byte[] onnxBytes) {
        OrtSession session;
        try (var options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(onnxBytes, options);
        } catch (OrtException e) {
            throw reject(manifest, "model.onnx cannot be loaded by ONNX Runtime: " + e.getMessage());
        }
        try {
            var problems = SignatureCheck.problems(manifest, session.getInputInfo(), session.getOutputInfo());
            if (!problems.isEmpty()) {
                throw new ModelRejectedException(manifest.name(), manifest.version(), problems);
            }
            return new OnnxPredictor(environment, session, manifest);
        } catch (OrtException e) {
            closeQuietly(session);
            throw reject(manifest, "cannot read the graph's inputs and outputs: " + e.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static ModelRejectedException reject(ModelManifest m, String problem) {
        return new ModelRejectedException(m.name(), m.version(), List.of(problem));
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException ignored) {
            // the session is being discarded because of an earlier, reported failure
        }
    }
}
