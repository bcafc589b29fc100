"""The peer a user would write instead of mlserve's bulk prediction: pandas chunked read_csv ->
onnxruntime -> to_csv, every input column kept and the prediction appended (as shared/peers/batch.py).
Usage: peer_pandas.py MODEL.onnx IN.csv OUT.csv  -> prints one JSON line."""
import json, sys, time

import numpy as np
import onnxruntime as ort
import pandas as pd

model, path, out_path = sys.argv[1:4]
so = ort.SessionOptions()
so.intra_op_num_threads = 1
sess = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
inp = sess.get_inputs()[0].name
names = [f"x{j:02d}" for j in range(20)]
t = time.perf_counter()
rows = 0
with open(out_path, "w") as out:
    first = True
    for chunk in pd.read_csv(path, chunksize=100_000):
        y = sess.run(None, {inp: chunk[names].to_numpy(dtype=np.float32)})[0]
        chunk["prediction"] = y[:, 0]
        chunk.to_csv(out, index=False, header=first)
        first = False
        rows += len(chunk)
dt = time.perf_counter() - t
import resource
print(json.dumps({"rows": rows, "seconds": round(dt, 3), "rowsPerSecond": round(rows / dt),
                  "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                  "onnxruntime": ort.__version__, "pandas": pd.__version__}))
