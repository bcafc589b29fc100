"""sklearn-iris-int: RandomForestClassifier on iris with int64 class labels (0, 1, 2) -> ONNX via skl2onnx.

One float tensor input [N, 4] named float_input; outputs output_label (int64 [N]) and
output_probability (ZipMap with int64 keys: seq(map(int64 -> float))). Writes model.onnx,
manifest.json, sample-request.json and expected-response.json beside this script and fails
(exit 1) if onnxruntime disagrees with scikit-learn.
"""
import os
import sys

import numpy as np
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
sys.path.insert(0, os.path.join(HERE, "..", "common"))  # models/common: the shared export steps
from mlserve_export import TOL, created_at, f32, finish, opsets_text, pick_samples, save_model  # noqa: E402

NAME = "sklearn-iris-int"
VERSION = "1"
SEED = 7
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
INPUT_NAME = "float_input"
N_SAMPLES = 8
FEATURE_NAMES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


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
        "createdAt": created_at(HERE, sha),
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
