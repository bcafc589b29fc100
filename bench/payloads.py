"""Writes the request bodies both sides of the benchmark send (bench/.work/payloads.json): the peers'
warm.py payloads (same seed, same rounding) plus 100 rows for the classifier."""
import json, sys
import numpy as np

rng = np.random.default_rng(1)
n4 = ["f0", "f1", "f2", "f3"]; n20 = [f"x{j:02d}" for j in range(20)]
one4 = {"instances": [dict(zip(n4, rng.normal(size=4).round(3).tolist()))]}
one20 = {"instances": [dict(zip(n20, rng.normal(size=20).round(3).tolist()))]}
hund20 = {"instances": [dict(zip(n20, r)) for r in rng.normal(size=(100, 20)).round(3).tolist()]}
hund4 = {"instances": [dict(zip(n4, r)) for r in rng.normal(size=(100, 4)).round(3).tolist()]}
json.dump({"clf4x1": json.dumps(one4), "clf4x100": json.dumps(hund4), "reg20x1": json.dumps(one20),
           "reg20x100": json.dumps(hund20)}, open(sys.argv[1], "w"))
