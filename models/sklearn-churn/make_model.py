"""sklearn-churn: scikit-learn Pipeline(ColumnTransformer + LogisticRegression) -> ONNX via skl2onnx.

Writes model.onnx, manifest.json, sample-request.json and expected-response.json beside this
script. The ONNX graph has one input per feature ([N, 1], float / int64 / string) and the
skl2onnx default outputs: output_label (string [N]) and output_probability (ZipMap,
seq(map(string -> float))). Fails (exit 1) if onnxruntime disagrees with scikit-learn.
"""
import os
import sys

import numpy as np
import onnxruntime as ort
import pandas as pd
import sklearn
import skl2onnx
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))  # models/common: the shared export steps
from mlserve_export import TOL, created_at, f32, finish, opsets_text, save_model  # noqa: E402

NAME = "sklearn-churn"
VERSION = "1"
SEED = 42
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
N_SAMPLES = 8

FLOAT_COLS = ["monthly_charges", "data_usage_gb"]
INT_COLS = ["tenure_months", "support_calls"]
STR_COLS = ["contract"]
CONTRACTS = ["month-to-month", "one-year", "two-year"]
FEATURES = [
    {"name": "monthly_charges", "type": "float", "min": 0.0, "max": 1000.0, "description": "monthly bill, USD"},
    {"name": "data_usage_gb", "type": "float", "min": 0.0, "max": 10000.0, "description": "mobile data used last month, GB"},
    {"name": "tenure_months", "type": "int64", "min": 0, "max": 600, "description": "months as a customer"},
    {"name": "support_calls", "type": "int64", "min": 0, "max": 1000, "description": "support calls in the last 6 months"},
    {"name": "contract", "type": "string", "values": CONTRACTS, "description": "contract kind"},
]


def make_data(n=4000):
    rng = np.random.default_rng(SEED)
    contract = rng.choice(CONTRACTS, size=n, p=[0.5, 0.3, 0.2])
    tenure = rng.integers(0, 73, size=n).astype(np.int64)
    calls = rng.poisson(1.5, size=n).astype(np.int64)
    charges = np.round(rng.uniform(20, 120, size=n), 2)
    usage = np.round(rng.gamma(2.0, 4.0, size=n), 1)
    # Float columns hold float32-representable values so scikit-learn and ONNX see the same numbers.
    charges = charges.astype(np.float32).astype(np.float64)
    usage = usage.astype(np.float32).astype(np.float64)
    c_eff = np.select([contract == "month-to-month", contract == "one-year"], [1.2, -0.3], -1.5)
    logit = -1.0 + c_eff - 0.045 * tenure + 0.55 * calls + 0.02 * (charges - 70) - 0.03 * (usage - 8)
    logit += rng.normal(0, 0.5, size=n)
    p = 1 / (1 + np.exp(-logit))
    y = np.where(rng.uniform(size=n) < p, "churn", "stay")
    X = pd.DataFrame({
        "monthly_charges": charges,
        "data_usage_gb": usage,
        "tenure_months": tenure,
        "support_calls": calls,
        "contract": contract,
    })
    return X, y


def onnx_feeds(X):
    feeds = {}
    for c in FLOAT_COLS:
        feeds[c] = X[c].to_numpy(np.float32).reshape(-1, 1)
    for c in INT_COLS:
        feeds[c] = X[c].to_numpy(np.int64).reshape(-1, 1)
    for c in STR_COLS:
        feeds[c] = X[c].to_numpy(object).reshape(-1, 1)
    return feeds


def json_row(row):
    out = {}
    for c in FLOAT_COLS:
        out[c] = f32(row[c])
    for c in INT_COLS:
        out[c] = int(row[c])
    for c in STR_COLS:
        out[c] = str(row[c])
    return out


