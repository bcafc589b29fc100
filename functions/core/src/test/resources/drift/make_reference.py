"""Reference values for mlserve's drift statistics (io.mlserve.core.drift.DriftStatistics).

Run through make_reference.sh (its own venv, numpy/scipy pinned in requirements.txt). Writes
reference.json beside this script: the samples and what scipy/numpy compute on them. The Java tests
(DriftStatisticsReferenceTest) recompute everything from the same samples and compare: 1e-9 for
statistics, 1e-6 for p-values.

KS p-value: commons-math3 3.6.1 is exact only while n*m < 10,000. Below that the reference is
scipy ks_2samp(method='exact'); at and above it scipy ks_2samp(method='asymp'), i.e. Hodges'
approximation P(D_N >= d) with N = round(n*m/(n+m)) from the one-sample distribution (scipy
kstwo.sf). `kolmogorov_limit` records the Kolmogorov limit distribution (kstwobign.sf, what
commons-math's approximateP returns) for comparison only: it differs from 'asymp' by up to ~2e-2 at
small N, so mlserve does not use it.

Chi-square: scipy chi2_contingency(correction=False) on the 2 x K table (baseline row, current row),
after dropping categories with no count in either row (their expected counts would be 0). Cramer's V
is reported for the table as given (scipy association) and, as mlserve's effect size, for the table
with both rows rescaled to the same total: V = sqrt(1/2 * sum_k (p_k - q_k)^2 / (p_k + q_k)).

PSI: sum_i (q_i - p_i) * ln(q_i / p_i) over the baseline's bins (bin i = (edges[i-1], edges[i]],
open outer bins; numpy searchsorted side='left'), with both proportions floored at 1e-4 (no
renormalisation). Categorical PSI uses the categories of both rows.
"""
import json
import math
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy import stats
from scipy.stats import contingency

EPSILON = 1e-4
rng = np.random.default_rng(20261124)


def rounded(a, decimals=6):
    # short decimal text in the JSON; Java parses the same text to the same double
    return [float(v) for v in np.round(np.asarray(a, dtype=float), decimals)]


def ks_case(name, x, y):
    x = np.asarray(rounded(x))
    y = np.asarray(rounded(y))
    n, m = len(x), len(y)
    method = "exact" if n * m < 10_000 else "asymp"
    r = stats.ks_2samp(x, y, alternative="two-sided", method=method)
    en = n * m / (n + m)
    return {
        "name": name,
        "method": method,
        "x": x.tolist(),
        "y": y.tolist(),
        "statistic": float(r.statistic),
        "pValue": float(r.pvalue),
        "kolmogorovLimit": float(stats.kstwobign.sf(math.sqrt(en) * r.statistic)),
    }


def cramers_v_equal_rows(table):
    p = table[0] / table[0].sum()
    q = table[1] / table[1].sum()
    return math.sqrt(0.5 * float(np.sum((p - q) ** 2 / (p + q))))


def chi2_case(name, categories, baseline, current):
    table = np.array([baseline, current], dtype=np.int64)
    keep = table.sum(axis=0) > 0
    table = table[:, keep]
    stat, p, dof, _ = stats.chi2_contingency(table, correction=False)
    v_equal = cramers_v_equal_rows(table.astype(float))
    if table[0].sum() == table[1].sum():
        # with equal row totals the rescaled V is scipy's Cramer's V
        assert abs(v_equal - contingency.association(table, method="cramer")) < 1e-12
    return {
        "name": name,
        "categories": categories,
        "baseline": [int(v) for v in baseline],
        "current": [int(v) for v in current],
        "statistic": float(stat),
        "pValue": float(p),
        "dof": int(dof),
        "cramersV": float(contingency.association(table, method="cramer")),
        "cramersVEqualRows": v_equal,
    }


def psi(p_counts, q_counts):
    p = np.maximum(np.asarray(p_counts, float) / np.sum(p_counts), EPSILON)
    q = np.maximum(np.asarray(q_counts, float) / np.sum(q_counts), EPSILON)
    return float(np.sum((q - p) * np.log(q / p)))


