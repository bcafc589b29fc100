"""Cold start, both sides, the way Lambda starts a function: a process is spawned with the function's
environment, it fetches its first event from a Runtime API (served here, as Lambda's is), handles it
(alias read from DynamoDB, manifest + model fetched from S3, session built, prediction, row logged to
DynamoDB) and posts the answer. Measured: spawn -> answer received, wall clock, median of N runs.

  cold.py seed                      create bucket, tables, model and registry items on AWS_ENDPOINT_URL
  cold.py run <name> <N> -- cmd...  spawn cmd N times against a fresh Runtime API; print one JSON line

The event is a predict request (answer: status 200), or with BENCH_EVENT=authorizer a REQUEST authorizer event
carrying the seeded key of table bench-keys (answer: an Allow policy).
"""
import hashlib, http.server, json, os, statistics, subprocess, sys, threading, time, uuid

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
BUCKET, REGISTRY, PREDICTIONS, KEYS = "bench-models", "bench-registry", "bench-predictions", "bench-keys"
API_KEY = "Bk3yValue0123456789abcdefghijklmnopqrstu"
EVENT_BODY = json.dumps({"instances": [{f"x{j:02d}": round(0.1 * j - 1, 3) for j in range(20)}]})


def seed():
    import boto3
    s3, ddb = boto3.client("s3"), boto3.client("dynamodb")
    if BUCKET not in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
        s3.create_bucket(Bucket=BUCKET)
    for name in (REGISTRY, PREDICTIONS):
        if name not in ddb.list_tables()["TableNames"]:
            ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    if KEYS not in ddb.list_tables()["TableNames"]:
        ddb.create_table(TableName=KEYS, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "keyHash", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "keyHash", "KeyType": "HASH"}])
    ddb.put_item(TableName=KEYS, Item={"keyHash": {"S": hashlib.sha256(API_KEY.encode()).hexdigest()}, "name": {"S": "bench"},
                 "role": {"S": "predict"}, "status": {"S": "active"}, "createdAt": {"S": "2026-11-24T00:00:00Z"}})
    for model in ("reg20", "clf4"):
        manifest = json.load(open(f"{MODELS}/{model}/manifest.json"))
        for f in ("model.onnx", "manifest.json"):
            s3.upload_file(f"{MODELS}/{model}/{f}", BUCKET, f"models/{model}/1/{f}")
        ddb.put_item(TableName=REGISTRY, Item={"pk": {"S": f"MODEL#{model}"}, "sk": {"S": "VERSION#1"}, "name": {"S": model},
                     "version": {"S": "1"}, "status": {"S": "serving"}, "location": {"S": f"s3://{BUCKET}/models/{model}/1/"},
                     "sha256": {"S": manifest["sha256"]}, "task": {"S": manifest["task"]}, "createdAt": {"S": "2026-11-24T00:00:00Z"},
                     "createdBy": {"S": "bench"}})
        ddb.put_item(TableName=REGISTRY, Item={"pk": {"S": f"MODEL#{model}"}, "sk": {"S": "ALIASES"}, "production": {"S": "1"},
                     "canaryWeight": {"N": "0"}, "revision": {"N": "1"}, "updatedAt": {"S": "2026-11-24T00:00:00Z"}})
        ddb.put_item(TableName=REGISTRY, Item={"pk": {"S": f"MODEL#{model}"}, "sk": {"S": "MODEL"}, "name": {"S": model}})


