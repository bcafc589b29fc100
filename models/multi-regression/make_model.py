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
import hashlib
import json
import os
import sys
from datetime import datetime, timezone

import numpy as np
import onnx
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
NAME = "multi-regression"
VERSION = "1"
SEED = 3
TOL = 1e-5
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


def f32(x):
    """The float32 value of x as a short Python float: what the ONNX graph sees, written so
    that parsing the JSON number as float32 gives back exactly the same value."""
    return float(str(np.float32(x)))


def save_model(model, path):
    """Save with opset imports in a fixed order (exporters may list them in hash-seed order) and
    return (bytes length, sha256)."""
    opsets = sorted((o.domain, o.version) for o in model.opset_import)
    del model.opset_import[:]
    model.opset_import.extend(onnx.helper.make_opsetid(d, v) for d, v in opsets)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    data = open(path, "rb").read()
    return len(data), hashlib.sha256(data).hexdigest()


def opsets_text(model):
    """The opsets the exported graph really imports, e.g. 'opset 17, ai.onnx.ml 1'."""
    ops = dict(sorted((o.domain, o.version) for o in model.opset_import))
    return ", ".join(f"opset {v}" if d in ("", "ai.onnx") else f"{d} {v}" for d, v in ops.items())


def utc_now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def finish(model, model_path, size, manifest, instances, predictions):
    """Check the JSON samples with onnxruntime, then write manifest / request / response."""
    try:
        worst = check_json_with_ort(model_path, manifest, instances, predictions)
    except AssertionError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"ORT check on the {len(instances)} JSON samples (fed as the manifest says): max diff {worst:.3g}")
    for fname, obj in [("manifest.json", manifest),
                       ("sample-request.json", {"instances": instances}),
                       ("expected-response.json", {"predictions": predictions})]:
        with open(os.path.join(HERE, fname), "w") as f:
            json.dump(obj, f, indent=2)
            f.write("\n")
    inputs, outputs = describe_signature(model)
    print(f"wrote model.onnx ({size} bytes, sha256 {manifest['sha256']})")
    for n, t in inputs:
        print(f"  input  {n}: {t}")
    for n, t in outputs:
        print(f"  output {n}: {t}")
    print("metrics:", manifest["metrics"])
def fmt_type(tp):
    """ONNX TypeProto as text, e.g. tensor(float)[N,1] or seq(map(string,tensor(float)))."""
    kind = tp.WhichOneof("value")
    if kind == "tensor_type":
        elem = onnx.helper.tensor_dtype_to_np_dtype(tp.tensor_type.elem_type).name
        elem = {"object": "string", "float32": "float", "float64": "double"}.get(elem, elem)
        if not tp.tensor_type.HasField("shape"):
            return f"tensor({elem})"
        dims = [d.dim_param or (str(d.dim_value) if d.HasField("dim_value") else "?") for d in tp.tensor_type.shape.dim]
        return f"tensor({elem})[{','.join(dims)}]"
    if kind == "sequence_type":
        return f"seq({fmt_type(tp.sequence_type.elem_type)})"
    if kind == "map_type":
        key = onnx.helper.tensor_dtype_to_np_dtype(tp.map_type.key_type).name
        key = {"object": "string"}.get(key, key)
        return f"map({key},{fmt_type(tp.map_type.value_type)})"
    return str(kind)


def describe_signature(model):
    return ([(i.name, fmt_type(i.type)) for i in model.graph.input],
            [(o.name, fmt_type(o.type)) for o in model.graph.output])


def check_json_with_ort(model_path, manifest, instances, predictions, tol=TOL):
    """Feed the JSON rows to onnxruntime the way the contract says (manifest only) and compare
    with the framework's predictions. Returns the largest numeric difference; raises on mismatch."""
    np_type = {"float": np.float32, "double": np.float64, "int64": np.int64, "string": object}
    feats = manifest["features"]
    inp = manifest["input"]
    if inp["layout"] == "tensor":
        arr = np.array([[row[f["name"]] for f in feats] for row in instances], dtype=np_type[inp["type"]])
        feeds = {inp["name"]: arr}
    else:
        feeds = {f.get("onnxName", f["name"]): np.array([[row[f["name"]]] for row in instances], dtype=np_type[f["type"]])
                 for f in feats}
    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    out = manifest["output"]
    worst = 0.0
    if manifest["task"] == "classification":
        labels = out["labels"]
        names = [n for n in (out.get("probabilities"), out.get("label")) if n]
        res = dict(zip(names, sess.run(names, feeds)))
        for i, exp in enumerate(predictions):
            if out.get("probabilities"):
                p = res[out["probabilities"]]
                probs = [p[i][lab] for lab in labels] if isinstance(p, list) else list(p[i])
                for lab, v in zip(labels, probs):
                    worst = max(worst, abs(float(v) - exp["probabilities"][str(lab)]))
            if out.get("label"):
                got = res[out["label"]][i]
                got = int(got) if isinstance(labels[0], int) else str(got)
            else:
                got = labels[int(np.argmax(probs))]
            if got != exp["label"]:
                raise AssertionError(f"row {i}: label {got!r} != {exp['label']!r}")
    else:
        v = np.asarray(sess.run([out["value"]], feeds)[0], dtype=np.float64)
        targets = out.get("targets") or []
        for i, exp in enumerate(predictions):
            row = v[i].reshape(-1)
            if len(targets) > 1:
                for j, t in enumerate(targets):
                    worst = max(worst, abs(row[j] - exp["value"][t]))
            else:
                worst = max(worst, abs(row[0] - exp["value"]))
    if worst > tol:
        raise AssertionError(f"JSON samples: max difference {worst:.3g} > {tol}")
    return worst




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
        "createdAt": utc_now(),
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
