package io.mlserve.core.training;

import io.mlserve.core.model.ModelManifest;

/**
 * One trained candidate, before registration.
 *
 * @param onnx the ONNX graph: raw feature values in (per-feature inputs), probabilities or values out
 * @param manifest its manifest; {@code version} is {@link #UNASSIGNED_VERSION}, {@code sha256} matches {@code onnx},
 *     {@code metrics} are the held-out metrics, {@code samples} null (the select step adds them)
 * @param heldOutOutputs the training library's own outputs for {@code split.test()} rows, in that order: per row the
 *     class probabilities in {@code manifest.output().labels()} order, or the single regression value
 * @param trainingMs wall time of the fit
 */
public record TrainedModel(byte[] onnx, ModelManifest manifest, double[][] heldOutOutputs, long trainingMs) {
    /** Version a candidate's manifest carries until the registry assigns the next integer. */
    public static final String UNASSIGNED_VERSION = "0";
}
