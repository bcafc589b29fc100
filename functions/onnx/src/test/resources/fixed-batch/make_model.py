"""A graph fixed to batch size 1 (as some exporters emit without dynamic axes): value = 2*a + 3*b.

Run with the pinned venv of models/multi-regression (onnx 1.18.0): python make_model.py
"""
import hashlib
import json

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

weights = numpy_helper.from_array(np.array([[2.0], [3.0]], dtype=np.float32), name="w")
graph = helper.make_graph(
    [helper.make_node("MatMul", ["input", "w"], ["value"])],
    "fixed_batch",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 2])],
    [helper.make_tensor_value_info("value", TensorProto.FLOAT, [1, 1])],
    [weights],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
onnx.checker.check_model(model)
data = model.SerializeToString()
open("model.onnx", "wb").write(data)
manifest = {
    "schemaVersion": 1, "name": "fixed-batch", "version": "1", "task": "regression",
    "features": [{"name": "a", "type": "float"}, {"name": "b", "type": "float"}],
    "input": {"layout": "tensor", "name": "input", "type": "float", "batch": 1},
    "output": {"value": "value"},
    "sha256": hashlib.sha256(data).hexdigest(),
    "createdAt": "2026-11-23T00:00:00Z",
    "producedBy": {"script": "functions/onnx/src/test/resources/fixed-batch/make_model.py"},
}
json.dump(manifest, open("manifest.json", "w"), indent=2)
