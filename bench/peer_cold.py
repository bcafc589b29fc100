"""The Python peer, cold: what a Python Lambda with onnxruntime does from process start to its first
answer, as a custom runtime (the Runtime API loop Lambda's Python runtime runs for it): imports, boto3
clients, then the first event: alias and version read from DynamoDB, manifest and model fetched from
S3, session built, prediction, row logged to DynamoDB (put_item), answer posted."""
import json, math, os, time, urllib.request, uuid
from decimal import Decimal
import numpy as np, onnxruntime as ort, boto3

BUCKET, REGISTRY, PREDICTIONS = os.environ["MODELS_BUCKET"], os.environ["REGISTRY_TABLE"], os.environ["PREDICTIONS_TABLE"]
s3 = boto3.client("s3")
ddb = boto3.client("dynamodb")
sessions = {}

def load(name):
    item = ddb.get_item(TableName=REGISTRY, Key={"pk": {"S": f"MODEL#{name}"}, "sk": {"S": "ALIASES"}})["Item"]
    version = item["production"]["S"]
    ddb.get_item(TableName=REGISTRY, Key={"pk": {"S": f"MODEL#{name}"}, "sk": {"S": f"VERSION#{version}"}})
    prefix = f"models/{name}/{version}/"
    manifest = json.loads(s3.get_object(Bucket=BUCKET, Key=prefix + "manifest.json")["Body"].read())
    onnx = s3.get_object(Bucket=BUCKET, Key=prefix + "model.onnx")["Body"].read()
    so = ort.SessionOptions(); so.intra_op_num_threads = 1
    sess = ort.InferenceSession(onnx, so, providers=["CPUExecutionProvider"])
    return version, manifest, sess

def handler(event, context):
    name = event["pathParameters"]["name"]
    if name not in sessions:
        sessions[name] = load(name)
    version, manifest, sess = sessions[name]
    names = [f["name"] for f in manifest["features"]]
    inst = json.loads(event["body"])["instances"]
    x = np.empty((len(inst), len(names)), dtype=np.float32)
    for i, row in enumerate(inst):
        for j, n in enumerate(names):
            v = row[n]
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
                return {"statusCode": 400, "body": json.dumps({"error": {"code": "INVALID_INSTANCES"}})}
            x[i, j] = v
    out = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    preds = [{"value": float(r[0])} for r in out]
    ts = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    for i, (r, p) in enumerate(zip(inst, preds)):
        ddb.put_item(TableName=PREDICTIONS, Item={"pk": {"S": f"{name}#{version}"}, "sk": {"S": f"{ts}#{context}#{i:05d}"},
                     "inputs": {"M": {k: {"N": str(v)} for k, v in r.items()}}, "output": {"M": {"value": {"N": str(p["value"])}}}})
    return {"statusCode": 200, "body": json.dumps({"model": name, "version": version, "predictions": preds})}

api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
while True:
    with urllib.request.urlopen(api + "next") as r:
        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(r.read())
    result = handler(event, request_id)
    urllib.request.urlopen(urllib.request.Request(api + request_id + "/response", data=json.dumps(result).encode(), method="POST")).read()
