"""Writes the benchmark input: ROWS rows of row_id + 20 normal floats (4 decimals), as shared/peers/batch.py gen does."""
import sys

import numpy as np
import pandas as pd

rows, path = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(0)
names = [f"x{j:02d}" for j in range(20)]
df = pd.DataFrame(rng.normal(size=(rows, 20)).round(4), columns=names)
df.insert(0, "row_id", np.arange(rows))
df.to_csv(path, index=False)
