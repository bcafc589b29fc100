"""Drift benchmark data (seeded): a 20-feature regression's reference rows and its logged traffic.

reference.csv: REFERENCE rows of x00..x19 ~ N(0, 1) and the model's prediction (a fixed linear function).
logged.csv:    ROWS rows of the same, except x00 moved by +0.5 sigma (material drift) and x01 by +0.05 sigma
               (a shift too small to matter, which a p-value alone would flag at this size).
Values have 4 decimals, as callers send them; the prediction 6.
"""
import sys

import numpy as np

out, rows, reference = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(20261126)
weights = rng.normal(size=20).round(3)
names = [f"x{j:02d}" for j in range(20)]


def write(path, x):
    y = x @ weights
    with open(path, "w") as f:
        f.write(",".join(names + ["prediction"]) + "\n")
        for row, value in zip(x, y):
            f.write(",".join(f"{v:.4f}" for v in row) + f",{value:.6f}\n")


write(f"{out}/reference.csv", rng.normal(size=(reference, 20)).round(4))
logged = rng.normal(size=(rows, 20))
logged[:, 0] += 0.5
logged[:, 1] += 0.05
write(f"{out}/logged.csv", logged.round(4))
