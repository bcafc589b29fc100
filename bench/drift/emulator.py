"""Part 3 of bench/drift/run.sh: drift reports through the stack on the emulator.

Data setup (not measured as drift): a copy of bench/models/reg20 registered as `drift-bench` through the API and made
production; beside it the baseline the in-process run built (BENCH_DIR/baseline.json: the same reference rows); the
logged rows (BENCH_DIR/logged.csv) written to the predictions table with BatchWriteItem in the prediction log's item
layout (inputs map, output {"value"}, source api), spread over the 20 minutes before the write (skipped when this
emulator's table already holds them: BENCH_DIR/emulator-state.json).

Measured:
- `POST /models/drift-bench/drift` (admin key) with the window capped at EMULATOR_ROWS (default 10,000) newest rows,
  twice (the first starts the drift function's JVM). At 100,000 rows the function does not finish within its 5-minute
  timeout on MiniStack: the emulator's Query re-reads the whole partition for every page (~1.7 s per 1,000-item page
  here), so the full read is timed from a client instead (EMULATOR_FULL_READ=0 skips it);
- the read units of the 100,000-row report's log queries, computed by DynamoDB's billing rules from the items as
  written (a Query page is billed by the total size of the items it reads, projection and filter do not reduce it,
  rounded up to 4 KB, halved for eventually consistent reads; pages as the reader asks for them: 1,000 items or 1 MB).
  MiniStack does not model capacity (it answers ConsumedCapacity 0.5 for any Query).
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
report_rows = min(int(os.environ.get("EMULATOR_ROWS", "10000")), len(rows))
status, body = call("PUT", f"models/{name}/drift/config", {"window": {"hours": 1, "lastRows": report_rows}, "minSamples": 500})
if status != 200:
    sys.exit(f"drift config: {status} {body}")

# -- the logged rows, as the prediction log writes them (once per emulator table, within the hour the window covers)
state_path = f"{work}/emulator-state.json"
try:
    state = json.load(open(state_path))
except (OSError, ValueError):
    state = {}
fresh = state.get("table") == table and state.get("rows") == len(rows) and \
    time.time() - state.get("writtenAt", 0) < 30 * 60 and "Item" in dynamodb.get_item(TableName=table, Key=state["newestKey"])
end = datetime.datetime.fromisoformat(state["end"]) if fresh else datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=30)
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


write_seconds = state.get("writeSeconds")
if not fresh:
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(write, [items[i:i + 25] for i in range(0, len(items), 25)]))
    write_seconds = round(time.perf_counter() - started, 1)
    json.dump({"table": table, "rows": len(rows), "end": end.isoformat(), "writtenAt": time.time(), "writeSeconds": write_seconds,
               "newestKey": {"pk": items[-1]["pk"], "sk": items[-1]["sk"]}}, open(state_path, "w"))

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


# pages as the reader asks for them (newest first, 1,000 items, or fewer when 1 MB comes first)
item_bytes = [sum(len(k.encode()) + size(v) for k, v in it.items()) for it in reversed(items)]
pages, units, page_items, page_bytes = 0, 0.0, 0, 0
for b in item_bytes + [None]:
    if b is None or page_items == 1000 or page_bytes + b > 2**20:
        if page_items:
            pages += 1
            units += math.ceil(page_bytes / 4096) * 0.5
        page_items, page_bytes = 0, 0
    if b is not None:
        page_items += 1
        page_bytes += b

full_read = None
if os.environ.get("EMULATOR_FULL_READ", "1") == "1":
    query = {"TableName": table, "KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": {"S": f"{name}#1"}},
             "ScanIndexForward": False, "Limit": 1000}
    started, read = time.perf_counter(), 0
    while True:
        page = dynamodb.query(**query)
        read += page["Count"]
        if "LastEvaluatedKey" not in page:
            break
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    full_read = {"rows": read, "seconds": round(time.perf_counter() - started, 1)}

print(json.dumps({"measured": True, "written": len(items), "writeSeconds": write_seconds, "reportRows": report_rows,
                  "firstSeconds": timings[0], "secondSeconds": timings[1], "samples": report.get("samples"),
                  "verdict": report.get("verdict"), "drifted": [f["name"] for f in report.get("features", []) if f.get("drifted")],
                  "queries": pages, "readUnits": units, "bytesRead": sum(item_bytes), "fullRead": full_read}))
