"""Part 3 of bench/drift/run.sh: one drift report through the stack on the emulator.

Data setup (not measured as drift): a copy of bench/models/reg20 registered as `drift-bench` through the API and made
production; beside it the baseline the in-process run built (BENCH_DIR/baseline.json: the same reference rows); the
logged rows (BENCH_DIR/logged.csv) written to the predictions table with BatchWriteItem in the prediction log's item
layout (inputs map, output {"value"}, source api), spread over the last 20 minutes. Then `POST /models/drift-bench/drift`
(admin key) timed twice (the first starts the drift function's JVM), and the read units of the log queries: DynamoDB
bills a Query page by the total size of the items it reads (projection does not reduce it), rounded up to 4 KB, halved
for eventually consistent reads; MiniStack does not model capacity (it answers 0.5 per call), so the units are computed
from the items' sizes by DynamoDB's item-size rules and the emulator's own figure is given beside them.
Args: BENCH_DIR outputs.json. Prints one JSON line.
"""
import concurrent.futures
import datetime
import decimal
import json
import math
import os
import sys
import time
import urllib.request

import boto3

work, outputs_path = sys.argv[1], sys.argv[2]
out = json.load(open(outputs_path))
api, key = out["ApiUrl"].rstrip("/"), out["AdminApiKey"]
models_bucket, table = out["ModelsBucketName"], out["PredictionsTableName"]
name = os.environ.get("DRIFT_BENCH_MODEL", "drift-bench")
s3, dynamodb = boto3.client("s3"), boto3.client("dynamodb")


def call(method, path, body=None):
    request = urllib.request.Request(f"{api}/{path}", method=method, headers={"x-api-key": key, "Content-Type": "application/json"},
                                     data=None if body is None else json.dumps(body).encode())
    try:
        with urllib.request.urlopen(request, timeout=900) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


# -- the model, its baseline, its drift config
manifest = json.load(open("bench/models/reg20/manifest.json"))
manifest["name"], manifest["version"] = name, "1"
prefix = f"models/{name}/1/"
s3.put_object(Bucket=models_bucket, Key=prefix + "manifest.json", Body=json.dumps(manifest).encode())
s3.upload_file("bench/models/reg20/model.onnx", models_bucket, prefix + "model.onnx")
status, body = call("POST", f"models/{name}/versions", {"location": f"s3://{models_bucket}/{prefix}"})
if status not in (201, 409):
    sys.exit(f"registering {name}: {status} {body}")
status, body = call("PUT", f"models/{name}/aliases/production", {"version": "1"})
if status != 200:
    sys.exit(f"promoting {name}: {status} {body}")
baseline = json.load(open(f"{work}/baseline.json"))
baseline["model"] = name
s3.put_object(Bucket=models_bucket, Key=prefix + "baseline.json", Body=json.dumps(baseline).encode())
with open(f"{work}/logged.csv") as f:
    header = f.readline().strip().split(",")
    rows = [line.rstrip("\n").split(",") for line in f]
status, body = call("PUT", f"models/{name}/drift/config", {"window": {"hours": 1, "lastRows": len(rows)}, "minSamples": 500})
if status != 200:
    sys.exit(f"drift config: {status} {body}")

# -- the logged rows, as the prediction log writes them
end = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=30)
step = datetime.timedelta(minutes=20) / len(rows)
features = header[:-1]


def item(i, row):
    at = end - step * (len(rows) - i)
    ts = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
    request = f"bench-{i // 100:06d}"
    return {"pk": {"S": f"{name}#1"}, "sk": {"S": f"{ts}#{request}#{i % 100:05d}"}, "model": {"S": name}, "version": {"S": "1"},
            "requestId": {"S": request}, "row": {"N": str(i % 100)}, "ts": {"S": ts},
            "inputs": {"M": {f: {"N": v} for f, v in zip(features, row[:-1])}}, "output": {"M": {"value": {"N": row[-1]}}},
            "latencyMs": {"N": "3"}, "source": {"S": "api"}, "expiresAt": {"N": str(int(at.timestamp()) + 30 * 86400)}}


items = [item(i, row) for i, row in enumerate(rows)]


def write(chunk):
    pending = [{"PutRequest": {"Item": it}} for it in chunk]
    while pending:
        pending = dynamodb.batch_write_item(RequestItems={table: pending}).get("UnprocessedItems", {}).get(table, [])


started = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(2) as pool:
    list(pool.map(write, [items[i:i + 25] for i in range(0, len(items), 25)]))
write_seconds = round(time.perf_counter() - started, 1)

# -- one report, twice
timings, report = [], None
for _ in range(2):
    started = time.perf_counter()
    status, report = call("POST", f"models/{name}/drift", {})
    timings.append(round(time.perf_counter() - started, 2))
    if status != 200:
        sys.exit(f"POST drift: {status} {report}")


# -- read units of the window's queries
def size(value):
    """DynamoDB's item-size rules: names + values; numbers about 1 byte per 2 significant digits + 1; maps 3 + 1 per element."""
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode())
    if kind == "N":
        digits = decimal.Decimal(v).normalize().as_tuple().digits
        return math.ceil(len(digits) / 2) + 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + size(x) + 1 for k, x in v.items())
    if kind == "L":
        return 3 + sum(size(x) + 1 for x in v)
    if kind in ("BOOL", "NULL"):
        return 1
    return len(v)


consistent = os.environ.get("DRIFT_BENCH_CONSISTENT", "0") == "1"
query = {"TableName": table, "KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to",
         "ExpressionAttributeValues": {":pk": {"S": f"{name}#1"}, ":from": {"S": (end - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")},
                                       ":to": {"S": "9"}},
         "ScanIndexForward": False, "Limit": 1000, "ReturnConsumedCapacity": "TOTAL", "ConsistentRead": consistent}  # as the reader pages
pages, units, emulator_units, read_bytes, read = 0, 0.0, 0.0, 0, 0
while True:
    page = dynamodb.query(**query)
    pages += 1
    page_bytes = sum(sum(len(k.encode()) + size(v) for k, v in it.items()) for it in page["Items"])
    read_bytes += page_bytes
    read += page["Count"]
    units += math.ceil(page_bytes / 4096) * (1.0 if consistent else 0.5)
    emulator_units += page.get("ConsumedCapacity", {}).get("CapacityUnits", 0)
    if "LastEvaluatedKey" not in page or read >= len(rows):
        break
    query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

print(json.dumps({"measured": True, "written": len(items), "writeSeconds": write_seconds, "firstSeconds": timings[0],
                  "secondSeconds": timings[1], "samples": report.get("samples"), "verdict": report.get("verdict"),
                  "drifted": [f["name"] for f in report.get("features", []) if f.get("drifted")],
                  "queries": pages, "readUnits": units, "bytesRead": read_bytes, "emulatorUnits": emulator_units,
                  "capacitySource": f"computed from item sizes, {'strongly' if consistent else 'eventually'} consistent; "
                                    f"the emulator reported {emulator_units:g}"}))
