package io.mlserve.tribuo;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.ONNXExportable;
import org.tribuo.Prediction;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;

/**
 * Writes a {@link TrainedClassifier} as {@code model.onnx} plus the {@code manifest.json} of
 * {@code docs/model-contract.md}.
 *
 * <p>The graph is Tribuo's own export ({@link ONNXExportable#exportONNXModel}, the proto that
 * {@code saveONNXModel} writes): input {@value #INPUT_NAME} {@code float[N, F]}, output
 * {@value #OUTPUT_NAME} {@code float[N, C]} probabilities. Because the file itself does not say which
 * column is which, the feature and label orders also go into the ONNX {@code metadata_props}
 * ({@value #METADATA_FEATURES}, {@value #METADATA_LABELS}; JSON arrays), beside Tribuo's
 * {@code TRIBUO_PROVENANCE}.
 *
 * <p>N.B. the ONNX bytes embed Tribuo's provenance (training time, data file time stamp), so two
 * exports of the same model differ in bytes while their outputs are identical.
 */
public final class OnnxModelExporter {

    /** Name of the ONNX input Tribuo writes. */
    public static final String INPUT_NAME = "input";
    /** Name of the ONNX probability output Tribuo writes. */
    public static final String OUTPUT_NAME = "output";
    /** ONNX metadata key holding the feature names in input column order, as a JSON array. */
    public static final String METADATA_FEATURES = "mlserve.features";
    /** ONNX metadata key holding the labels in output column order, as a JSON array. */
    public static final String METADATA_LABELS = "mlserve.labels";
    /** ONNX {@code domain} of exported graphs. */
    public static final String ONNX_DOMAIN = "io.mlserve";

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Clock clock;

    /** @param clock source of {@code createdAt} */
    public OnnxModelExporter(Clock clock) {
        this.clock = clock;
    }

    /** Uses the system clock. */
    public OnnxModelExporter() {
        this(Clock.systemUTC());
    }

    /**
     * Writes {@code model.onnx} and {@code manifest.json} into {@code dir} (created if missing).
     *
     * @param trained the classifier and its data
     * @param info name, version and description
     * @param dir output folder
     * @return the written files and the manifest
     * @throws IOException when a file cannot be written
     */
    public ExportedModel export(TrainedClassifier trained, ModelInfo info, Path dir) throws IOException {
        Files.createDirectories(dir);
        byte[] onnx = onnxBytes(trained, info);
        Path onnxFile = dir.resolve("model.onnx");
        Files.write(onnxFile, onnx);
        String sha256 = sha256(onnx);

        ObjectNode manifest = manifest(trained, info, sha256);
        Path manifestFile = dir.resolve("manifest.json");
        writeJson(manifestFile, manifest);
        return new ExportedModel(onnxFile, manifestFile, manifest, sha256);
    }

    private static byte[] onnxBytes(TrainedClassifier trained, ModelInfo info) throws IOException {
        long onnxVersion = info.version().matches("\\d{1,18}") ? Long.parseLong(info.version()) : 0L;
        OnnxMl.ModelProto proto = ((ONNXExportable) trained.model()).exportONNXModel(ONNX_DOMAIN, onnxVersion);
        return proto.toBuilder()
                .addMetadataProps(metadata(METADATA_FEATURES, MAPPER.writeValueAsString(trained.featureNames())))
                .addMetadataProps(metadata(METADATA_LABELS, MAPPER.writeValueAsString(trained.labels())))
                .build()
                .toByteArray();
    }

