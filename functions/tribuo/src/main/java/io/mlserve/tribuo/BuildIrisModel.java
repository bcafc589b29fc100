package io.mlserve.tribuo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds the iris model: {@code model.onnx}, {@code manifest.json}, and the golden pair
 * {@code sample-request.json} / {@code expected-response.json}, all in one folder.
 *
 * <p>Usage: {@code BuildIrisModel <iris.csv> <output dir>}; paths as given are recorded in
 * {@code producedBy}, so run it from the repository root ({@code models/iris/make_model.sh} does).
 */
public final class BuildIrisModel {

    private BuildIrisModel() {}

    /**
     * @param args the iris CSV and the output folder
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BuildIrisModel <iris.csv> <output dir>");
            System.exit(2);
        }
        Path csv = Path.of(args[0]);
        Path out = Path.of(args[1]);
        ExportedModel exported = build(csv, out);
        System.out.println("wrote " + exported.onnxFile() + " sha256=" + exported.sha256());
        System.out.println("features " + exported.manifest().get("features").findValuesAsText("name"));
        System.out.println("labels   " + exported.manifest().get("output").get("labels"));
        System.out.println("metrics  " + exported.manifest().get("metrics"));
    }

    /**
     * Trains, exports and writes the golden pair.
     *
     * @param csv the iris CSV ({@code sepal_length,sepal_width,petal_length,petal_width,species})
     * @param out the folder to write into
     * @return the exported model
     * @throws IOException when a file cannot be read or written
     */
    public static ExportedModel build(Path csv, Path out) throws IOException {
        TrainedClassifier trained = TribuoTrainer.logisticRegression().train(csv, "species");
        var info = new ModelInfo(
                "iris",
                "1",
                "Iris species (setosa, versicolor, virginica) from sepal and petal measurements in cm;"
                        + " Tribuo logistic regression on Fisher's 150 flowers",
                "cm",
                Map.of(
                        "class", BuildIrisModel.class.getName(),
                        "script", "models/iris/make_model.sh",
                        "data", csv.toString()));
        ExportedModel exported = new OnnxModelExporter().export(trained, info, out);
        writeGoldenPair(trained, out);
        return exported;
    }

    /** One row per class, as a client would send it, and what Tribuo itself answers. */
    private static void writeGoldenPair(TrainedClassifier trained, Path out) throws IOException {
        ObjectNode request = OnnxModelExporter.MAPPER.createObjectNode();
        ArrayNode instances = request.putArray("instances");
        ObjectNode response = OnnxModelExporter.MAPPER.createObjectNode();
        ArrayNode predictions = response.putArray("predictions");
        for (int row : OnnxModelExporter.firstCorrectRowPerClass(trained)) {
            Map<String, Double> instance = trained.instance(trained.data().getExample(row));
            instances.add(OnnxModelExporter.instanceJson(instance));
            predictions.add(OnnxModelExporter.predictionJson(trained, trained.predict(instance)));
        }
        OnnxModelExporter.writeJson(out.resolve("sample-request.json"), request);
        OnnxModelExporter.writeJson(out.resolve("expected-response.json"), response);
    }
}
