#!/usr/bin/env bash
# Bulk prediction benchmark, one command: ./bench/batch/run.sh
# The same 1,000,000-row x 20-feature CSV and the same ONNX model (bench/models/reg20) through
#  1. mlserve's batch path in one JVM with the batch function's flags (claim -> plan -> ranges -> finalize,
#     streamed from and to disk; rows/s end to end and per range, peak RSS at 100k and 1M rows), and
#  2. the peer: pandas chunked read_csv -> onnxruntime -> to_csv (bench/batch/peer_pandas.py),
#  3. when the stack is deployed on the emulator (localstack/outputs.json): the file through S3 and Step
#     Functions with `mlserve batch submit --wait` (wall time, for information: the emulator runs ranges on this machine).
# Results: printed, and written between the batch markers of docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
source localstack/setup.sh >/dev/null
set +e +o pipefail
set -u
work=${BENCH_DIR:-/tmp/mlserve-bench}
mkdir -p "$work"
rows=${ROWS:-1000000}
range_bytes=${RANGE_BYTES:-67108864}

venv="$root/bench/.venv"
if [[ ! -x "$venv/bin/python" ]]; then python3 -m venv "$venv"; fi
"$venv/bin/python" -c "import onnxruntime, pandas, numpy" 2>/dev/null \
  || "$venv/bin/pip" install -q "onnxruntime==1.23.2" numpy pandas

for n in 100000 "$rows"; do
  [[ -s "$work/in-$n.csv" ]] || { echo "== generating $n rows"; "$venv/bin/python" bench/batch/gen_csv.py "$n" "$work/in-$n.csv"; }
done

echo "== build the batch module and its test classpath"
./mvnw -q -B package -DskipTests -pl functions/batch -am
./mvnw -q -B dependency:build-classpath -pl functions/batch -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="functions/batch/target/test-classes:functions/batch/target/classes:$(cat "$work/cp.txt")"
# What the stack gives the batch function (JavaFunction THROUGHPUT): full tiered JIT, SerialGC, 2 GB.
flags=(-XX:+UseSerialGC -XX:MaxRAM=2g --enable-native-access=ALL-UNNAMED)

ours() { "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$cp" io.mlserve.function.batch.bench.BatchRangeBenchmark "$1" bench/models/reg20 "$range_bytes" 2>/dev/null | tail -1; }
echo "== mlserve batch path, 100,000 rows";   ours_small=$(ours "$work/in-100000.csv"); echo "$ours_small"
echo "== mlserve batch path, $rows rows";     ours_big=$(ours "$work/in-$rows.csv"); echo "$ours_big"
echo "== peer: pandas + onnxruntime, $rows rows"
peer=$("$venv/bin/python" bench/batch/peer_pandas.py bench/models/reg20/model.onnx "$work/in-$rows.csv" "$work/peer-out.csv"); echo "$peer"

emulator="not run (deploy the stack first: ./localstack/quickstart.sh)"
if [[ -f "$MLSERVE_OUTPUTS" ]] && python3 -c "import json,sys; sys.exit(0 if json.load(open('$MLSERVE_OUTPUTS')).get('DataBucketName') else 1)" 2>/dev/null \
   && curl -sf -m 2 "$AWS_ENDPOINT_URL/_localstack/health" >/dev/null; then
  out() { python3 -c "import json,sys;print(json.load(open(sys.argv[2]))[sys.argv[1]])" "$1" "$MLSERVE_OUTPUTS"; }
  cli=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar functions/cli/target/mlserve.jar)
  [[ -f functions/cli/target/mlserve.jar ]] || ./mvnw -q -B package -DskipTests -pl functions/cli -am
  "${cli[@]}" publish bench/models/reg20 --bucket "$(out ModelsBucketName)" --registry-table "$(out RegistryTableName)" >/dev/null
  cp "$work/in-$rows.csv" "$work/bench-$(date +%s).csv"
  file=$(ls -t "$work"/bench-*.csv | head -1)
  started=$(date +%s.%N)
  if "${cli[@]}" batch submit "$file" --model reg20 --bucket "$(out DataBucketName)" --jobs-table "$(out JobsTableName)" --wait --timeout-seconds 1800 >"$work/submit.log" 2>&1; then
    seconds=$(python3 -c "print(round($(date +%s.%N) - $started, 1))")
    emulator="{\"rows\": $rows, \"seconds\": $seconds, \"rowsPerSecond\": $(python3 -c "print(round($rows / $seconds))")}"
  else
    emulator="failed: $(tail -3 "$work/submit.log" | tr '\n' ' ')"
  fi
  rm -f "$file"
fi
echo "== emulator (S3 + Step Functions): $emulator"

python3 - "$ours_small" "$ours_big" "$peer" "$emulator" "$rows" <<'PY'
import json, platform, subprocess, sys, datetime, re, os
small, big, peer = (json.loads(a) for a in sys.argv[1:4])
emulator, rows = sys.argv[4], int(sys.argv[5])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
java = subprocess.run([os.environ["JAVA_HOME"] + "/bin/java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
ratio = big["rowsPerSecond"] / peer["rowsPerSecond"]
per_range = ", ".join(f"{r['rowsPerSecond']:,}" for r in big["perRange"])
section = f"""<!-- batch:begin -->
## Bulk prediction (issue 7) — {datetime.date.today()}, {cpu}, {os.cpu_count()} vCPU, {mem} GiB, {java}

Command: `./bench/batch/run.sh`. Input: {rows:,} rows × (row_id + 20 float features), {os.path.getsize(os.environ.get('BENCH_DIR','/tmp/mlserve-bench') + f'/in-{rows}.csv') / 2**20:.0f} MiB CSV; model `bench/models/reg20` (the peers' `reg20.onnx`, linear regression); ONNX Runtime 1.23.2 on both sides, 1 intra-op thread.

| | rows/s | seconds | peak RSS |
|---|---|---|---|
| mlserve batch path, one JVM, ranges one after another ({big['ranges']} ranges of {int(os.environ.get('RANGE_BYTES', 67108864)) // 2**20} MiB; JVM flags {' '.join(big['jvm'])}) | **{big['rowsPerSecond']:,}** | {big['seconds']} | {big['peakRssMiB']} MiB |
| per range (one Lambda invocation's work) | {per_range} | | |
| the same at 100,000 rows | {small['rowsPerSecond']:,} | {small['seconds']} | {small['peakRssMiB']} MiB |
| peer: pandas {peer['pandas']} chunked `read_csv` → onnxruntime {peer['onnxruntime']} → `to_csv` | {peer['rowsPerSecond']:,} | {peer['seconds']} | {peer['peakRssMiB']} MiB |
| **ratio mlserve / peer** | **{ratio:.2f}×** | | |
| through the emulator (S3 upload → EventBridge → Step Functions → batch Lambda JVMs on this machine → S3), `mlserve batch submit --wait` wall time | {emulator} | | |

Both read and write the whole CSV (every input column kept, the prediction appended). mlserve also validates every cell
against the manifest, writes per-range error files and samples 1% of rows for the prediction log (in memory here). Peak RSS
100k → 1M rows: {small['peakRssMiB']} → {big['peakRssMiB']} MiB (streamed in and out; flat = the same within noise).
<!-- batch:end -->"""
path = "docs/benchmarks.md"
text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
if "<!-- batch:begin -->" in text:
    text = re.sub(r"<!-- batch:begin -->.*<!-- batch:end -->", lambda m: section, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
print(f"== written to {path}: mlserve {big['rowsPerSecond']:,} rows/s vs peer {peer['rowsPerSecond']:,} rows/s = {ratio:.2f}x")
PY
