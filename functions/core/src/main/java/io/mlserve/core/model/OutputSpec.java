package io.mlserve.core.model;

import java.util.List;

/**
 * Which ONNX outputs mean what.
 *
 * @param labels classification: the class of each probability column, in column order (String or Long)
 * @param probabilities classification: ONNX output with probabilities ({@code [N, C]} tensor or ZipMap)
 * @param label classification: ONNX output with the predicted label {@code [N]}, or null
 * @param value regression: ONNX output with the value(s) {@code [N]}, {@code [N, 1]} or {@code [N, T]}
 * @param targets regression: names of the T targets, or null for a single unnamed value
 */
public record OutputSpec(List<Object> labels, String probabilities, String label, String value, List<String> targets) {

    /** Jackson reads JSON integers as Integer; labels compare as Long everywhere else. */
    public OutputSpec {
        if (labels != null) {
            labels = labels.stream().map(OutputSpec::normalizeLabel).toList();
        }
    }

    /**
     * @param label a label as read from JSON or ONNX
     * @return the canonical form: String or Long
     */
    public static Object normalizeLabel(Object label) {
        return label instanceof Number number ? (Object) number.longValue() : label;
    }

    /** @return how many regression values each row has */
    public int targetCount() {
        return targets == null || targets.isEmpty() ? 1 : targets.size();
    }
}
