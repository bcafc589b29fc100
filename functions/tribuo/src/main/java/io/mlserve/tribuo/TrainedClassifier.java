package io.mlserve.tribuo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

/**
 * A classifier trained by {@link TribuoTrainer}, with the data it saw and its held-out metrics.
 *
 * <p>N.B. Column orders come from Tribuo, not from the CSV: feature {@code j} of an ONNX input row is
 * {@link #featureNames()}{@code .get(j)} (Tribuo's feature IDs, names sorted as strings), and
 * probability column {@code k} is {@link #labels()}{@code .get(k)} (Tribuo's output IDs, not
 * alphabetical).
 *
 * @param model the model trained on all rows
 * @param data all rows, in CSV order
 * @param dataFile the CSV the rows came from
 * @param targetColumn the CSV column holding the label
 * @param metrics held-out metrics of the same trainer fitted on the train split ({@code accuracy}, {@code macroF1})
 * @param split how the held-out rows were chosen
 * @param trainerDescription Tribuo's description of the trainer and its settings
 * @param trainerSeed the trainer's configured seed, or null when it has none
 */
public record TrainedClassifier(
        Model<Label> model,
        MutableDataset<Label> data,
        Path dataFile,
        String targetColumn,
        Map<String, Double> metrics,
        SplitInfo split,
        String trainerDescription,
        Long trainerSeed) {

    /**
     * @param trainFraction share of each class trained on
     * @param seed shuffle seed
     * @param trainRows rows trained on when measuring metrics
     * @param testRows rows the metrics were measured on
     */
    public record SplitInfo(double trainFraction, long seed, int trainRows, int testRows) {}

    /** @return feature names in ONNX input column order (Tribuo feature-ID order) */
    public List<String> featureNames() {
        var featureMap = model.getFeatureIDMap();
        var names = new ArrayList<String>(featureMap.size());
        for (int id = 0; id < featureMap.size(); id++) {
            names.add(featureMap.get(id).getName());
        }
        return Collections.unmodifiableList(names);
    }

    /** @return class labels in ONNX output column order (Tribuo output-ID order) */
    public List<String> labels() {
        var outputs = model.getOutputIDInfo();
        var labels = new ArrayList<String>(outputs.size());
        for (int id = 0; id < outputs.size(); id++) {
            labels.add(outputs.getOutput(id).getLabel());
        }
        return Collections.unmodifiableList(labels);
    }

    /**
     * @param example a row of {@link #data()}
     * @return its feature values keyed by feature name, in {@link #featureNames()} order
     */
    public Map<String, Double> instance(Example<Label> example) {
        var values = new LinkedHashMap<String, Double>();
        for (String name : featureNames()) {
            values.put(name, 0.0); // Tribuo treats an absent feature as 0
        }
        for (Feature feature : example) {
            values.put(feature.getName(), feature.getValue());
        }
        return values;
    }

    /**
     * Asks Tribuo itself, so that ONNX output can be compared with it.
     *
     * @param instance feature name to value
     * @return Tribuo's prediction
     */
    public Prediction<Label> predict(Map<String, Double> instance) {
        var example = new ArrayExample<>(LabelFactory.UNKNOWN_LABEL);
        instance.forEach(example::add);
        return model.predict(example);
    }

    /**
     * @param prediction a prediction of {@link #model()}
     * @return label name to probability, in {@link #labels()} order
     */
    public Map<String, Double> probabilities(Prediction<Label> prediction) {
        var scores = prediction.getOutputScores();
        var probabilities = new LinkedHashMap<String, Double>();
        for (String label : labels()) {
            probabilities.put(label, scores.get(label).getScore());
        }
        return probabilities;
    }
}
