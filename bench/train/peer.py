"""The natural peer of the training benchmark: scikit-learn on the same CSVs and the same split.

  peer.py <data-dir> <task> <test-fraction> <rf-params-json>
Reads <data-dir>/<task>/data.csv (written by generate.py); the LAST test-fraction of the rows are held
out, the rest train (the Java side uses the same row indices). Fits, one after the other:
  classification: LogisticRegression (lbfgs, C=1, max_iter 1000) and RandomForestClassifier
  regression:     LinearRegression and RandomForestRegressor
with the forests configured like the Java candidate (trees, maxDepth, minChildWeight as
min_samples_leaf, fractionFeaturesInSplit as max_features; bootstrap; n_jobs=1 - one core, like one
Java candidate). Prints one JSON line per model: fit seconds (wall, fit() only) and held-out metrics.
"""

import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression


def main() -> None:
    data_dir, task, test_fraction, rf = sys.argv[1], sys.argv[2], float(sys.argv[3]), json.loads(sys.argv[4])
    table = np.loadtxt(f"{data_dir}/{task}/data.csv", delimiter=",", skiprows=1)
    x, y = table[:, :-1], table[:, -1]
    n_test = int(round(len(y) * test_fraction))
    x_train, y_train, x_test, y_test = x[:-n_test], y[:-n_test], x[-n_test:], y[-n_test:]
    forest = dict(n_estimators=rf["trees"], max_depth=rf["maxDepth"], min_samples_leaf=int(rf["minChildWeight"]),
                  max_features=rf["fractionFeaturesInSplit"], bootstrap=True, n_jobs=1, random_state=7)
    if task == "classification":
        y_train, y_test = y_train.astype(int), y_test.astype(int)
        models = [("LogisticRegression", LogisticRegression(max_iter=1000)),
                  ("RandomForestClassifier", RandomForestClassifier(**forest))]
    else:
        models = [("LinearRegression", LinearRegression()), ("RandomForestRegressor", RandomForestRegressor(**forest))]
    for name, model in models:
        started = time.perf_counter()
        model.fit(x_train, y_train)
        seconds = time.perf_counter() - started
        print(json.dumps({"model": name, "sklearn": sklearn.__version__, "trainRows": len(y_train), "testRows": len(y_test),
                          "fitSeconds": round(seconds, 3), "metrics": metrics(task, model, x_test, y_test)}), flush=True)


def metrics(task: str, model, x_test: np.ndarray, y_test: np.ndarray) -> dict:
    if task == "classification":
        p = np.clip(model.predict_proba(x_test)[:, 1], 1e-15, 1 - 1e-15)
        log_loss = -np.mean(y_test * np.log(p) + (1 - y_test) * np.log(1 - p))
        return {"accuracy": float(np.mean(model.predict(x_test) == y_test)), "log-loss": float(log_loss)}
    predicted = model.predict(x_test)
    rmse = float(np.sqrt(np.mean((predicted - y_test) ** 2)))
    return {"rmse": rmse, "r2": float(1 - np.mean((predicted - y_test) ** 2) / np.var(y_test))}


if __name__ == "__main__":
    main()
