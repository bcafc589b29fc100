"""Training benchmark data: 100,000 rows x 20 numeric features, one CSV per task, seeded, numpy only.

  generate.py <out-dir> [rows]
writes <out-dir>/classification/data.csv (target `label`, "0"/"1", about balanced) and
<out-dir>/regression/data.csv (target `y`). Features f00..f19 are correlated Gaussians (a shared
factor); the targets depend on 12 of them linearly plus an interaction, a threshold and a sine,
with noise, so a linear model does well and a forest can do a little better or worse.
The first 80 % of the rows are the train rows and the last 20 % the held-out rows on both sides
of the benchmark (the rows are i.i.d., so this is a random split).
"""

import os
import sys

import numpy as np

SEED = 20261124
FEATURES = 20


def features(rng: np.random.Generator, rows: int) -> np.ndarray:
    shared = rng.normal(size=(rows, 1))
    return 0.4 * shared + np.sqrt(1 - 0.16) * rng.normal(size=(rows, FEATURES))


def signal(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    weights = np.zeros(FEATURES)
    weights[:12] = rng.uniform(-1.0, 1.0, 12)
    return x @ weights + 0.5 * x[:, 12] * x[:, 13] + 0.8 * (x[:, 14] > 0.5) + 0.6 * np.sin(2 * x[:, 15])


def write(path: str, x: np.ndarray, target_name: str, target: np.ndarray, target_fmt: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    header = ",".join([f"f{i:02d}" for i in range(FEATURES)] + [target_name])
    np.savetxt(path, np.column_stack([x, target]), delimiter=",", header=header, comments="",
               fmt=["%.5f"] * FEATURES + [target_fmt])


def main() -> None:
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    rng = np.random.default_rng(SEED)

    x = features(rng, rows)
    logit = signal(rng, x) - 0.4
    label = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    write(os.path.join(out, "classification", "data.csv"), x, "label", label, "%d")

    x = features(rng, rows)
    y = 3.0 * signal(rng, x) + rng.normal(0, 1.0, rows) + 10
    write(os.path.join(out, "regression", "data.csv"), x, "y", y, "%.5f")
    print(f"wrote {rows} rows x {FEATURES} features to {out}/{{classification,regression}}/data.csv")


if __name__ == "__main__":
    main()