def event(request_id):
    if os.environ.get("BENCH_EVENT") == "authorizer":
        return {"type": "REQUEST", "methodArn": "arn:aws:execute-api:us-east-1:000000000000:abc123/prod/POST/models/reg20/predict",
                "resource": "/models/{name}/predict", "path": "/models/reg20/predict", "httpMethod": "POST",
                "headers": {"Content-Type": "application/json", "x-api-key": API_KEY, "X-Forwarded-For": "203.0.113.7"},
                "pathParameters": {"name": "reg20"}, "queryStringParameters": None,
                "requestContext": {"requestId": request_id, "stage": "prod", "httpMethod": "POST", "apiId": "abc123"}}
    return {"resource": "/models/{name}/predict", "path": "/models/reg20/predict", "httpMethod": "POST",
            "headers": {"Content-Type": "application/json", "Host": "abc123.execute-api.us-east-1.amazonaws.com",
                        "x-api-key": "k" * 40, "X-Forwarded-For": "203.0.113.7"},
            "pathParameters": {"name": "reg20"}, "queryStringParameters": None, "isBase64Encoded": False,
            "requestContext": {"requestId": request_id, "stage": "prod", "httpMethod": "POST", "resourcePath": "/models/{name}/predict",
                               "authorizer": {"role": "predict", "keyName": "bench", "principalId": "bench"}},
            "body": EVENT_BODY}


class RuntimeApi(http.server.ThreadingHTTPServer):
    """One event per run: /next hands it out once; the answer's arrival time is recorded."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.reset()

    def reset(self):
        self.request_id = str(uuid.uuid4()); self.served = False
        self.answered = threading.Event(); self.answer = None; self.answered_at = None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, code, body=b"", headers=None):
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        api = self.server
        if self.path.endswith("/runtime/invocation/next"):
            if api.served:  # the function is done: hold it until it is stopped, or (training runs) fail it so it exits
                api.answered.wait()
                if os.environ.get("BENCH_EXIT_AFTER_ANSWER"):
                    self._send(500, b'{"errorMessage": "bench: done"}', {"Content-Type": "application/json"})
                    return
                time.sleep(30)
                return
            api.served = True
            body = json.dumps(event(api.request_id)).encode()
            self._send(200, body, {"Lambda-Runtime-Aws-Request-Id": api.request_id, "Content-Type": "application/json",
                                   "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 30000),
                                   "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:000000000000:function:predict",
                                   "Lambda-Runtime-Trace-Id": "Root=1-67891233-abcdef012345678912345678;Sampled=0"})
        else:
            self._send(404)

    def do_POST(self):
        api = self.server
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length) if length else b""
        if "/response" in self.path or "/error" in self.path:
            api.answered_at = time.perf_counter(); api.answer = (self.path, body)
            self._send(202, b"{}")
            api.answered.set()
        else:
            self._send(202, b"{}")


def run(name, n, cmd, env_extra):
    api = RuntimeApi()
    threading.Thread(target=api.serve_forever, daemon=True).start()
    times = []
    for i in range(n):
        api.reset()
        env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{api.server_address[1]}", **env_extra)
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=open(os.environ.get("BENCH_STDOUT", os.devnull), "w"), stderr=open(f"{os.environ.get('BENCH_WORK', '/tmp')}/cold-{name}.err", "w"))
        ok = api.answered.wait(60)
        t1 = api.answered_at
        if os.environ.get("BENCH_EXIT_AFTER_ANSWER"):
            try:
                proc.wait(30)  # it exits by itself (its next /next fails), writing what it writes at exit
            except subprocess.TimeoutExpired:
                pass
        proc.terminate()  # SIGTERM, as Lambda stops a runtime: a JVM with -XX:ArchiveClassesAtExit writes its archive
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill(); proc.wait()
        if not ok:
            raise SystemExit(f"{name}: no answer within 60 s")
        path, body = api.answer
        answer = json.loads(body)
        allowed = answer.get("policyDocument", {}).get("Statement", [{}])[0].get("Effect") == "Allow"
        if "/error" in path or not (answer.get("statusCode") == 200 or allowed):
            raise SystemExit(f"{name}: failed: {body[:500]!r}")
        times.append((t1 - t0) * 1000)
    print(json.dumps({"case": "cold", "side": name, "n": n, "medianMs": round(statistics.median(times)),
                      "minMs": round(min(times)), "maxMs": round(max(times))}))


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed()
    else:
        name, n = sys.argv[2], int(sys.argv[3])
        rest = sys.argv[4:]
        extra = {}
        while rest and rest[0] != "--":
            k, v = rest.pop(0).split("=", 1); extra[k] = v
        run(name, n, rest[1:], extra)
