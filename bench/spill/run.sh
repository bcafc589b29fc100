#!/usr/bin/env bash
# Prediction-log latency per request with the table up, with the circuit breaker open (rows straight to the SQS spill),
# and during an outage before the breaker opens — against the emulator at AWS_ENDPOINT_URL (default: this checkout's
# MiniStack; started here if it is not up). One command: ./bench/spill/run.sh   (~1 minute)
# The benchmark creates its own table and queue and deletes them afterwards. Results: printed (Markdown table).
set -euo pipefail
cd "$(dirname "$0")/../.."
source localstack/setup.sh >/dev/null
set +e +o pipefail
set -u
localstack/emulator.sh start
work=${BENCH_DIR:-/tmp/mlserve-bench-spill}
mkdir -p "$work"
echo "== build the aws module and its test classpath"
./mvnw -o -q -B test-compile -pl functions/aws -am
./mvnw -o -q -B dependency:build-classpath -pl functions/aws -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
cp="functions/aws/target/test-classes:functions/aws/target/classes:functions/core/target/classes:$(cat "$work/cp.txt")"
# predict's JIT on Lambda (JavaFunction LATENCY): C1 only
echo "== prediction log latency per request (emulator at $AWS_ENDPOINT_URL)"
"$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$cp" io.mlserve.aws.bench.SpillLatencyBenchmark 2>/dev/null
