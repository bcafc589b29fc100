package io.mlserve.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlserve.core.training.Algorithm;
import io.mlserve.tribuo.TreeData.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.ensemble.VotingCombiner;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.ensemble.WeightedEnsembleModel;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/** Trains Tribuo trees on generated rows and checks ONNX Runtime on the exported graph against Tribuo. */
class TreeEnsembleExporterTest {

    static final List<Row> TRAIN = TreeData.rows(400, 1);
    static final List<Row> UNSEEN = TreeData.rows(200, 2);
    static final Map<String, Double> WORST = new HashMap<>();

    static Map<String, Object> cartParams() {
        return new HashMap<>(Map.of("maxDepth", 8, "minChildWeight", 3.0, "fractionFeaturesInSplit", 1.0, "seed", 7));
    }

    static Map<String, Object> forestParams() {
        var params = cartParams();
        params.put("trees", 25);
        params.put("fractionFeaturesInSplit", 0.5);
        return params;
    }

    @AfterAll
    static void report() {
        System.out.println("max |ORT - Tribuo| per model: " + WORST);
    }

    @Test
    void export_shouldMatchTribuoProbabilities_whenCartClassifiesThreeClasses() throws Exception {
        var model = TreeTrainers.classification(Algorithm.CART, cartParams())
                .train(TreeData.classificationData(TRAIN, 3));
        assertThat(model.getOutputIDInfo().size()).isEqualTo(3);
        assertOrtMatchesTribuo("cart classification", model, new LabelFactory());
    }

    @Test
    void export_shouldMatchTribuoValues_whenCartRegresses() throws Exception {
        var model = TreeTrainers.regression(Algorithm.CART, cartParams()).train(TreeData.regressionData(TRAIN));
        assertOrtMatchesTribuo("cart regression", model, new RegressionFactory());
    }

    @Test
    void export_shouldMatchTribuoProbabilities_whenRandomForestClassifiesThreeClasses() throws Exception {
        var model = TreeTrainers.classification(Algorithm.RANDOM_FOREST, forestParams())
                .train(TreeData.classificationData(TRAIN, 3));
        assertOrtMatchesTribuo("forest classification", model, new LabelFactory());
    }

    @Test
    void export_shouldMatchTribuoProbabilities_whenRandomForestClassifiesTwoClasses() throws Exception {
        // ONNX Runtime special-cases two-class ensembles ("binary case"); the export must avoid that path
        var model = TreeTrainers.classification(Algorithm.RANDOM_FOREST, forestParams())
                .train(TreeData.classificationData(TRAIN, 2));
        assertThat(model.getOutputIDInfo().size()).isEqualTo(2);
        assertOrtMatchesTribuo("forest binary classification", model, new LabelFactory());
    }

    @Test
    void export_shouldMatchTribuoProbabilities_whenCartClassifiesTwoClasses() throws Exception {
        var model = TreeTrainers.classification(Algorithm.CART, cartParams())
                .train(TreeData.classificationData(TRAIN, 2));
        assertOrtMatchesTribuo("cart binary classification", model, new LabelFactory());
    }

    @Test
    void export_shouldMatchTribuoValues_whenRandomForestRegresses() throws Exception {
        var model = TreeTrainers.regression(Algorithm.RANDOM_FOREST, forestParams())
                .train(TreeData.regressionData(TRAIN));
        assertOrtMatchesTribuo("forest regression", model, new RegressionFactory());
    }

    @Test
    void export_shouldMatchTribuo_whenForestIsBaggedTreesOverAllFeatures() throws Exception {
        var params = forestParams();
        params.put("fractionFeaturesInSplit", 1.0);
        var model = TreeTrainers.regression(Algorithm.RANDOM_FOREST, params).train(TreeData.regressionData(TRAIN));
        assertOrtMatchesTribuo("bagged regression", model, new RegressionFactory());
    }

    @Test
    void randomForest_shouldAverageMemberProbabilities_notCountVotes() throws Exception {
        // GIVEN a trained forest and its members' own predictions on unseen rows
        var forest = (WeightedEnsembleModel<Label>) TreeTrainers.classification(Algorithm.RANDOM_FOREST, forestParams())
                .train(TreeData.classificationData(TRAIN, 3));
        var members = forest.getModels();
        var examples = TreeData.examples(UNSEEN, new LabelFactory());
        double largestVoteGap = 0;

        for (var example : examples) {
            // WHEN the member distributions are averaged and, separately, their arg-max votes counted
            var info = forest.getOutputIDInfo();
            double[] mean = new double[info.size()];
            double[] votes = new double[info.size()];
            for (var member : members) {
                var prediction = member.predict(example);
                for (int k = 0; k < info.size(); k++) {
                    String label = info.getOutput(k).getLabel();
                    mean[k] += prediction.getOutputScores().get(label).getScore() / members.size();
                }
                votes[info.getID(prediction.getOutput())] += 1.0 / members.size();
            }

            // THEN the forest's probabilities are the average
            var forestScores = forest.predict(example).getOutputScores();
            for (int k = 0; k < info.size(); k++) {
                double p = forestScores.get(info.getOutput(k).getLabel()).getScore();
                assertThat(p).isCloseTo(mean[k], within(1e-9));
                largestVoteGap = Math.max(largestVoteGap, Math.abs(p - votes[k]));
            }
        }
        // AND they are not the vote shares (which could not be written as one tree ensemble)
        assertThat(largestVoteGap).isGreaterThan(0.05);
    }