def main():
    X, y = make_data()
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=SEED, stratify=y)

    pre = ColumnTransformer([
        ("num", StandardScaler(), FLOAT_COLS),
        ("int", StandardScaler(), INT_COLS),
        ("cat", OneHotEncoder(handle_unknown="ignore"), STR_COLS),
    ])
    pipe = Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=1000))])
    pipe.fit(X_tr, y_tr)
    classes = [str(c) for c in pipe.classes_]

    proba_te = pipe.predict_proba(X_te)
    label_te = pipe.predict(X_te)
    metrics = {
        "accuracy": round(float(accuracy_score(y_te, label_te)), 4),
        "roc_auc": round(float(roc_auc_score(y_te == "churn", proba_te[:, classes.index("churn")])), 4),
        "log_loss": round(float(log_loss(y_te, proba_te, labels=pipe.classes_)), 4),
        "test_rows": int(len(y_te)),
        "train_rows": int(len(y_tr)),
    }

    initial_types = (
        [(c, FloatTensorType([None, 1])) for c in FLOAT_COLS]
        + [(c, Int64TensorType([None, 1])) for c in INT_COLS]
        + [(c, StringTensorType([None, 1])) for c in STR_COLS]
    )
    model = to_onnx(pipe, initial_types=initial_types, target_opset=TARGET_OPSET)
    model.doc_string = "mlserve example " + NAME
    model_path = os.path.join(HERE, "model.onnx")
    size, sha = save_model(model, model_path)  # sorts the opset imports: skl2onnx lists them in hash-seed order

    # onnxruntime must agree with scikit-learn on the whole held-out split.
    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    ort_label, ort_proba = sess.run(["output_label", "output_probability"], onnx_feeds(X_te))
    ort_proba = np.array([[d[c] for c in classes] for d in ort_proba], dtype=np.float64)
    max_diff = float(np.max(np.abs(ort_proba - proba_te)))
    label_mismatch = int(np.sum(np.asarray(ort_label).astype(str) != label_te.astype(str)))
    print(f"ORT check on {len(X_te)} held-out rows: max |p_ort - p_sklearn| = {max_diff:.3g}, label mismatches = {label_mismatch}")
    if max_diff > TOL or label_mismatch:
        print("FAIL: onnxruntime does not match scikit-learn", file=sys.stderr)
        sys.exit(1)

    # Samples: the first four held-out rows predicted "churn" and the first four predicted "stay",
    # swapping in a row if some contract kind would be missing.
    half = N_SAMPLES // 2
    idx = [int(i) for c in classes for i in np.flatnonzero(label_te == c)[:half]]
    contracts = X_te["contract"].to_numpy()
    for k in CONTRACTS:
        if k not in set(contracts[idx]):
            idx[-1] = int(next(i for i in np.flatnonzero((contracts == k) & (label_te == label_te[idx[-1]]))))
    idx = sorted(idx)
    rows = X_te.iloc[idx]
    # Predictions by scikit-learn on exactly the rows written to JSON.
    req_df = pd.DataFrame([json_row(r) for _, r in rows.iterrows()])[list(X.columns)]
    s_proba = pipe.predict_proba(req_df)
    s_label = pipe.predict(req_df)
    instances, predictions = [], []
    for i, (_, r) in enumerate(rows.iterrows()):
        inst = json_row(r)
        pred = {"label": str(s_label[i]), "probabilities": {c: float(s_proba[i, j]) for j, c in enumerate(classes)}}
        instances.append(inst)
        predictions.append(pred)

    manifest = {
        "schemaVersion": 1,
        "name": NAME,
        "version": VERSION,
        "task": "classification",
        "description": "Synthetic telecom churn: will the customer churn? scikit-learn ColumnTransformer + LogisticRegression",
        "features": FEATURES,
        "input": {"layout": "per-feature"},
        "output": {"labels": classes, "probabilities": "output_probability", "label": "output_label"},
        "metrics": metrics,
        "sha256": sha,
        "createdAt": created_at(HERE, sha),
        "producedBy": {
            "tool": f"scikit-learn {sklearn.__version__} Pipeline(ColumnTransformer[StandardScaler, StandardScaler, "
                    f"OneHotEncoder(handle_unknown='ignore')] + LogisticRegression); skl2onnx {skl2onnx.__version__} "
                    f"({opsets_text(model)}, ZipMap); "
                    f"checked with onnxruntime {ort.__version__}",
            "script": f"models/{NAME}/make_model.sh",
            "data": f"synthetic, numpy default_rng({SEED}), 4000 rows, 25% stratified held-out split for metrics",
        },
        "samples": [{"instance": i, "expected": p} for i, p in zip(instances, predictions)],
    }
    finish(model, model_path, size, manifest, instances, predictions)


if __name__ == "__main__":
    main()
