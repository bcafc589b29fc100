package io.mlserve.core.training;

import com.fasterxml.jackson.annotation.JsonValue;
import io.mlserve.core.model.Task;

/** How candidates (and the serving version) are compared on the held-out rows. */
public enum Metric {
    ACCURACY("accuracy", Task.CLASSIFICATION, true),
    MACRO_F1("macro-f1", Task.CLASSIFICATION, true),
    LOG_LOSS("log-loss", Task.CLASSIFICATION, false),
    RMSE("rmse", Task.REGRESSION, false),
    MAE("mae", Task.REGRESSION, false),
    R2("r2", Task.REGRESSION, true);

    private final String specName;
    private final Task task;
    private final boolean higherIsBetter;

    Metric(String specName, Task task, boolean higherIsBetter) {
        this.specName = specName;
        this.task = task;
        this.higherIsBetter = higherIsBetter;
    }

    /** @return the spec spelling, also the key in metric maps */
    @JsonValue
    public String specName() {
        return specName;
    }

    /** @return the task this metric measures */
    public Task task() {
        return task;
    }

    /** @return true when a larger value is better */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * Whether {@code a} is better than {@code b} by more than {@code margin}, in this metric's direction.
     *
     * @param a the challenger's value
     * @param b the value to beat
     * @param margin how much better {@code a} must be, in the metric's own units (≥ 0)
     * @return true when {@link #improvement improvement(a, b)} {@code > margin}; equal values never beat each other
     */
    public boolean beats(double a, double b, double margin) {
        return improvement(a, b) > margin;
    }

    /**
     * @param challenger the challenger's value
     * @param champion the serving version's value
     * @return how much better the challenger is, in the metric's units (negative when worse)
     */
    public double improvement(double challenger, double champion) {
        return higherIsBetter ? challenger - champion : champion - challenger;
    }
}
