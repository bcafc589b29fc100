"""Predict calls through the emulator's API Gateway (for information: the emulator's own overhead dominates).

Usage: apigw.py <outputs.json> <results.jsonl> [n]. Uses the stack a quick start deployed (ApiUrl and PredictApiKey
in its outputs): n POSTs of models/iris/sample-request.json to /models/iris/predict, after 20 warm-up calls; the client
measures each round trip (API Gateway, the authorizer on a cache miss, the predict function through the emulator's
Runtime API, the DynamoDB log write). Appends one JSON line: {"case": "apigw", ...}.
"""
import json, os, sys, time, urllib.request

outputs = json.load(open(sys.argv[1]))
results = sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 300
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
body = open(os.path.join(root, "models/iris/sample-request.json"), "rb").read()
url = outputs["ApiUrl"].rstrip("/") + "/models/iris/predict"
headers = {"Content-Type": "application/json", "x-api-key": outputs["PredictApiKey"]}


def call():
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = response.read()
        status = response.status
    elapsed = time.perf_counter() - started
    if status != 200 or b"predictionId" not in answer or b"Mock response" in answer:
        raise SystemExit(f"apigw: unexpected answer {status}: {answer[:200]!r}")
    return elapsed


for _ in range(20):
    call()
times = sorted(call() for _ in range(n))
line = {"case": "apigw", "side": "mlserve", "n": n, "p50ms": round(times[n // 2] * 1e3, 2),
        "p99ms": round(times[int(n * 0.99)] * 1e3, 2)}
with open(results, "a") as f:
    f.write(json.dumps(line) + "\n")
print(json.dumps(line))
