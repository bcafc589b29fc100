"""scikit-learn on the same pairs: the metrics mlserve computes, timed (median of runs, from arrays already read), and
compared with mlserve's values (ours.json). Usage: peer.py <dir> <runs>. Prints one JSON line."""
import json
import math
import statistics
import sys
import time

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, log_loss, mean_absolute_error,
                             mean_absolute_percentage_error, mean_squared_error, precision_score, r2_score,
                             recall_score)


def classification(actual, predicted, proba, labels):
    return {
        "accuracy": accuracy_score(actual, predicted),
        "macroF1": f1_score(actual, predicted, average="macro", zero_division=0),
        "precision": precision_score(actual, predicted, labels=labels, average=None, zero_division=0).tolist(),
        "recall": recall_score(actual, predicted, labels=labels, average=None, zero_division=0).tolist(),
        "confusionMatrix": confusion_matrix(actual, predicted, labels=labels).tolist(),
        "logLoss": log_loss(actual, proba, labels=labels),
    }


def regression(y, yhat):
    nonzero = y != 0
    return {
        "mae": mean_absolute_error(y, yhat),
        "rmse": math.sqrt(mean_squared_error(y, yhat)),
        "mape": mean_absolute_percentage_error(y[nonzero], yhat[nonzero]),
        "mapeExcluded": int((~nonzero).sum()),
        "r2": r2_score(y, yhat),
    }


def timed(fn, runs):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return result, times


def main(work, runs):
    start = time.perf_counter()
    c = np.genfromtxt(f"{work}/classification.csv", delimiter=",", skip_header=1, dtype=str)
    actual, predicted, proba = c[:, 0], c[:, 1], c[:, 2:].astype(np.float64)
    r = np.genfromtxt(f"{work}/regression.csv", delimiter=",", skip_header=1, dtype=np.float64)
    read_ms = (time.perf_counter() - start) * 1000
    labels = ["setosa", "versicolor", "virginica"]
    cls, cls_times = timed(lambda: classification(actual, predicted, proba, labels), runs)
    reg, reg_times = timed(lambda: regression(r[:, 0], r[:, 1]), runs)

    ours = json.load(open(f"{work}/ours.json"))
    diffs = {}
    for k in ["accuracy", "macroF1", "logLoss"]:
        diffs[k] = abs(ours["classification"][k] - cls[k])
    diffs["precision"] = max(abs(a - b) for a, b in zip(ours["classification"]["precision"], cls["precision"]))
    diffs["recall"] = max(abs(a - b) for a, b in zip(ours["classification"]["recall"], cls["recall"]))
    for k in ["mae", "rmse", "mape", "r2"]:
        diffs[k] = abs(ours["regression"][k] - reg[k])
    same_counts = (ours["classification"]["confusionMatrix"] == cls["confusionMatrix"]
                   and ours["regression"]["mapeExcluded"] == reg["mapeExcluded"])
    print(json.dumps({
        "peer": "scikit-learn %s, numpy %s" % (sklearn.__version__, np.__version__),
        "rows": int(len(actual)),
        "readCsvMs": round(read_ms, 1),
        "classificationMedianMs": round(statistics.median(cls_times), 1),
        "regressionMedianMs": round(statistics.median(reg_times), 1),
        "largestDifference": max(diffs.values()),
        "differences": diffs,
        "sameConfusionMatrixAndExcluded": same_counts,
        "sklearn": {"classification": cls, "regression": reg},
    }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