    @Test
    void randomForest_shouldAverageMemberValues_whenRegressing() {
        var forest = (WeightedEnsembleModel<Regressor>) TreeTrainers.regression(Algorithm.RANDOM_FOREST, forestParams())
                .train(TreeData.regressionData(TRAIN));
        assertThat(forest.getNumModels()).isEqualTo(25);
        double largestSpread = 0;
        for (var example : TreeData.examples(UNSEEN, new RegressionFactory())) {
            double mean = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (var member : forest.getModels()) {
                double v = member.predict(example).getOutput().getValues()[0];
                mean += v / forest.getNumModels();
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertThat(forest.predict(example).getOutput().getValues()[0]).isCloseTo(mean, within(1e-9));
            largestSpread = Math.max(largestSpread, max - min);
        }
        assertThat(largestSpread).as("members disagree, so the average is a real test").isGreaterThan(1.0);
    }

    @Test
    void export_shouldRefuse_whenEnsembleVotes() {
        var forest = (WeightedEnsembleModel<Label>) TreeTrainers.classification(Algorithm.RANDOM_FOREST, forestParams())
                .train(TreeData.classificationData(TRAIN, 3));
        var voting = WeightedEnsembleModel.createEnsembleFromExistingModels("voting", forest.getModels(), new VotingCombiner());

        assertThatThrownBy(() -> TreeEnsembleExporter.export(voting, "io.mlserve", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VotingCombiner")
                .hasMessageContaining("does not average");
    }

    @Test
    void export_shouldRefuse_whenModelIsNotATree() {
        var linear = new LogisticRegressionTrainer().train(TreeData.classificationData(TRAIN, 3));

        assertThatThrownBy(() -> TreeEnsembleExporter.export(linear, "io.mlserve", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Tribuo tree model");
    }

    @Test
    void export_shouldFollowGraphContract_whenLoadedInOrt() throws Exception {
        // GIVEN an exported three-class forest
        var model = TreeTrainers.classification(Algorithm.RANDOM_FOREST, forestParams())
                .train(TreeData.classificationData(TRAIN, 3));
        var proto = TreeEnsembleExporter.export(model, "io.mlserve", 3);

        // WHEN ONNX Runtime loads it
        var env = OrtEnvironment.getEnvironment();
        try (var session = env.createSession(proto.toByteArray(), new OrtSession.SessionOptions())) {
            // THEN one float[N, F] input and one float[N, C] output, both orders recorded in the metadata
            assertThat(session.getInputNames()).containsExactly("input");
            assertThat(session.getOutputNames()).containsExactly("output");
            assertThat(((TensorInfo) session.getInputInfo().get("input").getInfo()).getShape()).containsExactly(-1L, 6L);
            assertThat(((TensorInfo) session.getOutputInfo().get("output").getInfo()).getShape())
                    .containsExactly(-1L, 3L);
            var metadata = session.getMetadata().getCustomMetadata();
            var json = new ObjectMapper();
            var strings = new TypeReference<List<String>>() {};
            assertThat(json.readValue(metadata.get(OnnxModelExporter.METADATA_FEATURES), strings))
                    .containsExactly("a10", "a2", "age", "b", "score", "tenure");
            var labels = new ArrayList<String>();
            for (int k = 0; k < 3; k++) {
                labels.add(model.getOutputIDInfo().getOutput(k).getLabel());
            }
            assertThat(json.readValue(metadata.get(OnnxModelExporter.METADATA_LABELS), strings)).isEqualTo(labels);
            assertThat(metadata).containsKey("TRIBUO_PROVENANCE");
            assertThat(session.getMetadata().getVersion()).isEqualTo(3L);
        }
        assertThat(proto.getOpsetImportList())
                .anySatisfy(o -> assertThat(o.getDomain()).isEqualTo("ai.onnx.ml"));
    }

    /**
     * Every training row, unseen row and on/around-threshold row: ORT within 1e-5 of Tribuo, and within
     * one float step of it (the output is float; values of regression can be large).
     */
    static <T extends Output<T>> void assertOrtMatchesTribuo(String name, Model<T> model, OutputFactory<T> factory)
            throws Exception {
        var thresholdRows = TreeData.thresholdRows(model, UNSEEN);
        assertThat(thresholdRows).hasSizeGreaterThan(30);
        var rows = new ArrayList<Row>(TRAIN);
        rows.addAll(UNSEEN);
        rows.addAll(thresholdRows);

        float[][] ort = TreeData.ort(TreeEnsembleExporter.export(model, "io.mlserve", 1), model, rows);
        double[][] tribuo = TreeData.tribuo(model, rows, factory);

        int width = model.validate(Label.class) ? model.getOutputIDInfo().size() : 1;
        assertThat(ort).hasDimensions(rows.size(), width);
        double worst = 0;
        var distinct = new java.util.HashSet<Double>();
        for (int i = 0; i < rows.size(); i++) {
            for (int k = 0; k < width; k++) {
                assertThat((double) ort[i][k]).as("%s row %d column %d", name, i, k).isCloseTo(tribuo[i][k], within(1e-5));
                // stronger: the graph sums in double, so all that is left is rounding to the float output
                double floatStep = Math.max(Math.ulp((float) tribuo[i][k]), 1e-12);
                assertThat((double) ort[i][k]).as("%s row %d column %d in float steps", name, i, k)
                        .isCloseTo(tribuo[i][k], within(floatStep));
                worst = Math.max(worst, Math.abs(ort[i][k] - tribuo[i][k]));
            }
            distinct.add(tribuo[i][0]);
        }
        assertThat(distinct).as("the model is not constant").hasSizeGreaterThan(2);
        synchronized (WORST) {
            WORST.put(name, worst);
        }
    }
}
