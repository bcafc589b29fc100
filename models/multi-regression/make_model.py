"""multi-regression: scikit-learn Pipeline(StandardScaler + PolynomialFeatures + Ridge) with three targets -> ONNX via skl2onnx.

Synthetic building-energy data: five float features -> annual heating, cooling and lighting
energy (MWh). One float tensor input [N, 5] named input; one output named variable, float
[N, 3] (columns in output.targets order). Writes model.onnx, manifest.json,
sample-request.json and expected-response.json beside this script and fails (exit 1) if
onnxruntime disagrees with scikit-learn.

Not MLPRegressor: skl2onnx (1.19.1 and 1.20.0) reshapes the MLPRegressor output to (-1, 1), so
a 3-target MLP exports as [3N, 1] (onnx/sklearn-onnx issue 474, "Shapes are usually wrong for
multi regression"). Ridge exports to a LinearRegressor with targets=3 and the right [N, 3].
"""
import os
import sys

import numpy as np
import onnxruntime as ort
import sklearn
import skl2onnx
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import train_test_split
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))  # models/common: the shared export steps
from mlserve_export import TOL, created_at, f32, finish, opsets_text, save_model  # noqa: E402

NAME = "multi-regression"
VERSION = "1"
SEED = 3
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
INPUT_NAME = "input"
N_SAMPLES = 8
FEATURES = [
    {"name": "floor_area_m2", "type": "float", "min": 10.0, "max": 5000.0, "description": "heated floor area"},
    {"name": "wall_u_value", "type": "float", "min": 0.05, "max": 5.0, "description": "wall heat loss, W/(m2 K)"},
    {"name": "window_ratio", "type": "float", "min": 0.0, "max": 1.0, "description": "window / wall area"},
    {"name": "occupants", "type": "float", "min": 0.0, "max": 500.0, "description": "average people inside"},
    {"name": "mean_outdoor_temp_c", "type": "float", "min": -40.0, "max": 40.0, "description": "annual mean, Celsius"},
]
FEATURE_NAMES = [f["name"] for f in FEATURES]
TARGETS = ["heating_mwh", "cooling_mwh", "lighting_mwh"]


def make_data(n=3000):
    rng = np.random.default_rng(SEED)
    area = np.round(rng.uniform(50, 400, n), 1)
    u = np.round(rng.uniform(0.15, 2.0, n), 2)
    win = np.round(rng.uniform(0.1, 0.6, n), 2)
    occ = np.round(rng.uniform(1, 12, n), 0)
    temp = np.round(rng.uniform(-5, 25, n), 1)
    X = np.column_stack([area, u, win, occ, temp]).astype(np.float32).astype(np.float64)
    area, u, win, occ, temp = X.T
    heating = area / 100 * (u + 0.8 * win) * np.maximum(18 - temp, 0) * 0.08 - 0.01 * occ
    cooling = area / 100 * (0.4 + 1.5 * win) * np.maximum(temp - 12, 0) * 0.15 + 0.04 * occ
    lighting = area / 100 * (0.9 - 0.8 * win) + 0.05 * occ
    Y = np.column_stack([heating, cooling, lighting])
    Y = np.maximum(Y + rng.normal(0, 0.1, Y.shape), 0)
    return X, Y


def main():
    X, Y = make_data()
    X_tr, X_te, Y_tr, Y_te = train_test_split(X, Y, test_size=0.25, random_state=SEED)
    # scale first: squares of standardized values stay O(1), which keeps float32 error small
    pipe = Pipeline([("scale", StandardScaler()),
                     ("poly", PolynomialFeatures(degree=2, include_bias=False)),
                     ("ridge", Ridge(alpha=1.0))])
    pipe.fit(X_tr, Y_tr)
    P_te = pipe.predict(X_te)
    metrics = {"r2": round(float(r2_score(Y_te, P_te)), 4)}
    for j, t in enumerate(TARGETS):
        metrics[f"r2_{t}"] = round(float(r2_score(Y_te[:, j], P_te[:, j])), 4)
        metrics[f"mae_{t}"] = round(float(mean_absolute_error(Y_te[:, j], P_te[:, j])), 4)
    metrics["test_rows"] = int(len(X_te))
    metrics["train_rows"] = int(len(X_tr))

    model = to_onnx(pipe, initial_types=[(INPUT_NAME, FloatTensorType([None, len(FEATURES)]))],
                    target_opset=TARGET_OPSET)
    model.doc_string = "mlserve example " + NAME
    model_path = os.path.join(HERE, "model.onnx")
    size, sha = save_model(model, model_path)
    out_name = model.graph.output[0].name

    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    ort_pred = sess.run([out_name], {INPUT_NAME: X_te.astype(np.float32)})[0].astype(np.float64)
    max_diff = float(np.max(np.abs(ort_pred - P_te)))
    print(f"ORT check on {len(X_te)} held-out rows: max |y_ort - y_sklearn| = {max_diff:.3g} (output shape {ort_pred.shape})")
    if max_diff > TOL or ort_pred.shape != P_te.shape:
        print("FAIL: onnxruntime does not match scikit-learn", file=sys.stderr)
        sys.exit(1)

    instances = [{n: f32(v) for n, v in zip(FEATURE_NAMES, X_te[i])} for i in range(N_SAMPLES)]
    X_req = np.array([[row[n] for n in FEATURE_NAMES] for row in instances], dtype=np.float64)
    s_pred = pipe.predict(X_req)
    predictions = [{"value": {t: float(row[j]) for j, t in enumerate(TARGETS)}} for row in s_pred]

    manifest = {
        "schemaVersion": 1,
        "name": NAME,
        "version": VERSION,
        "task": "regression",
        "description": "Annual heating, cooling and lighting energy (MWh) of a building (synthetic); "
                       "scikit-learn StandardScaler + PolynomialFeatures(2) + Ridge with three outputs",
        "features": FEATURES,
        "input": {"layout": "tensor", "name": INPUT_NAME, "type": "float"},
        "output": {"value": out_name, "targets": TARGETS},
        "metrics": metrics,
        "sha256": sha,
        "createdAt": created_at(HERE, sha),
        "producedBy": {
            "tool": f"scikit-learn {sklearn.__version__} Pipeline(StandardScaler + PolynomialFeatures(degree=2) + Ridge(alpha=1)); "
                    f"skl2onnx {skl2onnx.__version__} ({opsets_text(model)}); "
                    f"checked with onnxruntime {ort.__version__}",
            "script": f"models/{NAME}/make_model.sh",
            "data": f"synthetic, numpy default_rng({SEED}), 3000 rows, 25% held-out split for metrics",
        },
        "samples": [{"instance": i, "expected": p} for i, p in zip(instances, predictions)],
    }
    finish(model, model_path, size, manifest, instances, predictions)


if __name__ == "__main__":
    main()
