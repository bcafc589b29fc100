package io.mlserve.tribuo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.dataset.DatasetView;

/**
 * Trains a Tribuo classifier from a CSV file whose other columns are all numeric features.
 *
 * <p>Recipe: load the CSV with Tribuo's {@link CSVLoader}; split it per class into a train and a
 * held-out part (fixed seed); train on the train part and measure accuracy and macro F1 on the
 * held-out part; then train the served model again, with the same trainer and seed, on <em>all</em>
 * rows. The metrics therefore estimate the served model; they were not measured on it.
 *
 * <p>Every training call resets the trainer's random stream ({@code invocationCount = 0}), so the
 * same data, trainer and seed give the same weights and the same probabilities.
 */
public final class TribuoTrainer {

    /** Seed of the held-out split; equal to Tribuo's {@link Trainer#DEFAULT_SEED}, which {@link LogisticRegressionTrainer} uses. */
    public static final long DEFAULT_SPLIT_SEED = Trainer.DEFAULT_SEED;

    /** Share of each class used for training when measuring metrics. */
    public static final double DEFAULT_TRAIN_FRACTION = 0.7;

    private final Trainer<Label> trainer;
    private final double trainFraction;
    private final long splitSeed;

    /**
     * @param trainer a Tribuo trainer whose models implement {@link ONNXExportable}
     * @param trainFraction share of each class used for training when measuring metrics, in (0, 1)
     * @param splitSeed seed of the stratified held-out split
     */
    public TribuoTrainer(Trainer<Label> trainer, double trainFraction, long splitSeed) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction must be in (0, 1), got " + trainFraction);
        }
        this.trainer = trainer;
        this.trainFraction = trainFraction;
        this.splitSeed = splitSeed;
    }

    /**
     * @return Tribuo's {@link LogisticRegressionTrainer} (AdaGrad, 5 epochs, its fixed seed 12345),
     *     a 70/30 stratified split, split seed 12345
     */
    public static TribuoTrainer logisticRegression() {
        return new TribuoTrainer(new LogisticRegressionTrainer(), DEFAULT_TRAIN_FRACTION, DEFAULT_SPLIT_SEED);
    }

    /**
     * Loads, evaluates on a held-out split, and retrains on all rows.
     *
     * @param csv a CSV file with a header row; every column but the target must be numeric
     * @param targetColumn the column holding the class label
     * @return the model trained on all rows, the data, and the held-out metrics
     * @throws IOException when the CSV cannot be read
     * @throws IllegalArgumentException when the trainer's model cannot be exported to ONNX
     */
    public TrainedClassifier train(Path csv, String targetColumn) throws IOException {
        MutableDataset<Label> data = new CSVLoader<>(new LabelFactory()).load(csv, targetColumn);
        Split split = stratifiedSplit(data);

        Model<Label> heldOutModel = trainFresh(split.train());
        LabelEvaluation evaluation = new LabelEvaluator().evaluate(heldOutModel, split.test());
        var metrics = new LinkedHashMap<String, Double>();
        metrics.put("accuracy", evaluation.accuracy());
        metrics.put("macroF1", evaluation.macroAveragedF1());

        Model<Label> model = trainFresh(data);
        if (!(model instanceof ONNXExportable)) {
            throw new IllegalArgumentException(
                    model.getClass().getName() + " cannot be exported to ONNX; pick an ONNX-exportable trainer");
        }
        return new TrainedClassifier(
                model,
                data,
                csv,
                targetColumn,
                Collections.unmodifiableMap(metrics),
                new TrainedClassifier.SplitInfo(trainFraction, splitSeed, split.train().size(), split.test().size()),
                trainer.toString(),
                trainerSeed());
    }

    private Model<Label> trainFresh(Dataset<Label> dataset) {
        // invocationCount 0 restarts the trainer's RNG: the held-out and the final fit are each reproducible.
        return trainer.train(dataset, Map.of(), 0);
    }

    private Long trainerSeed() {
        var seed = trainer.getProvenance().getConfiguredParameters().get("seed");
        return seed == null ? null : Long.valueOf(seed.toString());
    }

    private record Split(DatasetView<Label> train, DatasetView<Label> test) {}

    /** Per class (in label-name order): shuffle that class's row indices with the seed, take the first share for training. */
    private Split stratifiedSplit(MutableDataset<Label> data) {
        var byClass = new TreeMap<String, List<Integer>>();
        for (int i = 0; i < data.size(); i++) {
            byClass.computeIfAbsent(data.getExample(i).getOutput().getLabel(), k -> new ArrayList<>()).add(i);
        }
        var random = new Random(splitSeed);
        var train = new ArrayList<Integer>();
        var test = new ArrayList<Integer>();
        for (var rows : byClass.values()) {
            Collections.shuffle(rows, random);
            int trainCount = (int) Math.round(rows.size() * trainFraction);
            train.addAll(rows.subList(0, trainCount));
            test.addAll(rows.subList(trainCount, rows.size()));
        }
        Collections.sort(train);
        Collections.sort(test);
        var trainView = new DatasetView<>(data, toArray(train), "train");
        var testView = new DatasetView<>(data, toArray(test), "test");
        trainView.setStoreIndices(true);
        testView.setStoreIndices(true);
        return new Split(trainView, testView);
    }

    private static int[] toArray(List<Integer> indices) {
        return indices.stream().mapToInt(Integer::intValue).toArray();
    }
}
