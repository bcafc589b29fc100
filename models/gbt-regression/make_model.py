"""gbt-regression: LightGBM LGBMRegressor on scikit-learn's bundled diabetes data -> ONNX via onnxmltools.

One float tensor input [N, 10] named input; one output named variable, float [N, 1]
(a TreeEnsembleRegressor). The target is disease progression one year after baseline divided
by 100, so values are ~0.25-3.5 and float32 output keeps absolute error well below 1e-5.
Writes model.onnx, manifest.json, sample-request.json and expected-response.json beside this
script and fails (exit 1) if onnxruntime disagrees with LightGBM.
"""
import os
import sys

import lightgbm
import numpy as np
import onnxmltools
import onnxmltools.convert.lightgbm.operator_converters.LightGbm as lgbm_converter
import onnxruntime as ort
import pandas as pd
from onnxmltools.convert.common.data_types import FloatTensorType
from sklearn.datasets import load_diabetes
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))  # models/common: the shared export steps
from mlserve_export import TOL, created_at, f32, finish, opsets_text, save_model  # noqa: E402

NAME = "gbt-regression"
VERSION = "1"
SEED = 11
TARGET_OPSET = 15  # the highest onnxmltools' converter accepts; it then emits the lowest opset the graph needs
INPUT_NAME = "input"
N_SAMPLES = 8
# load_diabetes(scaled=False) columns: age, sex, bmi, bp, s1..s6 (raw, unscaled units)
FEATURES = [
    {"name": "age", "type": "float", "min": 0.0, "max": 120.0, "description": "years"},
    {"name": "sex", "type": "float", "min": 1.0, "max": 2.0, "description": "1 or 2 as coded in the dataset"},
    {"name": "bmi", "type": "float", "min": 10.0, "max": 80.0, "description": "body mass index"},
    {"name": "bp", "type": "float", "min": 40.0, "max": 200.0, "description": "average blood pressure"},
    {"name": "s1", "type": "float", "description": "tc, total serum cholesterol"},
    {"name": "s2", "type": "float", "description": "ldl, low-density lipoproteins"},
    {"name": "s3", "type": "float", "description": "hdl, high-density lipoproteins"},
    {"name": "s4", "type": "float", "description": "tch, total cholesterol / HDL"},
    {"name": "s5", "type": "float", "description": "ltg, log of serum triglycerides level"},
    {"name": "s6", "type": "float", "description": "glu, blood sugar level"},
]
FEATURE_NAMES = [f["name"] for f in FEATURES]


def floor_f32(t):
    """Largest float32 <= t. For a float32 input x: x <= t  <=>  x <= floor_f32(t)."""
    v = np.float32(t)
    if float(v) > t:
        v = np.nextafter(v, np.float32(-np.inf))
    return float(v)


def install_threshold_rounding():
    """LightGBM keeps split thresholds as doubles and often puts them just below a data value
    (e.g. 87.79999923706056 for a feature value 87.8f); onnxmltools rounds them to the NEAREST
    float32, which can become 87.8f itself and send x = 87.8f down the other branch. Rounding
    every '<=' threshold DOWN to a float32 instead keeps each float32 comparison exactly equal
    to LightGBM's double comparison. Done by wrapping the converter's booster dump."""
    original = lgbm_converter.dump_booster_model
    counts = {"rounded": 0, "changed": 0}

    def walk(node):
        if "decision_type" not in node:
            return
        if node["decision_type"] != "<=" or isinstance(node["threshold"], str):
            raise RuntimeError(f"unexpected split {node['decision_type']} {node['threshold']!r}")
        t = float(node["threshold"])
        node["threshold"] = floor_f32(t)
        counts["rounded"] += 1
        counts["changed"] += int(node["threshold"] != float(np.float32(t)))
        walk(node["left_child"])
        walk(node["right_child"])

    def dump_rounded(*args, **kwargs):
        gbm_text, info = original(*args, **kwargs)
        for tree in gbm_text["tree_info"]:
            walk(tree["tree_structure"])
        return gbm_text, info

    lgbm_converter.dump_booster_model = dump_rounded
    return counts


