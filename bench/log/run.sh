#!/usr/bin/env bash
# Prediction-log write benchmark, one command (~1.5 min): ./bench/log/run.sh
# Rows/s one model version logs through the real writer (DynamoDbPredictionLog) with 1 vs N shards, behind
# DynamoDB's per-partition ceiling (1,000 WCU/s per table partition key and per GSI partition, modelled by
# LogWriteBenchmark.PartitionLimit: the emulator does not throttle):
#  1. model:    the limit in front of an instant sink — the writer and the partition arithmetic alone;
#  2. emulator: the limit in front of the emulator's DynamoDB (AWS_ENDPOINT_URL; skipped when it does not answer).
# Then the AWS arithmetic (ceilings and on-demand cost per million rows) from the measured item size.
# Results: printed, and written between the log markers of docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
source localstack/setup.sh >/dev/null
set +e +o pipefail
set -u
work=${BENCH_DIR:-/tmp/mlserve-bench-log}
mkdir -p "$work"
seconds=${SECONDS_PER_RUN:-8}
threads=${THREADS:-16}
rows=${ROWS_PER_REQUEST:-10}

echo "== build functions/aws and its test classpath"
./mvnw -o -q -B test-compile -pl functions/aws -am
./mvnw -o -q -B dependency:build-classpath -pl functions/aws -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="functions/aws/target/test-classes:functions/aws/target/classes:functions/core/target/classes:$(cat "$work/cp.txt")"
bench() { "$JAVA_HOME/bin/java" -XX:+UseSerialGC -cp "$cp" io.mlserve.aws.bench.LogWriteBenchmark "$@" 2>/dev/null; }

echo "== model: writer + partition limit, $threads threads x $rows-row requests, ${seconds}s per shard count"
model=$(bench model "$seconds" "$threads" "$rows" 1,4,16); echo "$model"
emulator=""
if curl -sf -m 2 "$AWS_ENDPOINT_URL/_localstack/health" >/dev/null; then
  echo "== emulator at $AWS_ENDPOINT_URL: same, writes reach its DynamoDB"
  emulator=$(bench emulator "$seconds" "$threads" "$rows" 1,4); echo "$emulator"
else
  echo "== emulator: not running at $AWS_ENDPOINT_URL, skipped"
fi

