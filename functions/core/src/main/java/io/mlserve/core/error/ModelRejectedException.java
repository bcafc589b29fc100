package io.mlserve.core.error;

import java.util.List;
import java.util.Map;

/**
 * A model version exists but cannot be served: its manifest does not match its ONNX graph or its
 * bytes ({@link ErrorKind#UNAVAILABLE}: the caller did nothing wrong, the model is unusable).
 */
public final class ModelRejectedException extends MlServeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    /**
     * @param name model name
     * @param version model version
     * @param problems every mismatch found, each naming the field or ONNX input/output concerned
     */
    public ModelRejectedException(String name, String version, List<String> problems) {
        super(
                ErrorKind.UNAVAILABLE,
                "MODEL_REJECTED",
                "model '" + name + "' version '" + version + "' cannot be served: " + String.join("; ", problems),
                Map.of("model", name, "version", version, "problems", List.copyOf(problems)));
        this.problems = List.copyOf(problems);
    }

    /** @return the mismatches found */
    public List<String> problems() {
        return problems;
    }

}
