package io.mlserve.core.training;

import com.fasterxml.jackson.annotation.JsonValue;
import io.mlserve.core.model.Task;
import java.util.List;
import java.util.Set;

/** The algorithms a training spec may name; their hyper-parameters, with defaults and ranges, are in {@link #params()}. */
public enum Algorithm {
    LOGISTIC_REGRESSION("logistic-regression", Set.of(Task.CLASSIFICATION)),
    LINEAR_REGRESSION("linear-regression", Set.of(Task.REGRESSION)),
    LIBLINEAR("liblinear", Set.of(Task.CLASSIFICATION, Task.REGRESSION)),
    LIBSVM("libsvm", Set.of(Task.CLASSIFICATION, Task.REGRESSION)),
    FACTORIZATION_MACHINE("factorization-machine", Set.of(Task.CLASSIFICATION, Task.REGRESSION)),
    SPARSE_LINEAR("sparse-linear", Set.of(Task.REGRESSION)),
    CART("cart", Set.of(Task.CLASSIFICATION, Task.REGRESSION)),
    RANDOM_FOREST("random-forest", Set.of(Task.CLASSIFICATION, Task.REGRESSION));

    private final String specName;
    private final Set<Task> tasks;

    Algorithm(String specName, Set<Task> tasks) {
        this.specName = specName;
        this.tasks = tasks;
    }

    /** @return the spec spelling */
    @JsonValue
    public String specName() {
        return specName;
    }

    /** @return the tasks it can learn */
    public Set<Task> tasks() {
        return tasks;
    }

    /** @return its hyper-parameters with defaults and allowed ranges */
    public List<ParamSpec> params() {
        return AlgorithmParams.of(this);
    }
}
