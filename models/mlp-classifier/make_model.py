"""mlp-classifier: a small MLP classifier (scikit-learn MLPClassifier on the bundled wine data) written
to ONNX with the onnx helper API in the shape torch.onnx.export would give a PyTorch MLP:
one float input [batch, 13] named input, one float output [batch, 3] named probabilities
(softmax), dynamic batch axis "batch", no label output and no ZipMap.

Stands in for pytorch-mlp: torch from PyPI pulls ~3.8 GB of CUDA wheels here (see
../pytorch-mlp/README.md). Writes model.onnx, manifest.json, sample-request.json and
expected-response.json beside this script and fails (exit 1) if onnxruntime disagrees with
scikit-learn's predict_proba.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import sklearn
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_wine
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))  # models/common: the shared export steps
from mlserve_export import TOL, created_at, f32, finish, opsets_text, pick_samples, save_model  # noqa: E402

NAME = "mlp-classifier"
VERSION = "1"
SEED = 5
OPSET = 17
INPUT_NAME = "input"
OUTPUT_NAME = "probabilities"
N_SAMPLES = 8
# load_wine columns, in order ("od280/od315_of_diluted_wines" renamed to od280_od315)
FEATURE_NAMES = ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
                 "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280_od315", "proline"]


def build_onnx(pipe, n_features, n_classes):
    """(x - mean) / scale -> [Gemm -> Relu]* -> Gemm -> Softmax, weights as float32 initializers."""
    scaler, mlp = pipe.named_steps["scale"], pipe.named_steps["mlp"]
    if mlp.activation != "relu" or mlp.out_activation_ != "softmax":
        raise RuntimeError(f"unexpected activations {mlp.activation}/{mlp.out_activation_}")
    inits = [numpy_helper.from_array(scaler.mean_.astype(np.float32), "scaler_mean"),
             numpy_helper.from_array(scaler.scale_.astype(np.float32), "scaler_scale")]
    nodes = [helper.make_node("Sub", [INPUT_NAME, "scaler_mean"], ["centered"], name="scaler_sub"),
             helper.make_node("Div", ["centered", "scaler_scale"], ["h0"], name="scaler_div")]
    h = "h0"
    n_layers = len(mlp.coefs_)
    for i, (w, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        inits += [numpy_helper.from_array(w.astype(np.float32), f"layer{i}.weight"),
                  numpy_helper.from_array(b.astype(np.float32), f"layer{i}.bias")]
        z = f"z{i}" if i < n_layers - 1 else "logits"
        nodes.append(helper.make_node("Gemm", [h, f"layer{i}.weight", f"layer{i}.bias"], [z], name=f"layer{i}"))
        if i < n_layers - 1:
            h = f"h{i + 1}"
            nodes.append(helper.make_node("Relu", [z], [h], name=f"relu{i}"))
    nodes.append(helper.make_node("Softmax", ["logits"], [OUTPUT_NAME], name="softmax", axis=-1))
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["batch", n_features])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["batch", n_classes])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="mlserve models/mlp-classifier", producer_version=VERSION)
    model.ir_version = 8  # opset 17 era; readable by any onnxruntime >= 1.12
    return model


def main():
    wine = load_wine()  # bundled with scikit-learn, no download
    X = wine.data.astype(np.float32).astype(np.float64)  # float32-representable: sklearn and ONNX see the same numbers
    y = np.array([str(wine.target_names[t]) for t in wine.target])  # "class_0", "class_1", "class_2"
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, random_state=SEED, stratify=y)

    pipe = Pipeline([("scale", StandardScaler()),
                     ("mlp", MLPClassifier(hidden_layer_sizes=(16, 8), alpha=1e-3, max_iter=2000, random_state=SEED))])
    pipe.fit(X_tr, y_tr)
    classes = [str(c) for c in pipe.classes_]
    proba_te = pipe.predict_proba(X_te)
    label_te = pipe.predict(X_te)
    metrics = {
        "accuracy": round(float(accuracy_score(y_te, label_te)), 4),
        "log_loss": round(float(log_loss(y_te, proba_te, labels=pipe.classes_)), 4),
        "test_rows": int(len(y_te)),
        "train_rows": int(len(y_tr)),
    }

    model = build_onnx(pipe, len(FEATURE_NAMES), len(classes))
    model.doc_string = "mlserve example " + NAME
    model_path = os.path.join(HERE, "model.onnx")
    size, sha = save_model(model, model_path)

    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    ort_proba = sess.run([OUTPUT_NAME], {INPUT_NAME: X.astype(np.float32)})[0].astype(np.float64)
    all_proba = pipe.predict_proba(X)
    max_diff = float(np.max(np.abs(ort_proba - all_proba)))
    argmax_mismatch = int(np.sum(np.array(classes)[ort_proba.argmax(1)] != pipe.predict(X)))
    print(f"ORT check on all {len(X)} rows: max |p_ort - p_sklearn| = {max_diff:.3g}, arg-max mismatches = {argmax_mismatch}")
    if max_diff > TOL or argmax_mismatch:
        print("FAIL: onnxruntime does not match scikit-learn", file=sys.stderr)
        sys.exit(1)

    # Samples: the least certain held-out rows first, then one row of each class.
    order = np.argsort(proba_te.max(axis=1), kind="stable")
    idx = pick_samples(order, label_te, classes, N_SAMPLES)
    instances = [{n: f32(v) for n, v in zip(FEATURE_NAMES, X_te[i])} for i in idx]
    X_req = np.array([[row[n] for n in FEATURE_NAMES] for row in instances], dtype=np.float64)
    s_proba = pipe.predict_proba(X_req)
    s_label = pipe.predict(X_req)
    predictions = [{"label": str(s_label[i]), "probabilities": {c: float(s_proba[i, j]) for j, c in enumerate(classes)}}
                   for i in range(len(instances))]

    mlp = pipe.named_steps["mlp"]
    manifest = {
        "schemaVersion": 1,
        "name": NAME,
        "version": VERSION,
        "task": "classification",
        "description": "Wine cultivar (class_0 / class_1 / class_2) from 13 chemical measurements; "
                       "MLP 13-16-8-3 with softmax output",
        "features": [{"name": n, "type": "float", "min": 0.0} for n in FEATURE_NAMES],
        "input": {"layout": "tensor", "name": INPUT_NAME, "type": "float"},
        "output": {"labels": classes, "probabilities": OUTPUT_NAME},
        "metrics": metrics,
        "sha256": sha,
        "createdAt": created_at(HERE, sha),
        "producedBy": {
            "tool": f"scikit-learn {sklearn.__version__} Pipeline(StandardScaler + MLPClassifier{mlp.hidden_layer_sizes}, "
                    f"relu, softmax); graph written with onnx {onnx.__version__} helper API ({opsets_text(model)}) "
                    f"in torch.onnx.export style; checked with onnxruntime {ort.__version__}",
            "script": f"models/{NAME}/make_model.sh",
            "data": f"scikit-learn bundled load_wine (178 rows), 30% stratified held-out split (seed {SEED}) for metrics",
        },
        "samples": [{"instance": i, "expected": p} for i, p in zip(instances, predictions)],
    }
    finish(model, model_path, size, manifest, instances, predictions)


if __name__ == "__main__":
    main()
