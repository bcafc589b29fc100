"""Shared export steps for the Python examples in models/<example>/make_model.py.

The model-specific part (data, training, conversion, the held-out onnxruntime check, manifest
fields) stays in each example. This module holds what they all do the same way: save model.onnx
reproducibly, describe it, check the JSON golden pair with onnxruntime exactly as the manifest
says (docs/model-contract.md) and write manifest.json, sample-request.json and
expected-response.json. It needs only numpy, onnx and onnxruntime, which every example pins.

An example imports it with:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
    import mlserve_export as mx
"""
import hashlib
import json
import os
import sys
from datetime import datetime, timezone

import numpy as np
import onnx
import onnxruntime as ort

TOL = 1e-5  # the contract's tolerance for probabilities and values


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


def created_at(folder, sha):
    """createdAt for the manifest in folder: the existing value if manifest.json there already
    describes these exact bytes (same sha256), else now. Re-running an unchanged export then
    leaves every file byte-identical; a new model.onnx gets a new timestamp."""
    try:
        with open(os.path.join(folder, "manifest.json")) as f:
            old = json.load(f)
    except (OSError, ValueError):
        return utc_now()
    if old.get("sha256") == sha and isinstance(old.get("createdAt"), str):
        return old["createdAt"]
    return utc_now()


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


def finish(model, model_path, size, manifest, instances, predictions):
    """Check the JSON samples with onnxruntime (exit 1 on a mismatch), then write manifest.json,
    sample-request.json and expected-response.json beside model_path and print a summary."""
    try:
        worst = check_json_with_ort(model_path, manifest, instances, predictions)
    except AssertionError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
    labels = ", labels equal" if manifest["task"] == "classification" else ""
    print(f"ORT check on the {len(instances)} JSON samples (fed as the manifest says): max diff {worst:.3g}{labels}")
    folder = os.path.dirname(model_path)
    for fname, obj in [("manifest.json", manifest),
                       ("sample-request.json", {"instances": instances}),
                       ("expected-response.json", {"predictions": predictions})]:
        with open(os.path.join(folder, fname), "w") as f:
            json.dump(obj, f, indent=2)
            f.write("\n")
    inputs, outputs = describe_signature(model)
    print(f"wrote model.onnx ({size} bytes, sha256 {manifest['sha256']})")
    for n, t in inputs:
        print(f"  input  {n}: {t}")
    for n, t in outputs:
        print(f"  output {n}: {t}")
    print("metrics:", manifest["metrics"])
