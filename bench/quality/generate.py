"""Labelled pairs for the quality benchmark (seeded): a 3-class classifier's predictions with probabilities, and a
regressor's predictions with 2% of actuals exactly 0 (left out of MAPE). Usage: generate.py <dir> <rows>."""
import sys

import numpy as np


def main(out, n):
    rng = np.random.default_rng(20261204)
    classes = np.array(["setosa", "versicolor", "virginica"])
    actual = rng.integers(0, 3, n)
    logits = rng.normal(0, 1, (n, 3))
    logits[np.arange(n), actual] += 1.5
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    predicted = p.argmax(axis=1)
    with open(f"{out}/classification.csv", "w") as f:
        f.write("actual,predicted,setosa,versicolor,virginica\n")
        for i in range(n):
            f.write(f"{classes[actual[i]]},{classes[predicted[i]]},{float(p[i, 0])!r},{float(p[i, 1])!r},{float(p[i, 2])!r}\n")
    y = rng.normal(250_000, 80_000, n)
    y[rng.random(n) < 0.02] = 0.0
    yhat = y + rng.normal(0, 20_000, n)
    with open(f"{out}/regression.csv", "w") as f:
        f.write("actual,predicted\n")
        for i in range(n):
            f.write(f"{float(y[i])!r},{float(yhat[i])!r}\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
