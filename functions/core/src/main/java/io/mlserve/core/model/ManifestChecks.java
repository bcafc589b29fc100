package io.mlserve.core.model;

import io.mlserve.core.error.ModelRejectedException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks that need no ONNX Runtime: the manifest is self-consistent, names the model it is stored
 * under, and its sha256 matches the bytes. The ONNX-signature half lives with the predictor.
 */
public final class ManifestChecks {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private ManifestChecks() {}

    /**
     * @param expected the name and version the manifest was stored under
     * @param manifest the parsed manifest
     * @param onnxBytes the model.onnx bytes
     * @throws ModelRejectedException listing every problem found
     */
    public static void requireValid(ModelRef expected, ModelManifest manifest, byte[] onnxBytes) {
        var problems = problems(expected, manifest);
        if (manifest.sha256() != null && !sha256Hex(onnxBytes).equals(manifest.sha256())) {
            problems.add("sha256 of model.onnx is " + sha256Hex(onnxBytes) + " but the manifest says " + manifest.sha256());
        }
        if (!problems.isEmpty()) {
            throw new ModelRejectedException(expected.name(), expected.version(), problems);
        }
    }

    /**
     * @param expected the name and version the manifest was stored under
     * @param m the manifest
     * @return every self-consistency problem, empty when the manifest is usable
     */
    public static List<String> problems(ModelRef expected, ModelManifest m) {
        var problems = new ArrayList<String>();
        if (m.schemaVersion() == null || m.schemaVersion() != 1) {
            problems.add("schemaVersion must be 1");
        }
        if (!expected.name().equals(m.name())) {
            problems.add("manifest name '" + m.name() + "' does not match the model '" + expected.name() + "'");
        }
        if (!expected.version().equals(m.version())) {
            problems.add("manifest version '" + m.version() + "' does not match the folder version '" + expected.version() + "'");
        }
        if (m.task() == null) {
            problems.add("task is missing");
        }
        if (m.sha256() == null || !SHA256.matcher(m.sha256()).matches()) {
            problems.add("sha256 must be 64 lowercase hex characters");
        }
        checkFeatures(m, problems);
        checkInput(m, problems);
        checkOutput(m, problems);
        return problems;
    }

    private static void checkFeatures(ModelManifest m, List<String> problems) {
        if (m.features() == null || m.features().isEmpty()) {
            problems.add("features must list at least one feature");
            return;
        }
        var names = new HashSet<String>();
        for (var f : m.features()) {
            if (f.name() == null || f.name().isBlank()) {
                problems.add("every feature needs a name");
                continue;
            }
            if (!names.add(f.name())) {
                problems.add("feature '" + f.name() + "' is listed twice");
            }
            if (f.type() == null) {
                problems.add("feature '" + f.name() + "' has no type");
                continue;
            }
            if (f.min() != null && f.max() != null && f.min() > f.max()) {
                problems.add("feature '" + f.name() + "' has min > max");
            }
            if ((f.min() != null || f.max() != null) && !f.type().isNumeric()) {
                problems.add("feature '" + f.name() + "' is a string and cannot have min/max");
            }
            if (f.values() != null) {
                for (var v : f.values()) {
                    boolean fits = f.type() == FeatureType.STRING ? v instanceof String : v instanceof Number;
                    if (!fits) {
                        problems.add("feature '" + f.name() + "' allows value " + v + " that is not of type " + f.type().manifestName());
                    }
                }
            }
        }
    }

    private static void checkInput(ModelManifest m, List<String> problems) {
        var in = m.input();
        if (in == null || in.layout() == null) {
            problems.add("input.layout is missing (tensor or per-feature)");
            return;
        }
        if (in.batch() != null && in.batch() != 1) {
            problems.add("input.batch may only be 1 (a graph fixed to batch size 1) or absent (dynamic)");
        }
        if (in.layout() == InputSpec.Layout.TENSOR) {
            if (in.name() == null) {
                problems.add("input.name is required for the tensor layout");
            }
            if (in.tensorType() != FeatureType.FLOAT && in.tensorType() != FeatureType.DOUBLE) {
                problems.add("input.type must be float or double for the tensor layout");
            }
            if (m.features() != null) {
                m.features().stream()
                        .filter(f -> f.type() != null && !f.type().isNumeric())
                        .forEach(f -> problems.add("feature '" + f.name() + "' is a string; the tensor layout takes numbers only"));
            }
        } else if (m.features() != null) {
            var onnxNames = new HashSet<String>();
            m.features().stream()
                    .filter(f -> f.name() != null && !onnxNames.add(f.onnxInputName()))
                    .forEach(f -> problems.add("ONNX input '" + f.onnxInputName() + "' is fed by two features"));
        }
    }

    private static void checkOutput(ModelManifest m, List<String> problems) {
        var out = m.output();
        if (out == null || m.task() == null) {
            problems.add("output is missing");
            return;
        }
        if (m.task() == Task.CLASSIFICATION) {
            if (out.labels() == null || out.labels().isEmpty()) {
                problems.add("output.labels must list the classes");
            } else if (new HashSet<>(out.labels()).size() != out.labels().size()) {
                problems.add("output.labels has duplicates");
            }
            if (out.probabilities() == null && out.label() == null) {
                problems.add("output.probabilities or output.label must name an ONNX output");
            }
        } else if (out.value() == null) {
            problems.add("output.value must name the ONNX output holding the prediction");
        }
    }

    /**
     * @param bytes any bytes
     * @return lowercase hex SHA-256
     */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