    private static OnnxMl.StringStringEntryProto metadata(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private ObjectNode manifest(TrainedClassifier trained, ModelInfo info, String sha256) throws IOException {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("schemaVersion", 1);
        m.put("name", info.name());
        m.put("version", info.version());
        m.put("task", "classification");
        m.put("description", info.description());

        ArrayNode features = m.putArray("features");
        Map<String, double[]> ranges = observedRanges(trained);
        for (String name : trained.featureNames()) {
            double[] range = ranges.get(name);
            ObjectNode f = features.addObject();
            f.put("name", name);
            f.put("type", "float");
            f.put("min", lowerBound(range[0], range[1]));
            f.put("max", upperBound(range[0], range[1]));
            f.put("description", (info.featureUnit() == null ? "" : info.featureUnit() + "; ")
                    + "observed " + range[0] + " to " + range[1] + " in the training data");
        }

        ObjectNode input = m.putObject("input");
        input.put("layout", "tensor");
        input.put("name", INPUT_NAME);
        input.put("type", "float");

        ObjectNode output = m.putObject("output");
        ArrayNode labels = output.putArray("labels");
        trained.labels().forEach(labels::add);
        output.put("probabilities", OUTPUT_NAME);
        output.putNull("label"); // no label output: the label is the arg-max of the probabilities

        ObjectNode metrics = m.putObject("metrics");
        trained.metrics().forEach(metrics::put);

        m.put("sha256", sha256);
        m.put("createdAt", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        m.set("producedBy", producedBy(trained, info));

        ArrayNode samples = m.putArray("samples");
        for (int row : sampleRows(trained)) {
            Example<Label> example = trained.data().getExample(row);
            ObjectNode sample = samples.addObject();
            sample.set("instance", instanceJson(trained.instance(example)));
            sample.set("expected", predictionJson(trained, trained.model().predict(example)));
        }
        return m;
    }

    private static ObjectNode producedBy(TrainedClassifier trained, ModelInfo info) throws IOException {
        String trainerClass = trained.model().getProvenance().getTrainerProvenance().getClassName();
        ObjectNode p = MAPPER.createObjectNode();
        p.put("tool", "tribuo " + Tribuo.VERSION + " " + trainerClass.substring(trainerClass.lastIndexOf('.') + 1));
        p.put("trainer", trained.trainerDescription());
        info.provenance().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> p.put(e.getKey(), e.getValue()));
        p.put("dataSha256", sha256(Files.readAllBytes(trained.dataFile())));
        p.put("dataRows", trained.data().size());
        p.put("targetColumn", trained.targetColumn());
        if (trained.trainerSeed() != null) {
            p.put("seed", trained.trainerSeed());
        }
        ObjectNode split = p.putObject("heldOut");
        split.put("method", "stratified per class");
        split.put("trainFraction", trained.split().trainFraction());
        split.put("seed", trained.split().seed());
        split.put("trainRows", trained.split().trainRows());
        split.put("testRows", trained.split().testRows());
        p.put("servedModel", "retrained on all " + trained.data().size()
                + " rows with the same trainer and seed; metrics come from the model trained on the train split");
        p.put("java", Runtime.version().toString());
        return p;
    }

    /**
     * Rows worth keeping as samples: per true class (in label order), the first row Tribuo gets right
     * and the row where Tribuo is least sure of that class.
     *
     * @param trained the classifier and its data
     * @return row indices into {@link TrainedClassifier#data()}, without duplicates
     */
    public static List<Integer> sampleRows(TrainedClassifier trained) {
        var rows = new LinkedHashSet<Integer>();
        rows.addAll(firstCorrectRowPerClass(trained));
        for (String label : trained.labels()) {
            int leastSure = -1;
            double lowest = Double.POSITIVE_INFINITY;
            for (int i = 0; i < trained.data().size(); i++) {
                Example<Label> example = trained.data().getExample(i);
                if (example.getOutput().getLabel().equals(label)) {
                    double p = trained.model().predict(example).getOutputScores().get(label).getScore();
                    if (p < lowest) {
                        lowest = p;
                        leastSure = i;
                    }
                }
            }
            rows.add(leastSure);
        }
        return new ArrayList<>(rows);
    }

    /**
     * @param trained the classifier and its data
     * @return per class (in label order), the first row whose true label Tribuo predicts
     */
    public static List<Integer> firstCorrectRowPerClass(TrainedClassifier trained) {
        var rows = new ArrayList<Integer>();
        for (String label : trained.labels()) {
            for (int i = 0; i < trained.data().size(); i++) {
                Example<Label> example = trained.data().getExample(i);
                if (example.getOutput().getLabel().equals(label)
                        && trained.model().predict(example).getOutput().getLabel().equals(label)) {
                    rows.add(i);
                    break;
                }
            }
        }
        return rows;
    }

    /**
     * @param instance feature name to value
     * @return the instance as a request row
     */
    public static ObjectNode instanceJson(Map<String, Double> instance) {
        ObjectNode node = MAPPER.createObjectNode();
        instance.forEach(node::put);
        return node;
    }

    /**
     * @param trained the classifier
     * @param prediction one of its predictions
     * @return {@code {"label": …, "probabilities": {label: p, …}}}, probabilities in label order
     */
    public static ObjectNode predictionJson(TrainedClassifier trained, Prediction<Label> prediction) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("label", prediction.getOutput().getLabel());
        ObjectNode probabilities = node.putObject("probabilities");
        trained.probabilities(prediction).forEach(probabilities::put);
        return node;
    }

    /**
     * Writes pretty JSON with a final newline.
     *
     * @param file target
     * @param node content
     * @throws IOException when the file cannot be written
     */
    public static void writeJson(Path file, ObjectNode node) throws IOException {
        Files.writeString(file, MAPPER.writeValueAsString(node) + "\n");
    }

    /**
     * @param bytes any bytes
     * @return lower-case hex SHA-256
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Map<String, double[]> observedRanges(TrainedClassifier trained) {
        var ranges = new LinkedHashMap<String, double[]>();
        for (Example<Label> example : trained.data()) {
            trained.instance(example).forEach((name, value) -> {
                double[] r = ranges.computeIfAbsent(name, k -> new double[] {value, value});
                r[0] = Math.min(r[0], value);
                r[1] = Math.max(r[1], value);
            });
        }
        return ranges;
    }

    /*
     * Bounds reject garbage, not novelty: a value outside [min, max] is refused with a 400, so they
     * are the observed range widened by its own width on each side (and never below 0 for a feature
     * that was never negative), rounded outwards to whole numbers. For iris that still catches
     * negative sizes and millimetres sent as centimetres; drift detection judges the rest.
     */
    static double lowerBound(double observedMin, double observedMax) {
        double widened = Math.floor(observedMin - (observedMax - observedMin));
        return observedMin >= 0 ? Math.max(0.0, widened) : widened;
    }

    static double upperBound(double observedMin, double observedMax) {
        return Math.ceil(observedMax + (observedMax - observedMin));
    }
}
