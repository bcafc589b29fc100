"""The peer: the same drift statistics with numpy/scipy on the same rows, against the same baseline.

Per column (20 features and the prediction): scipy.stats.ks_2samp(baseline sample, current, method='asymp') (our
p-value method for n*m >= 10,000, docs/drift.md) and PSI over the baseline's bins (np.searchsorted side='left', shares
floored at 1e-4). Timed two ways: from the text cells in memory (float conversion + statistics: what our analyzer does)
and from float arrays (statistics only). Checks our report's numbers against scipy's. Prints one JSON line.
Args: baseline.json logged.csv report.json [runs]
"""
import json
import statistics
import sys
import time

import numpy as np
import scipy
from scipy import stats

baseline = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[3]))
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
with open(sys.argv[2]) as f:
    header = f.readline().strip().split(",")
    cells = [line.rstrip("\n").split(",") for line in f]
columns = [list(col) for col in zip(*cells)]  # text cells per column, as our analyzer gets them
entries = baseline["features"] + [baseline["prediction"]]


def psi(edges, counts, x):
    p = np.asarray(counts, dtype=float) / sum(counts)
    q = np.bincount(np.searchsorted(np.asarray(edges), x, side="left"), minlength=len(counts)) / len(x)
    p, q = np.maximum(p, 1e-4), np.maximum(q, 1e-4)
    return float(np.sum((q - p) * np.log(q / p)))


def statistics_of(arrays):
    out = []
    for entry, x in zip(entries, arrays):
        ks = stats.ks_2samp(np.asarray(entry["sample"]), x, method="asymp")
        out.append((float(ks.statistic), float(ks.pvalue), psi(entry["edges"], entry["counts"], x)))
    return out


def from_text():
    return statistics_of([np.asarray(col, dtype=np.float64) for col in columns])


floats = [np.asarray(col, dtype=np.float64) for col in columns]
text_times, stat_times = [], []
for _ in range(runs):
    t = time.perf_counter()
    result = from_text()
    text_times.append(time.perf_counter() - t)
    t = time.perf_counter()
    statistics_of(floats)
    stat_times.append(time.perf_counter() - t)

ours = report["features"] + [report["prediction"]]
diff = {"statistic": 0.0, "pValue": 0.0, "psi": 0.0}
for mine, (d, p, s) in zip(ours, result):
    diff["statistic"] = max(diff["statistic"], abs(mine["statistic"] - d))
    diff["pValue"] = max(diff["pValue"], abs(mine["pValue"] - p))
    diff["psi"] = max(diff["psi"], abs(mine["psi"] - s))
print(json.dumps({"peer": True, "numpy": np.__version__, "scipy": scipy.__version__, "rows": len(cells),
                  "fromTextFirstMs": round(text_times[0] * 1000, 1), "fromTextMedianMs": round(statistics.median(text_times) * 1000, 1),
                  "statisticsMedianMs": round(statistics.median(stat_times) * 1000, 1), "runs": runs,
                  "maxDifference": {k: float(f"{v:.3g}") for k, v in diff.items()}}))
