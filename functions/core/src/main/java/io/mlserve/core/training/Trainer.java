package io.mlserve.core.training;

/**
 * Trains one candidate and writes it as an ONNX graph with the core's own {@link io.mlserve.core.model.ModelManifest}
 * (the Tribuo implementation lives in {@code functions/tribuo}).
 */
@FunctionalInterface
public interface Trainer {

    /**
     * Fits the candidate on the split's train rows and exports it.
     *
     * @param spec the training spec (features, target, task)
     * @param candidate the algorithm and its parameters
     * @param table the loaded data
     * @param split which rows train and which are held out
     * @param name the model name the manifest carries
     * @return the ONNX bytes, a manifest (version {@link TrainedModel#UNASSIGNED_VERSION} until the registry assigns one),
     *     and the trainer's own outputs on the held-out rows
     * @throws CandidateFailedException when this candidate cannot be trained (diverged, bad parameter value, cannot export)
     */
    TrainedModel train(TrainingSpec spec, TrainingSpec.Candidate candidate, TrainingTable table, DataSplit split, String name);
}
