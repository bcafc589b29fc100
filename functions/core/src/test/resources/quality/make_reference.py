"""Labelled pairs and scikit-learn's metrics on them: the reference QualityMetricsReferenceTest holds the Java side to.

Run by make_reference.sh (pinned numpy / scikit-learn). Deterministic: a fixed seed per case.
Classification cases carry predicted and actual labels and the probabilities the model logged; regression cases the
predicted and actual values. MAPE is scikit-learn's on the rows whose actual is not 0 (mlserve excludes and counts them).
"""
import json
import math
import sys

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, log_loss, mean_absolute_error,
                             mean_absolute_percentage_error, mean_squared_error, precision_score, r2_score,
                             recall_score)


def classification_case(name, seed, n, classes, skill, never_predicted=None, prob_digits=None):
    rng = np.random.default_rng(seed)
    actual = rng.choice(classes, size=n, p=np.linspace(1, 2, len(classes)) / np.linspace(1, 2, len(classes)).sum())
    probabilities = []
    predicted = []
    for a in actual:
        logits = rng.normal(0, 1, len(classes))
        logits[classes.index(a)] += skill
        p = np.exp(logits) / np.exp(logits).sum()
        if prob_digits is not None:  # probabilities as a float32 model logs them, not summing to exactly 1
            p = np.round(p.astype(np.float32).astype(np.float64), prob_digits)
        order = [c for c in classes if c != never_predicted]
        best = max(order, key=lambda c: p[classes.index(c)])
        predicted.append(best)
        probabilities.append({c: float(p[i]) for i, c in enumerate(classes)})
    actual = [str(a) for a in actual]
    labels = sorted(set(actual) | set(predicted))
    proba = np.array([[row[c] for c in classes] for row in probabilities])
    cm = confusion_matrix(actual, predicted, labels=labels)
    return {
        "name": name,
        "kind": "classification",
        "actual": actual,
        "predicted": predicted,
        "probabilities": probabilities,
        "sklearn": {
            "accuracy": accuracy_score(actual, predicted),
            "macroF1": f1_score(actual, predicted, average="macro", zero_division=0),
            "labels": labels,
            "precision": dict(zip(labels, precision_score(actual, predicted, labels=labels, average=None, zero_division=0).tolist())),
            "recall": dict(zip(labels, recall_score(actual, predicted, labels=labels, average=None, zero_division=0).tolist())),
            "confusionMatrix": {a: {p: int(cm[i][j]) for j, p in enumerate(labels)} for i, a in enumerate(labels)},
            "logLoss": log_loss(actual, proba, labels=sorted(classes)) if classes == sorted(classes) else None,
        },
    }


def regression_case(name, seed, n, zeros=0, scale=100.0):
    rng = np.random.default_rng(seed)
    actual = rng.normal(scale, scale / 3, n)
    actual[:zeros] = 0.0
    rng.shuffle(actual)
    predicted = actual + rng.normal(0, scale / 10, n)
    nonzero = actual != 0
    return {
        "name": name,
        "kind": "regression",
        "actual": actual.tolist(),
        "predicted": predicted.tolist(),
        "sklearn": {
            "mae": mean_absolute_error(actual, predicted),
            "rmse": math.sqrt(mean_squared_error(actual, predicted)),
            "mape": mean_absolute_percentage_error(actual[nonzero], predicted[nonzero]),
            "mapeExcluded": int((~nonzero).sum()),
            "r2": r2_score(actual, predicted),
        },
    }


def main(out_dir):
    cases = [
        classification_case("three-classes", 11, 600, ["setosa", "versicolor", "virginica"], 1.5),
        classification_case("binary-float32-probabilities", 12, 400, ["no", "yes"], 1.0, prob_digits=7),
        classification_case("never-predicted-class", 13, 300, ["a", "b", "c", "d"], 0.8, never_predicted="d"),
        classification_case("small", 14, 7, ["0", "1"], 2.0),
        regression_case("regression", 21, 600),
        regression_case("regression-with-zero-actuals", 22, 500, zeros=25, scale=1000.0),
        regression_case("regression-small", 23, 5, scale=1.0),
    ]
    reference = {
        "producedBy": "make_reference.py (numpy %s, scikit-learn %s)" % (np.__version__, sklearn.__version__),
        "cases": cases,
    }
    with open(out_dir + "/reference.json", "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
