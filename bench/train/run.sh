#!/usr/bin/env bash
# Training benchmark, one command: ./bench/train/run.sh
# 100,000 rows x 20 numeric features (bench/train/generate.py, seeded), a binary classification and a
# regression, the last 20 % of the rows held out on both sides:
#  1. mlserve's trainer (io.mlserve.tribuo.TribuoModelTrainer via the core's TrainingSpecs/TrainingTable/Metrics),
#     one JVM per candidate as one candidate step of a training job runs it: load, train (fit + ONNX export),
#     held-out metrics, peak RSS of the JVM (/usr/bin/time -v); then both candidates of a task at once
#     (the job's Map step runs candidates in parallel) for the wall time of the candidate phase;
#  2. the peer: scikit-learn LogisticRegression/RandomForestClassifier and LinearRegression/RandomForestRegressor
#     (bench/train/peer.py, forests configured like ours, n_jobs=1), fit time and held-out metrics.
# Results: printed, and written between the train markers of docs/benchmarks.md.
#   BENCH_DIR=/tmp/...   data and logs (default /tmp/mlserve-train-bench)
#   ROWS=100000          rows per task
#   PARALLEL=0           skip the parallel run
#   CANDIDATE_TIMEOUT=900  wall seconds a candidate JVM may run (Lambda's limit); past it the row says so
#   JAVA_FLAGS="..."     JVM flags (default: what a 3 GB Lambda gives, -XX:MaxRAM=3g)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
work=${BENCH_DIR:-/tmp/mlserve-train-bench}
rows=${ROWS:-100000}
parallel=${PARALLEL:-1}
limit=${CANDIDATE_TIMEOUT:-900}
read -r -a flags <<<"${JAVA_FLAGS:--XX:MaxRAM=3g --enable-native-access=ALL-UNNAMED}"
mkdir -p "$work"

venv="$root/bench/train/.venv"
if [[ ! -x "$venv/bin/python" ]]; then "$(command -v python3.11 || command -v python3)" -m venv "$venv"; fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/train/requirements.txt

if [[ ! -s "$work/regression/data.csv" || "$(cat "$work/rows" 2>/dev/null)" != "$rows" ]]; then
  echo "== generating $rows rows per task"
  "$venv/bin/python" bench/train/generate.py "$work" "$rows"
  echo "$rows" >"$work/rows"
fi

echo "== build the tribuo module (and core) and its runtime classpath"
./mvnw -o -q -B compile dependency:build-classpath -pl functions/tribuo -am \
  -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="functions/tribuo/target/classes:functions/core/target/classes:$(cat "$work/cp.txt")"
rm -rf "$work/classes"
"$JAVA_HOME/bin/javac" -nowarn -d "$work/classes" -cp "$cp" $(find bench/train/java -name '*.java')
cp="$work/classes:$cp"

# The forests get explicit parameters so the peer can be configured the same way.
forest='{"trees": 50, "maxDepth": 10, "minChildWeight": 5, "fractionFeaturesInSplit": 0.5}'
spec() { # task target linear-algorithm metric
  python3 - "$@" "$forest" <<'PY'
import json, sys
task, target, linear, metric, forest = sys.argv[1:6]
print(json.dumps({"data": "s3://bench-data/training/bench/", "target": target,
                  "features": [{"name": f"f{i:02d}", "type": "float"} for i in range(20)], "task": task,
                  "candidates": [{"algorithm": linear}, {"algorithm": "random-forest", "params": json.loads(forest)}],
                  "metric": metric, "split": {"testFraction": 0.2, "seed": 7}, "promotion": {"policy": "never"}, "schedule": None}))
PY
}
spec classification label logistic-regression accuracy >"$work/classification/spec.json"
spec regression y linear-regression rmse >"$work/regression/spec.json"

candidate() { # task index -> JSON line with peakRssMiB added (or a timedOut line past the limit)
  local log="$work/$1/candidate-$2" status=0
  /usr/bin/time -v timeout "$limit" "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$cp" io.mlserve.bench.train.TrainBenchmark \
    "$work/$1/spec.json" "$work/$1/data.csv" "$2" >"$log.json" 2>"$log.err" || status=$?
  if [[ $status -ne 0 && $status -ne 124 ]]; then tail -20 "$log.err" >&2; return 1; fi
  python3 - "$log.json" "$log.err" "$status" "$work/$1/spec.json" "$1" "$2" "$limit" <<'PY'
import json, re, sys
out, err, status, spec, task, index, limit = sys.argv[1:8]
text = open(err).read()
field = lambda name: float(re.search(name + r": ([0-9.]+)", text).group(1))
rss = int(field("Maximum resident set size \\(kbytes\\)") / 1024)
if status == "124":  # stopped by timeout: the candidate did not finish within the limit
    algorithm = json.load(open(spec))["candidates"][int(index)]["algorithm"]
    print(json.dumps({"task": task, "algorithm": algorithm, "timedOut": True, "limitSeconds": int(limit),
                      "cpuSeconds": round(field("User time \\(seconds\\)") + field("System time \\(seconds\\)"), 1), "peakRssMiB": rss}))
else:
    r = json.loads(open(out).read().strip().splitlines()[-1])
    r["peakRssMiB"] = rss
    print(json.dumps(r))
PY
}

