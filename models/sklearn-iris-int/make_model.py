"""sklearn-iris-int: RandomForestClassifier on iris with int64 class labels (0, 1, 2) -> ONNX via skl2onnx.

One float tensor input [N, 4] named float_input; outputs output_label (int64 [N]) and
output_probability (ZipMap with int64 keys: seq(map(int64 -> float))). Writes model.onnx,
manifest.json, sample-request.json and expected-response.json beside this script and fails
(exit 1) if onnxruntime disagrees with scikit-learn.
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
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "sklearn-iris-int"
VERSION = "1"
SEED = 7
TOL = 1e-5
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
INPUT_NAME = "float_input"
N_SAMPLES = 8
FEATURE_NAMES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


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




def pick_samples(uncertainty_order, labels, classes, n):
    """Row indices: the least certain rows first, every class at least once, no repeats."""
    idx = [int(i) for i in uncertainty_order[:n - len(classes)]]
    for c in classes:
        if not any(labels[i] == c for i in idx):
            idx.append(int(next(i for i in np.flatnonzero(labels == c) if i not in idx)))
    for i in uncertainty_order:
        if len(idx) >= n:
            break
        if int(i) not in idx:
            idx.append(int(i))
    return idx


def main():
    iris = load_iris()  # bundled with scikit-learn, no download
    # float32-representable values so scikit-learn and ONNX see the same numbers
    X = iris.data.astype(np.float32).astype(np.float64)
    y = iris.target.astype(np.int64)  # 0 = setosa, 1 = versicolor, 2 = virginica
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=SEED, stratify=y)

    clf = RandomForestClassifier(n_estimators=25, max_depth=4, random_state=SEED)
    clf.fit(X_tr, y_tr)
    classes = [int(c) for c in clf.classes_]
    proba_te = clf.predict_proba(X_te)
    label_te = clf.predict(X_te)
    metrics = {
        "accuracy": round(float(accuracy_score(y_te, label_te)), 4),
        "log_loss": round(float(log_loss(y_te, proba_te, labels=clf.classes_)), 4),
        "test_rows": int(len(y_te)),
        "train_rows": int(len(y_tr)),
    }

    model = to_onnx(clf, initial_types=[(INPUT_NAME, FloatTensorType([None, len(FEATURE_NAMES)]))],
                    target_opset=TARGET_OPSET)
    model.doc_string = "mlserve example " + NAME
    model_path = os.path.join(HERE, "model.onnx")
    size, sha = save_model(model, model_path)

    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    ort_label, ort_proba = sess.run(["output_label", "output_probability"], {INPUT_NAME: X_te.astype(np.float32)})
    ort_proba = np.array([[d[c] for c in classes] for d in ort_proba], dtype=np.float64)
    max_diff = float(np.max(np.abs(ort_proba - proba_te)))
    label_mismatch = int(np.sum(np.asarray(ort_label) != label_te))
    print(f"ORT check on {len(X_te)} held-out rows: max |p_ort - p_sklearn| = {max_diff:.3g}, label mismatches = {label_mismatch}")
    if max_diff > TOL or label_mismatch:
        print("FAIL: onnxruntime does not match scikit-learn", file=sys.stderr)
        sys.exit(1)

    # Samples: held-out rows, every class, and the least certain rows first so probabilities are not all 0/1.
    order = np.argsort(proba_te.max(axis=1), kind="stable")
    idx = pick_samples(order, label_te, classes, N_SAMPLES)
    instances = [{n: f32(v) for n, v in zip(FEATURE_NAMES, X_te[i])} for i in idx]
    X_req = np.array([[row[n] for n in FEATURE_NAMES] for row in instances], dtype=np.float64)
    s_proba = clf.predict_proba(X_req)
    s_label = clf.predict(X_req)
    predictions = [{"label": int(s_label[i]), "probabilities": {str(c): float(s_proba[i, j]) for j, c in enumerate(classes)}}
                   for i in range(len(instances))]

    manifest = {
        "schemaVersion": 1,
        "name": NAME,
        "version": VERSION,
        "task": "classification",
        "description": "Iris species (0 = setosa, 1 = versicolor, 2 = virginica) from flower measurements; "
                       "integer class labels",
        "features": [{"name": n, "type": "float", "min": 0.0, "max": 100.0, "description": "cm"} for n in FEATURE_NAMES],
        "input": {"layout": "tensor", "name": INPUT_NAME, "type": "float"},
        "output": {"labels": classes, "probabilities": "output_probability", "label": "output_label"},
        "metrics": metrics,
        "sha256": sha,
        "createdAt": utc_now(),
        "producedBy": {
            "tool": f"scikit-learn {sklearn.__version__} RandomForestClassifier(n_estimators=25, max_depth=4); "
                    f"skl2onnx {skl2onnx.__version__} ({opsets_text(model)}, "
                    f"ZipMap with int64 keys); checked with onnxruntime {ort.__version__}",
            "script": f"models/{NAME}/make_model.sh",
            "data": f"scikit-learn bundled load_iris (150 rows), 30% stratified held-out split (seed {SEED}) for metrics",
        },
        "samples": [{"instance": i, "expected": p} for i, p in zip(instances, predictions)],
    }
    finish(model, model_path, size, manifest, instances, predictions)


if __name__ == "__main__":
    main()