python3 - "$model" "$emulator" "$seconds" "$threads" "$rows" <<'PY'
import json, sys, os, re, datetime, subprocess, math
model = [json.loads(l) for l in sys.argv[1].splitlines() if l.startswith("{")]
emulator = [json.loads(l) for l in sys.argv[2].splitlines() if l.startswith("{")]
seconds, threads, rows = sys.argv[3:6]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
java = subprocess.run([os.environ["JAVA_HOME"] + "/bin/java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
size = model[0]["itemBytes"]; wcu = model[0]["wcuPerItem"]
def table(results):
    out = "| shards | rows/s written | rows failed (after retries, 2 s deadline) | items throttled (retried) | busiest partition's share |\n|---|---|---|---|---|\n"
    for r in results:
        out += f"| {r['shards']} | **{r['rowsPerSecond']:,}** | {r['rowsFailed']:,} | {r['throttledItems']:,} | {r['busiestPartitionShare']:.3f} |\n"
    return out
# on-demand, us-east-1, standard table class (price list of Nov 2024): $0.625 per million write request units
price_wru = 0.625
per_row_wru = 2 * wcu  # the table item + its copy in byModelShard (projection ALL); no byModel copy (no `model`)
cost = per_row_wru * price_wru
storage_gb_month = 0.25
emulator_text = table(emulator) if emulator else "not run (start the emulator: `localstack/emulator.sh start`)\n"
section = f"""<!-- log:begin -->
## Prediction log: rows/s per model with N shards (issue 11) — {datetime.date.today()}, {cpu}, {os.cpu_count()} vCPU, {java}

Command: `./bench/log/run.sh` (~1.5 min). {threads} threads, each writing {rows}-row requests through the real writer
(`DynamoDbPredictionLog`: BatchWriteItem by 25, retries with jittered backoff, 2 s deadline) for {seconds} s per shard
count. The emulator does not throttle partitions, so DynamoDB's documented ceiling — **1,000 WCU/s per partition key,
on the table and on each GSI partition** — is enforced in front of it (`LogWriteBenchmark.PartitionLimit`: a token
bucket per partition, refilled at 1,000 WCU/s, no burst credit; an item that would exceed its table partition
`<model>#<version>#<shard>` or its index partition `<model>#<shard>` comes back in `UnprocessedItems`, as on AWS).
Item: 8 float inputs, a 3-class output, {size} bytes → {wcu} WCU. The threads write as fast as they can (closed
loop), so every run is at its ceiling: rows still unwritten at the writer's 2 s deadline are the excess a too-hot
partition loses (counted in `PredictionLogWriteFailures`; the spill of issue 11's first part keeps them).

Writer + partition limit alone (instant sink: what the key layout allows, beyond this machine's emulator):

{table(model)}
Through the emulator's DynamoDB (MiniStack, Python, on this machine's 2 shared cores): the emulator itself is slower
than one partition's ceiling, so the limit hardly engages (only while the buckets first fill) — this run shows the same writer path end to end and the
rows spread over the shards (busiest partition's share), not DynamoDB's capacity:

{emulator_text}
What that means on AWS (on-demand, us-east-1, standard table class):

| | 1 shard (before) | 4 shards (default) | 16 shards | 64 shards (max) |
|---|---|---|---|---|
| ceiling per version, rows/s (1,000 WCU/s per partition ÷ {wcu} WCU per row) | {1000 // wcu:,} | {4 * 1000 // wcu:,} | {16 * 1000 // wcu:,} | {64 * 1000 // wcu:,} |
| ceiling per model (all versions share the index partitions `<model>#0..n-1`) | {1000 // wcu:,} | {4 * 1000 // wcu:,} | {16 * 1000 // wcu:,} | {64 * 1000 // wcu:,} |
| queries per log page / stats / drift read (one per shard, merged) | 1 | 4 | 16 | 64 |

- Cost per million logged rows: {per_row_wru} write request units per row (the item, {wcu} WRU, plus its copy in
  `byModelShard`, {wcu} WRU; new items carry no `model`, so the legacy `byModel` index costs nothing) × ${price_wru} per
  million WRU = **${cost:.2f} per million rows**, the same for any shard count (sharding changes where rows go, not how
  many bytes are written). Before this change it was the same $ per row, but capped at ~{1000 // wcu:,} rows/s per model
  by the single `byModel` index partition (index back-pressure throttles the table's writes too).
- Storage: {size} bytes × 2 (table + index) per row at $0.25 per GB-month; with the 30-day TTL a steady
  1,000 rows/s keeps ≈ {1000 * 86400 * 30 * size * 2 / 1e9:,.0f} GB ≈ ${1000 * 86400 * 30 * size * 2 / 1e9 * storage_gb_month:,.0f} per month.
- Why not rely on DynamoDB's adaptive capacity: it moves throughput between partitions and splits hot ones by sort
  key, but a split cannot help time-ordered writes (every new `sk` lands at the end of the range), so one version's
  log stayed one hot partition. A new on-demand table starts at up to 4,000 WCU/s and grows with the previous peak;
  pre-warm (or switch to provisioned) before a launch that needs more.
- Reads pay for sharding: every read is one Query per shard (a 100-row log page reads up to 102 items per shard;
  stats and drift read each shard's window once). Pick `logShards` ≈ peak rows/s ÷ ~800 (headroom under 1,000 ÷ WCU), at
  least 1; the stack default is 4 (`LOG_SHARDS`, CDK context `logShards`), a registration may name 1..64.
<!-- log:end -->"""
path = "docs/benchmarks.md"
text = open(path).read()
if "<!-- log:begin -->" in text:
    text = re.sub(r"<!-- log:begin -->.*<!-- log:end -->", lambda m: section, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
print("== written to docs/benchmarks.md: " + ", ".join(f"{r['shards']} shard(s) {r['rowsPerSecond']:,} rows/s" for r in model))
PY