results="$work/results.jsonl"
echo "{\"loadavgBefore\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >"$results"
for task in classification regression; do
  for i in 0 1; do
    echo "== mlserve $task candidate $i"
    candidate "$task" "$i" | tee -a "$results"
  done
  if [[ "$parallel" == 1 ]]; then
    echo "== mlserve $task, both candidates at once"
    started=$(date +%s.%N)
    candidate "$task" 0 >"$work/$task/parallel-0.json" &
    first=$!
    candidate "$task" 1 >"$work/$task/parallel-1.json"
    wait "$first"
    seconds=$(python3 -c "print(round($(date +%s.%N) - $started, 1))")
    echo "{\"task\": \"$task\", \"parallelWallSeconds\": $seconds}" | tee -a "$results"
  fi
  echo "== peer: scikit-learn $task"
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$venv/bin/python" bench/train/peer.py "$work" "$task" 0.2 "$forest" | sed "s/^{/{\"peer\": true, \"task\": \"$task\", /" | tee -a "$results"
done

echo "{\"loadavgAfter\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$results"

python3 - "$results" "$rows" "$forest" <<'PY'
import datetime, json, os, re, subprocess, sys
results = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
rows, forest = int(sys.argv[2]), json.loads(sys.argv[3])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")  # "?" when hidden
mem = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
java = subprocess.run([os.environ["JAVA_HOME"] + "/bin/java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
ours = [r for r in results if "algorithm" in r]
peers = [r for r in results if r.get("peer")]
wall = {r["task"]: r["parallelWallSeconds"] for r in results if "parallelWallSeconds" in r}
load = (next(r["loadavgBefore"] for r in results if "loadavgBefore" in r), next(r["loadavgAfter"] for r in results if "loadavgAfter" in r))
main_metric = {"classification": "accuracy", "regression": "rmse"}
lines = []
for task in ("classification", "regression"):
    mine = [r for r in ours if r["task"] == task]
    theirs = [r for r in peers if r["task"] == task]
    for r, p in zip(mine, theirs):
        m = main_metric[task]
        if r.get("timedOut"):
            lines.append(f"| {task} | `{r['algorithm']}` | **stopped after {r['limitSeconds']} s wall** ({r['cpuSeconds']} s CPU), not finished | | | "
                         f"{r['peakRssMiB']} MiB | | `{p['model']}` {p['fitSeconds']:.2f} s ({p['fitCpuSeconds']:.2f} s), {m} **{p['metrics'][m]:.4f}** | "
                         f"> {r['cpuSeconds'] / max(p['fitCpuSeconds'], 1e-3):.0f}× | |")
            continue
        fit, peer_fit = r["fitMs"] / 1000, p["fitSeconds"]
        cpu_s, peer_cpu_s = r["trainCpuMs"] / 1000, p["fitCpuSeconds"]
        others = ", ".join(f"{k} {v:.4f}" for k, v in r["metrics"].items() if k != m)
        peer_others = ", ".join(f"{k} {v:.4f}" for k, v in p["metrics"].items() if k != m)
        lines.append(f"| {task} | `{r['algorithm']}` | {fit:.1f} s | {r['trainMs'] / 1000:.1f} s ({cpu_s:.1f} s) | {r['loadMs'] / 1000:.1f} s "
                     f"| {r['peakRssMiB']} MiB | {m} **{r['metrics'][m]:.4f}** ({others}) "
                     f"| `{p['model']}` {peer_fit:.2f} s ({peer_cpu_s:.2f} s), {m} **{p['metrics'][m]:.4f}** ({peer_others}) "
                     f"| {cpu_s / max(peer_cpu_s, 1e-3):.1f}× | {r['metrics'][m] - p['metrics'][m]:+.4f} |")
    if task in wall:
        lines.append(f"| {task} | both candidates at once (two JVMs on this machine's cores) | | {wall[task]} s wall | | | | | | |")
sample = next(r for r in ours if not r.get("timedOut"))
section = f"""<!-- train:begin -->
## Training (issue 8) — {datetime.date.today()}, {cpu}, {os.cpu_count()} vCPU, {mem} GiB, {java}

Command: `./bench/train/run.sh`. Data: `bench/train/generate.py`, {rows:,} rows × 20 float features per task (seeded;
binary label about balanced; a regression target), the last 20 % of the rows held out ({sample['trainRows']:,} train /
{sample['testRows']:,} test) on both sides. Ours: `TribuoModelTrainer` (Tribuo 4.3.2) through the core's `TrainingSpecs`,
`TrainingTable` and `Metrics`, one JVM per candidate (as one candidate step of a job), JVM flags
`{os.environ.get('JAVA_FLAGS', '-XX:MaxRAM=3g --enable-native-access=ALL-UNNAMED')}`; linear models with their default
parameters, forests with `{json.dumps(forest)}`. Peer: scikit-learn {peers[0]['sklearn']} (`bench/train/peer.py`),
`LogisticRegression()` (lbfgs) / `LinearRegression()`, forests with the same trees, depth, `min_samples_leaf` and
`max_features`, `n_jobs=1` and one BLAS thread (a Tribuo fit uses one core).

| task | candidate | fit (wall) | train: fit + ONNX export + held-out outputs, wall (CPU) | CSV load | peak RSS (JVM) | held-out metrics | peer: fit wall (CPU), metrics | CPU time ours (train) / peer (fit) | metric ours − peer |
|---|---|---|---|---|---|---|---|---|---|
""" + "\n".join(lines) + f"""

Lambda gives a candidate step at most 3 GB and 15 minutes; a row marked stopped did not finish within `CANDIDATE_TIMEOUT`
(default 900 s, Lambda's limit). Parallel rows (when run) are the job's candidate phase on this machine; on Lambda each
candidate gets its own invocation.
Load average before / after the run: {load[0]} / {load[1]}. Wall times include whatever else the machine ran; the ratio uses
CPU time (ours: the whole JVM during `Trainer.train`, GC and JIT threads included, so it flatters the peer).
<!-- train:end -->"""
path = "docs/benchmarks.md"
text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
if "<!-- train:begin -->" in text:
    text = re.sub(r"<!-- train:begin -->.*<!-- train:end -->", lambda m: section, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
print(section)
print(f"== written to {path}")
PY
