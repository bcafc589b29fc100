"""The Python peer, warm: shared/peers/warm.py's idiomatic handler (json -> validate -> numpy ->
session.run -> json), unchanged, on the same models and API Gateway events as the Java side, from the event's
bytes to the answer's bytes as the Python Lambda runtime runs it (json.loads of the event, the handler,
json.dumps of the answer); p50/p99 over N calls after 500 warm-up calls. With --ddb TABLE each predicted row is also written to DynamoDB
(boto3 put_item for one row, batch_writer for more), as the Java handler logs every row.
Usage: peer_warm.py <models dir> <payloads.json> <results file> [N] [--ddb TABLE]"""
import json, math, sys, time, uuid
import numpy as np, onnxruntime as ort

def make_handler(path, names, labels, table=None):
    so = ort.SessionOptions(); so.intra_op_num_threads = 1; so.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0].name
    def handler(event, context=None):
        try:
            body = json.loads(event["body"])
            inst = body["instances"]
            if not isinstance(inst, list) or not inst:
                raise ValueError("instances")
            x = np.empty((len(inst), len(names)), dtype=np.float32)
            for i, row in enumerate(inst):
                for j, n in enumerate(names):
                    v = row[n]
                    if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
                        raise ValueError(n)
                    x[i, j] = v
        except (KeyError, ValueError, TypeError) as e:
            return {"statusCode": 400, "body": json.dumps({"error": {"code": "invalid", "message": str(e)}})}
        out = sess.run(None, {inp: x})[0]
        if labels:
            preds = [{"label": labels[int(r.argmax())], "probabilities": {l: float(p) for l, p in zip(labels, r)}} for r in out]
        else:
            preds = [{"value": float(r[0])} for r in out]
        if table is not None:
            log_rows(table, inst, preds)
        return {"statusCode": 200, "body": json.dumps({"model": "m", "version": "1", "predictions": preds})}
    return handler

def log_rows(table, inst, preds):
    from decimal import Decimal
    rid = str(uuid.uuid4()); ts = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    items = [{"pk": "m#1", "sk": f"{ts}#{rid}#{i:05d}", "model": "m", "version": "1", "requestId": rid, "row": i, "ts": ts,
              "inputs": json.loads(json.dumps(r), parse_float=Decimal), "output": json.loads(json.dumps(p), parse_float=Decimal),
              "source": "api"} for i, (r, p) in enumerate(zip(inst, preds))]
    if len(items) == 1:
        table.put_item(Item=items[0])
    else:
        with table.batch_writer() as w:
            for it in items:
                w.put_item(Item=it)

def invoke(handler, raw):
    """What the Python Lambda runtime does around the handler: the event's bytes decoded, the answer encoded."""
    return json.dumps(handler(json.loads(raw))).encode()

def bench(handler, event, n, warm=500):
    raw = event.encode()
    for _ in range(warm): invoke(handler, raw)
    ts = []
    for _ in range(n):
        t = time.perf_counter_ns(); r = invoke(handler, raw); ts.append(time.perf_counter_ns() - t)
        assert r.startswith(b'{"statusCode": 200')
    ts.sort()
    return ts[len(ts)//2] / 1000, ts[int(len(ts)*0.99)] / 1000

def main():
    models, payloads, results = sys.argv[1], json.load(open(sys.argv[2])), open(sys.argv[3], "a")
    n = int(sys.argv[4]) if len(sys.argv) > 4 and not sys.argv[4].startswith("--") else 10000
    table = None; mode = "warm"
    if "--ddb" in sys.argv:
        import boto3
        table = boto3.resource("dynamodb").Table(sys.argv[sys.argv.index("--ddb") + 1]); mode = "ddb"
    n4 = ["f0", "f1", "f2", "f3"]; n20 = [f"x{j:02d}" for j in range(20)]
    h4 = make_handler(models + "/clf4/model.onnx", n4, ["c0", "c1", "c2"], table)
    h20 = make_handler(models + "/reg20/model.onnx", n20, None, table)
    for case, h in [("clf4x1", h4), ("clf4x100", h4), ("reg20x1", h20), ("reg20x100", h20)]:
        p50, p99 = bench(h, payloads["events"][case], n, 500 if table is None else 50)
        results.write(json.dumps({"case": case, "side": "python", "mode": mode, "n": n, "p50us": round(p50, 1), "p99us": round(p99, 1)}) + "\n")
        results.flush()

if __name__ == "__main__":
    main()
