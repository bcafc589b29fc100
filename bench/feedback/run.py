#!/usr/bin/env python3
"""Feedback ingest rate on the emulator: items/s through POST /models/{name}/feedback and through a bulk CSV job.

Runs against a deployed stack (localstack/outputs.json; AWS_ENDPOINT_URL names the emulator). It publishes iris as
its own model, makes the predictions to label through the predict API (1,000 rows a call), then
  api:  sends their actuals in calls of 1,000 items (sequential calls, as one client would) and times them;
  bulk: uploads a CSV of as many lines under feedback/<model>/ and times upload -> job SUCCEEDED (GET /jobs/{id}),
        and the job's own startedAt -> endedAt.
Usage: bench/feedback/run.sh [N]   (N items per path, default 5000; ~1-2 min on 2 vCPU)
"""
import csv, hashlib, io, json, os, sys, time, urllib.request
from datetime import datetime
import boto3

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = json.load(open(os.environ.get("MLSERVE_OUTPUTS", os.path.join(ROOT, "localstack", "outputs.json"))))
api = out["ApiUrl"].rstrip("/") + "/"
admin, key = out["AdminApiKey"], out["PredictApiKey"]
endpoint = os.environ.get("AWS_ENDPOINT_URL", "http://localhost:4566")
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
bucket, models_bucket = out["DataBucketName"], out["ModelsBucketName"]


def call(method, path, body, api_key):
    req = urllib.request.Request(api + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "x-api-key": api_key})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


model = "fbbench-" + hex(int(time.time()))[2:]
manifest = json.load(open(os.path.join(ROOT, "models", "iris", "manifest.json")))
manifest["name"], manifest["version"] = model, "1"
s3.put_object(Bucket=models_bucket, Key=f"models/{model}/1/manifest.json", Body=json.dumps(manifest).encode())
s3.put_object(Bucket=models_bucket, Key=f"models/{model}/1/model.onnx", Body=open(os.path.join(ROOT, "models", "iris", "model.onnx"), "rb").read())
status, body = call("POST", f"models/{model}/versions", {"location": f"s3://{models_bucket}/models/{model}/1/"}, admin)
assert status == 201, body
status, body = call("PUT", f"models/{model}/aliases/production", {"version": "1"}, admin)
assert status == 200, body

rows = [r for r in csv.DictReader(open(os.path.join(ROOT, "models", "iris", "iris.csv")))]
features = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def predict(n):
    """n predictions, 1,000 rows a call; @return [(predictionId, species)]"""
    labelled = []
    while len(labelled) < n:
        batch = [rows[(len(labelled) + i) % len(rows)] for i in range(min(1000, n - len(labelled)))]
        status, body = call("POST", f"models/{model}/predict", {"instances": [{f: float(r[f]) for f in features} for r in batch]}, key)
        assert status == 200, body
        labelled += [(p["predictionId"], r["species"]) for p, r in zip(body["predictions"], batch)]
    return labelled


t = time.time(); api_items = predict(N); bulk_items = predict(N); predict_s = time.time() - t

# --- API: calls of 1,000 items, one after another
t = time.time(); accepted = 0
for i in range(0, N, 1000):
    status, body = call("POST", f"models/{model}/feedback", {"items": [{"predictionId": p, "actual": a} for p, a in api_items[i:i + 1000]]}, key)
    assert status == 200, body
    accepted += body["accepted"]
api_s = time.time() - t
assert accepted == N, accepted

# --- bulk: one CSV, upload -> job SUCCEEDED
text = "predictionId,actual\n" + "".join(f"{p},{a}\n" for p, a in bulk_items)
key_name = f"feedback/{model}/bench-{N}.csv"
t = time.time()
etag = s3.put_object(Bucket=bucket, Key=key_name, Body=text.encode())["ETag"].strip('"')
job_id = "f-" + hashlib.sha256(f"feedback\n{bucket}\n{key_name}\n{etag}".encode()).hexdigest()[:24]
job = None
while time.time() - t < 300:
    status, job = call("GET", f"jobs/{job_id}", None, key)
    if status == 200 and job["status"] in ("SUCCEEDED", "FAILED"):
        break
    time.sleep(0.5)
bulk_s = time.time() - t
assert job and job["status"] == "SUCCEEDED" and job["rowsAccepted"] == N, job
ts = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
job_s = ts(job["endedAt"]) - ts(job["startedAt"])

result = {"n": N, "predict_s": round(predict_s, 2), "api_s": round(api_s, 2), "api_items_per_s": round(N / api_s),
          "bulk_wall_s": round(bulk_s, 2), "bulk_items_per_s": round(N / bulk_s), "bulk_job_s": round(job_s, 2),
          "bulk_job_items_per_s": round(N / job_s), "model": model, "job": job_id}
print(json.dumps(result))