def main():
    ds = load_diabetes(scaled=False)  # bundled with scikit-learn, no download
    # float32-representable values so LightGBM and ONNX see the same numbers
    X = ds.data.astype(np.float32).astype(np.float64)
    y = ds.target / 100.0
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=SEED)

    reg = lightgbm.LGBMRegressor(n_estimators=150, learning_rate=0.05, num_leaves=8, min_child_samples=15,
                                 subsample=0.8, subsample_freq=1, colsample_bytree=0.8,
                                 random_state=SEED, n_jobs=1, deterministic=True, verbose=-1)
    reg.fit(pd.DataFrame(X_tr, columns=FEATURE_NAMES), y_tr)  # DataFrame: the booster keeps the feature names
    pred_te = reg.predict(pd.DataFrame(X_te, columns=FEATURE_NAMES))
    metrics = {
        "r2": round(float(r2_score(y_te, pred_te)), 4),
        "rmse": round(float(np.sqrt(mean_squared_error(y_te, pred_te))), 4),
        "mae": round(float(mean_absolute_error(y_te, pred_te)), 4),
        "test_rows": int(len(y_te)),
        "train_rows": int(len(y_tr)),
    }

    counts = install_threshold_rounding()
    model = onnxmltools.convert_lightgbm(reg, name=NAME, initial_types=[(INPUT_NAME, FloatTensorType([None, len(FEATURES)]))],
                                         target_opset=TARGET_OPSET)
    model.doc_string = "mlserve example " + NAME
    print(f"{counts['rounded']} split thresholds rounded down to float32; "
          f"{counts['changed']} differ from round-to-nearest")
    model_path = os.path.join(HERE, "model.onnx")
    size, sha = save_model(model, model_path)
    out_name = model.graph.output[0].name

    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    # every row (train and held-out): split thresholds are the fragile part of a float32 export
    ort_pred = sess.run([out_name], {INPUT_NAME: X.astype(np.float32)})[0].reshape(-1).astype(np.float64)
    max_diff = float(np.max(np.abs(ort_pred - reg.predict(pd.DataFrame(X, columns=FEATURE_NAMES)))))
    print(f"ORT check on all {len(X)} rows: max |y_ort - y_lightgbm| = {max_diff:.3g}")
    if max_diff > TOL:
        print("FAIL: onnxruntime does not match LightGBM", file=sys.stderr)
        sys.exit(1)

    idx = list(range(N_SAMPLES))
    instances = [{n: f32(v) for n, v in zip(FEATURE_NAMES, X_te[i])} for i in idx]
    X_req = np.array([[row[n] for n in FEATURE_NAMES] for row in instances], dtype=np.float64)
    s_pred = reg.predict(pd.DataFrame(X_req, columns=FEATURE_NAMES))
    predictions = [{"value": float(v)} for v in s_pred]

    manifest = {
        "schemaVersion": 1,
        "name": NAME,
        "version": VERSION,
        "task": "regression",
        "description": "Diabetes disease progression one year after baseline (in units of 100) from age, sex, "
                       "BMI, blood pressure and six blood serum measurements; LightGBM gradient-boosted trees",
        "features": FEATURES,
        "input": {"layout": "tensor", "name": INPUT_NAME, "type": "float"},
        "output": {"value": out_name, "targets": ["progression_100"]},
        "metrics": metrics,
        "sha256": sha,
        "createdAt": created_at(HERE, sha),
        "producedBy": {
            "tool": f"lightgbm {lightgbm.__version__} LGBMRegressor(n_estimators=150, num_leaves=8); "
                    f"onnxmltools {onnxmltools.__version__} convert_lightgbm ({opsets_text(model)}); "
                    f"checked with onnxruntime {ort.__version__}",
            "script": f"models/{NAME}/make_model.sh",
            "data": "scikit-learn bundled load_diabetes(scaled=False) (442 rows), target / 100; "
                    f"25% held-out split (seed {SEED}) for metrics",
        },
        "samples": [{"instance": i, "expected": p} for i, p in zip(instances, predictions)],
    }
    finish(model, model_path, size, manifest, instances, predictions)


if __name__ == "__main__":
    main()
