package io.mlserve.core.feedback;

/**
 * A ground-truth answer, checked against the model's output: a class label or a regression value.
 */
public sealed interface Actual permits Actual.ClassLabel, Actual.Value {

    /**
     * A classifier's actual class, always as text (a model with integer labels stores {@code "1"}), so it compares
     * with {@code String.valueOf(predicted label)}.
     *
     * @param label the class
     */
    record ClassLabel(String label) implements Actual {}

    /**
     * A regression model's actual value.
     *
     * @param value a finite number
     */
    record Value(double value) implements Actual {}
}
