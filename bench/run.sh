#!/usr/bin/env bash
# bench/run.sh — the one command behind every figure in docs/benchmarks.md. Runs, in order:
#   1. warm predict: PredictStreamHandler from API Gateway event bytes to answer bytes under each deployed JVM setup
#      (AWS: full JIT, SnapStart-primed; emulator: C1 only; SerialGC), log write stubbed, p50/p99 over
#      BENCH_N requests after BENCH_WARMUP, for clf4 and reg20, 1 and 100 rows; the Python peer
#      (shared/peers/warm.py's handler) in the same rounds;
#   2. artifact size, and RSS after 10,000 and 100,000 predictions;
#   3. with a private MiniStack on port BENCH_EMULATOR_PORT (4650; its own state; the integrator's emulator on 4566 is never
#      touched): cold start (process start -> first answer through a Runtime API, SDK clients, alias from
#      DynamoDB, model from S3, row logged) for the Java function as Lambda runs it (jar unpacked, C1,
#      no CDS; the same with full JIT; then the jar with an AppCDS archive or a JDK 25 AOT cache, as the
#      emulator bundle's bootstrap makes them), for the authorizer (512 MB) and for the Python peer; and warm
#      predict with the DynamoDB log write. Skipped with BENCH_NO_EMULATOR=1 or without MiniStack;
#   4. for information, p50/p99 of predict calls through the emulator's API Gateway on the stack the quick
#      start deployed (localstack/outputs.json, or MLSERVE_OUTPUTS), when its emulator is up.
# Results: bench/.work/results.jsonl and bench/.work/report.md (ours, peer, ratios, machine, date).
# Knobs: BENCH_N (10000), BENCH_ROUNDS (3), BENCH_WARMUP (20000), BENCH_COLD_RUNS (7), BENCH_DDB_N (1000), BENCH_SKIP_BUILD=1,
#   BENCH_EMULATOR_PORT (4650: the private MiniStack's port).
set -euo pipefail
BENCH="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$BENCH/.." && pwd)"; WORK="$BENCH/.work"
N="${BENCH_N:-10000}"; ROUNDS="${BENCH_ROUNDS:-3}"; WARMUP="${BENCH_WARMUP:-20000}"; COLD_RUNS="${BENCH_COLD_RUNS:-7}"; DDB_N="${BENCH_DDB_N:-1000}"
EMULATOR_PORT="${BENCH_EMULATOR_PORT:-4650}"
mkdir -p "$WORK"; export BENCH_WORK="$WORK"
RESULTS="$WORK/results.jsonl"; : >"$RESULTS"