def psi_numeric_case(name, baseline, current):
    baseline = np.asarray(rounded(baseline))
    current = np.asarray(rounded(current))
    edges = np.unique(np.quantile(baseline, np.linspace(0.1, 0.9, 9)))
    bins = len(edges) + 1
    base_counts = np.bincount(np.searchsorted(edges, baseline, side="left"), minlength=bins)
    cur_counts = np.bincount(np.searchsorted(edges, current, side="left"), minlength=bins)
    return {
        "name": name,
        "edges": [float(e) for e in edges],
        "baselineCounts": [int(c) for c in base_counts],
        "current": current.tolist(),
        "currentCounts": [int(c) for c in cur_counts],
        "psi": psi(base_counts, cur_counts),
    }


def psi_categorical_case(name, categories, baseline, current):
    return {"name": name, "categories": categories, "baseline": baseline, "current": current,
            "psi": psi(baseline, current)}


def main(out_dir):
    ks = [
        # exact regime (n*m < 10,000)
        ks_case("exact-same-40x60", rng.normal(size=40), rng.normal(size=60)),
        ks_case("exact-shift-80x100", rng.normal(size=80), rng.normal(0.6, 1.0, size=100)),
        ks_case("exact-scale-99x100", rng.normal(size=99), rng.normal(0.0, 1.8, size=100)),
        ks_case("exact-ties-25x30", rng.integers(0, 6, size=25), rng.integers(1, 7, size=30)),
        ks_case("exact-unequal-12x300", rng.exponential(size=12), rng.exponential(1.5, size=300)),
        # asymptotic regime (n*m >= 10,000)
        ks_case("asymp-boundary-100x100", rng.normal(size=100), rng.normal(0.2, 1.0, size=100)),
        ks_case("asymp-small-200x150", rng.normal(size=200), rng.normal(0.1, 1.0, size=150)),
        ks_case("asymp-same-3000x2000", rng.normal(size=3000), rng.normal(size=2000)),
        ks_case("asymp-shift-2000x2000", rng.normal(size=2000), rng.normal(0.5, 1.0, size=2000)),
        ks_case("asymp-ties-1500x1000", rng.poisson(3.0, size=1500), rng.poisson(3.2, size=1000)),
        ks_case("asymp-lognormal-5000x600", rng.lognormal(size=5000), rng.lognormal(0.05, 1.0, size=600)),
    ]
    chi2 = [
        chi2_case("same-3", ["a", "b", "c"], [500, 300, 200], [248, 152, 100]),
        chi2_case("mix-20-points", ["a", "b", "c"], [1000, 600, 400], [600, 1000, 400]),
        chi2_case("unseen-category", ["a", "b", "c", "d"], [700, 200, 100, 0], [500, 150, 80, 270]),
        chi2_case("absent-both-dropped", ["a", "b", "c", "z"], [700, 200, 100, 0], [690, 220, 90, 0]),
        chi2_case("two-by-two", ["yes", "no"], [3000, 7000], [400, 600]),
        chi2_case("large-baseline", ["a", "b", "c", "d", "e"], [40000, 30000, 15000, 10000, 5000],
                  [700, 640, 330, 220, 110]),
    ]
    psi_cases = [
        psi_numeric_case("same-normal", rng.normal(size=5000), rng.normal(size=2000)),
        psi_numeric_case("shift-half-sigma", rng.normal(size=5000), rng.normal(0.5, 1.0, size=2000)),
        psi_numeric_case("empty-bins", rng.normal(size=5000), rng.normal(3.0, 0.3, size=1000)),
        psi_numeric_case("ties", rng.poisson(2.0, size=3000), rng.poisson(2.0, size=1000)),
        psi_categorical_case("categorical-unseen", ["a", "b", "c", "d"], [700, 200, 100, 0], [500, 150, 80, 270]),
    ]
    reference = {
        "producedBy": "make_reference.py via make_reference.sh",
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "psiEpsilon": EPSILON,
        "ks": ks,
        "chi2": chi2,
        "psi": psi_cases,
    }
    path = Path(out_dir) / "reference.json"
    # one case per line: reviewable diffs without a line per number
    lines = []
    for key, value in reference.items():
        if isinstance(value, list):
            cases = ",\n  ".join(json.dumps(case, separators=(",", ":")) for case in value)
            lines.append(f" {json.dumps(key)}: [\n  {cases}\n ]")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}")
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent)