# A JDK >= 21, as localstack/setup.sh picks it (newest under /usr/lib/jvm), without sourcing it (set -e, emulator env).
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME:-}/bin/javac" ]]; then
  for jdk in /usr/lib/jvm/*; do
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jdk/release" 2>/dev/null || true)
    if [[ -x "$jdk/bin/javac" && "${major:-0}" -ge 21 ]]; then JAVA_HOME="$jdk"; fi
  done
fi
export JAVA_HOME; JAVA="$JAVA_HOME/bin/java"
echo "== JDK $("$JAVA" -version 2>&1 | head -1)"

# The peer's venv: the same onnxruntime as the Java side.
if ! "$BENCH/.venv/bin/python" -c 'import onnxruntime, numpy, boto3' 2>/dev/null; then
  echo "== python venv bench/.venv (onnxruntime==1.23.2 numpy boto3)"
  python3 -m venv "$BENCH/.venv"
  "$BENCH/.venv/bin/pip" install -q --disable-pip-version-check onnxruntime==1.23.2 numpy boto3
fi
PY="$BENCH/.venv/bin/python"

if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  echo "== build predict.jar, authorizer.jar and the local runtime (offline, no install)"
  (cd "$ROOT" && ./mvnw -o -q -B package -DskipTests -pl functions/predict,functions/authorizer,functions/local-runtime -am)
fi
JAR="$ROOT/functions/predict/target/predict.jar"
rm -rf "$WORK/classes"; mkdir -p "$WORK/classes"
"$JAVA_HOME/bin/javac" -nowarn -d "$WORK/classes" -cp "$JAR" $(find "$BENCH/java" -name '*.java')
"$PY" "$BENCH/payloads.py" "$WORK/payloads.json"

# What the deployed function has in its environment (Lambda sets these; the stack sets the POWERTOOLS_ ones).
lambda_env=(AWS_LAMBDA_FUNCTION_NAME=predict 'AWS_LAMBDA_FUNCTION_VERSION=$LATEST' AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1024
  AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 POWERTOOLS_SERVICE_NAME=predict POWERTOOLS_METRICS_NAMESPACE=mlserve
  AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/predict 'AWS_LAMBDA_LOG_STREAM_NAME=2026/11/24/[$LATEST]bench')
# Lambda java21: C1 only (the stack's JAVA_TOOL_OPTIONS), SerialGC, default CDS; heap as bootstrap sizes it for 1 GB.
C1=(-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xmx716m --enable-native-access=ALL-UNNAMED)
FULL=(-XX:+UseSerialGC -Xshare:auto -Xmx716m --enable-native-access=ALL-UNNAMED)

# Rounds alternate the sides, so a noisy neighbour on a shared machine hits all; the report takes the median.
# Two JVM setups, each as deployed: on AWS predict runs full JIT (SnapStart's priming compiles the hot path before
# the snapshot: 60,000 warm-up calls stand in for it), on the emulator C1 only (no snapshot: a quick start matters).
for round in $(seq 1 "$ROUNDS"); do
  echo "== 1. warm predict, round $round/$ROUNDS: Java C1 (as the emulator deploys it), $N requests per case after $WARMUP"
  env "${lambda_env[@]}" "$JAVA" "${C1[@]}" -cp "$WORK/classes:$JAR" io.mlserve.function.predict.WarmBench warm \
    "$BENCH/models" "$WORK/payloads.json" "$WORK/warm-c1.jsonl" "$N" "$WARMUP" >"$WORK/warm-c1.stdout" 2>"$WORK/warm-c1.stderr"
  sed 's/"mode": "warm"/"mode": "warm-c1"/' "$WORK/warm-c1.jsonl" >>"$RESULTS"
  echo "== 1. warm predict, round $round/$ROUNDS: Python peer"
  "$PY" "$BENCH/peer_warm.py" "$BENCH/models" "$WORK/payloads.json" "$RESULTS" "$N"
  echo "== 1. warm predict, round $round/$ROUNDS: Java full JIT (as AWS deploys it, SnapStart-primed), after $((WARMUP * 3))"
  env "${lambda_env[@]}" "$JAVA" "${FULL[@]}" -cp "$WORK/classes:$JAR" io.mlserve.function.predict.WarmBench warm \
    "$BENCH/models" "$WORK/payloads.json" "$WORK/warm-full.jsonl" "$N" "$((WARMUP * 3))" >"$WORK/warm-full.stdout" 2>"$WORK/warm-full.stderr"
  sed 's/"mode": "warm"/"mode": "warm-fulljit"/' "$WORK/warm-full.jsonl" >>"$RESULTS"
done
# the function's own output is part of the work: check it is there (one EMF line per request)
emf=$(grep -c '"_aws"' "$WORK/warm-c1.stdout" || true)
echo "{\"case\": \"emf-lines\", \"side\": \"mlserve\", \"lines\": $emf}" >>"$RESULTS"

echo "== 2. sizes and RSS"
for jar in predict registry authorizer; do
  f="$ROOT/functions/$jar/target/$jar.jar"
  if [[ -f "$f" ]]; then
    echo "{\"case\": \"size\", \"artifact\": \"$jar.jar\", \"zippedBytes\": $(stat -c %s "$f"), \"unzippedBytes\": $(unzip -l "$f" | tail -1 | awk '{print $1}')}" >>"$RESULTS"
  fi
done
# the SDK classes predict's shade filters drop must stay unnamed by what remains (exit 1 otherwise)
python3 "$BENCH/jar_refs.py" "$JAR" software/amazon/awssdk/services/dynamodb/ software/amazon/awssdk/services/sqs/ org/joda/
env "${lambda_env[@]}" "$JAVA" "${C1[@]}" -cp "$WORK/classes:$JAR" io.mlserve.function.predict.WarmBench rss \
  "$BENCH/models" "$WORK/payloads.json" "$WORK/rss.jsonl" >"$WORK/rss.stdout" 2>"$WORK/rss.stderr"
cat "$WORK/rss.jsonl" >>"$RESULTS"

ministack_py="$ROOT/localstack/.venv/bin/python3"
if [[ "${BENCH_NO_EMULATOR:-}" != 1 ]] && "$ministack_py" -c 'import ministack' 2>/dev/null; then
  echo "== 3. private MiniStack on port $EMULATOR_PORT"
  export AWS_ENDPOINT_URL=http://localhost:$EMULATOR_PORT AWS_ENDPOINT_URL_S3=http://localhost:$EMULATOR_PORT AWS_ACCESS_KEY_ID=test \
    AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  if curl -sf -m 2 "$AWS_ENDPOINT_URL/_localstack/health" >/dev/null 2>&1; then
    echo "bench: something already answers on port $EMULATOR_PORT; stop it first" >&2; exit 1
  fi
  mkdir -p "$WORK/ministack"; rm -f "$WORK/ministack/pid"
  # its own session and process group (the pid written is the group's), stopped with it on exit
  (cd "$WORK/ministack" && GATEWAY_PORT="$EMULATOR_PORT" MLSERVE_STATE_DIR="$WORK/ministack" setsid sh -c \
    'echo $$ >pid; exec "$0" -m ministack' "$ministack_py" >"$WORK/ministack/ministack.log" 2>&1 </dev/null &)
  stop_ministack() { [[ -f "$WORK/ministack/pid" ]] && kill -- "-$(cat "$WORK/ministack/pid")" 2>/dev/null || true; }
  trap stop_ministack EXIT
  for _ in $(seq 1 60); do curl -sf -m 2 "$AWS_ENDPOINT_URL/_localstack/health" >/dev/null 2>&1 && break; sleep 1; done
  "$PY" "$BENCH/cold.py" seed

  # as deployed, with a spill queue configured (its client is built at INIT; the healthy path never calls it)
  fn_env=(MODELS_BUCKET=bench-models REGISTRY_TABLE=bench-registry PREDICTIONS_TABLE=bench-predictions
    MODEL_ALIAS_TTL_SECONDS=5 "PREDICTION_SPILL_QUEUE_URL=$AWS_ENDPOINT_URL/000000000000/bench-spill" "${lambda_env[@]}")
  # Lambda unpacks the function's zip into /var/task and runs the runtime client with /var/task on the class path.
  task="$WORK/task"; rm -rf "$task"; mkdir -p "$task"; (cd "$task" && unzip -q "$JAR")
  ric="$ROOT/functions/local-runtime/target/runtime"
  ric_cp="$task:$ric/lib/*"
  jni="-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=$ric/jni/libaws-lambda-jni.linux-x86_64.so"
  # the deployed entry point: reads the API Gateway event itself (the runtime's event serializer never loads)
  handler=io.mlserve.function.predict.PredictStreamHandler::handleRequest
  jvm=("${C1[@]}")
  run_java() { # $1: name, $2: class path, $3: task root, rest: extra JVM options; JVM flags from $jvm
    local name=$1 cp=$2 root=$3; shift 3
    "$PY" "$BENCH/cold.py" run "$name" "$COLD_RUNS" "${fn_env[@]}" LAMBDA_TASK_ROOT="$root" _HANDLER="$handler" -- \
      "$JAVA" "${jvm[@]}" "$@" "$jni" -cp "$cp" com.amazonaws.services.lambda.runtime.api.client.AWSLambda "$handler" >>"$RESULTS"
  }
  train_java() { # $1: name, $2: class path, rest: extra JVM options; one start that writes an archive at exit
    local name=$1 cp=$2; shift 2
    BENCH_EXIT_AFTER_ANSWER=1 "$PY" "$BENCH/cold.py" run "$name" 1 "${fn_env[@]}" LAMBDA_TASK_ROOT="$task" _HANDLER="$handler" -- \
      "$JAVA" "${jvm[@]}" "$@" "$jni" -cp "$cp" com.amazonaws.services.lambda.runtime.api.client.AWSLambda "$handler" >/dev/null || true
  }
  echo "== 3. cold start: Java as on AWS (jar unpacked into the task root, natives used in place, C1, no app CDS)"
  run_java java-aws-layout "$task:$ric/lib/*" "$task"
  echo "== 3. cold start: the same with full JIT (C1 then C2; information: SnapStart may move predict to it)"
  jvm=("${FULL[@]}"); run_java java-aws-layout-fulljit "$task:$ric/lib/*" "$task"; jvm=("${C1[@]}")
  # The emulator bundle's layout: the jar on the class path (a CDS archive needs jars, not directories)
  jar_cp="$ric/lib/*:$JAR"; no_natives="$WORK/empty-task"; mkdir -p "$no_natives"
  echo "== 3. cold start: Java jar, no archive (ORT copies its natives to /tmp at each start)"
  run_java java-jar "$jar_cp" "$no_natives"
  echo "== 3. cold start: Java jar + AppCDS archive (as bootstrap makes one on JDK 21-24) + natives pre-extracted"
  rm -f "$WORK/app.jsa"
  train_java cds-training "$jar_cp" -XX:ArchiveClassesAtExit="$WORK/app.jsa"
  if [[ -s "$WORK/app.jsa" ]]; then
    run_java java-jar-appcds "$jar_cp" "$task" -XX:SharedArchiveFile="$WORK/app.jsa"
  else
    echo "bench: no AppCDS archive was written (see $WORK/cold-cds-training.err)" >&2
  fi
  if [[ "$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release")" -ge 25 ]]; then
    echo "== 3. cold start: Java jar + JDK AOT cache (as bootstrap makes one on JDK >= 25: one training start) + natives pre-extracted"
    # -XX:AOTCacheOutput refuses any -Xshare option
    jvm=(); for o in "${C1[@]}"; do [[ "$o" == -Xshare:* ]] || jvm+=("$o"); done
    rm -f "$WORK/app.aot"
    train_java aot-training "$jar_cp" -XX:AOTCacheOutput="$WORK/app.aot"
    if [[ -s "$WORK/app.aot" ]]; then
      run_java java-jar-aotcache "$jar_cp" "$task" -XX:AOTCache="$WORK/app.aot"
    else
      echo "bench: no AOT cache was written (see $WORK/cold-aot-training.err)" >&2
    fi
    jvm=("${C1[@]}")
  fi
  echo "== 3. cold start: the authorizer as on AWS (jar unpacked, C1; a REQUEST event with a key from the keys table)"
  auth_task="$WORK/authorizer-task"; rm -rf "$auth_task"; mkdir -p "$auth_task"
  (cd "$auth_task" && unzip -q "$ROOT/functions/authorizer/target/authorizer.jar")
  auth_handler=io.mlserve.function.authorizer.AuthorizerStreamHandler::handleRequest
  BENCH_EVENT=authorizer "$PY" "$BENCH/cold.py" run authorizer-aws-layout "$COLD_RUNS" KEYS_TABLE=bench-keys "${lambda_env[@]/predict/authorizer}" \
    LAMBDA_TASK_ROOT="$auth_task" _HANDLER="$auth_handler" -- "$JAVA" "${C1[@]/-Xmx716m/-Xmx358m}" "$jni" -cp "$auth_task:$ric/lib/*" \
    com.amazonaws.services.lambda.runtime.api.client.AWSLambda "$auth_handler" >>"$RESULTS"
  echo "== 3. cold start: Python peer"
  "$PY" "$BENCH/cold.py" run python "$COLD_RUNS" "${fn_env[@]}" -- "$PY" "$BENCH/peer_cold.py" >>"$RESULTS"

  echo "== 3. warm predict with the DynamoDB log write ($DDB_N requests per case)"
  env "${lambda_env[@]}" BENCH_PREDICTIONS_TABLE=bench-predictions "$JAVA" "${C1[@]}" -cp "$WORK/classes:$JAR" \
    io.mlserve.function.predict.WarmBench ddb "$BENCH/models" "$WORK/payloads.json" "$WORK/warm-ddb.jsonl" "$DDB_N" 500 \
    >"$WORK/warm-ddb.stdout" 2>"$WORK/warm-ddb.stderr"
  cat "$WORK/warm-ddb.jsonl" >>"$RESULTS"
  "$PY" "$BENCH/peer_warm.py" "$BENCH/models" "$WORK/payloads.json" "$RESULTS" "$DDB_N" --ddb bench-predictions
fi

# 4. For information: predict calls through the emulator's API Gateway, on the stack a quick start deployed (only
# read from: ~300 predictions land in its log). Skipped unless its outputs file is there and its emulator answers.
outputs="${MLSERVE_OUTPUTS:-$ROOT/localstack/outputs.json}"
if [[ "${BENCH_NO_EMULATOR:-}" != 1 && -f "$outputs" ]] && curl -sf -m 2 "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Endpoint"])' "$outputs")/_localstack/health" >/dev/null 2>&1; then
  echo "== 4. predict through the emulator's API Gateway (the quick start's stack)"
  "$PY" "$BENCH/apigw.py" "$outputs" "$RESULTS" "${BENCH_APIGW_N:-300}" || echo "bench: API Gateway step failed (see above)" >&2
fi

"$PY" "$BENCH/report.py" "$RESULTS" "$JAVA" >"$WORK/report.md"
cat "$WORK/report.md"
