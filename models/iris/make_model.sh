#!/usr/bin/env bash
# Rebuilds models/iris/{model.onnx,manifest.json,sample-request.json,expected-response.json}
# from models/iris/iris.csv with io.mlserve.tribuo.BuildIrisModel (Tribuo LogisticRegressionTrainer,
# seed 12345, 70/30 stratified held-out split for the metrics, served model retrained on all rows).
# Same data + seed -> same probabilities; model.onnx bytes differ per run (Tribuo provenance holds
# time stamps), and manifest.json records their sha256.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
./mvnw -B -q -pl functions/tribuo -am install -DskipTests
./mvnw -B -q -pl functions/tribuo exec:java \
  -Dexec.mainClass=io.mlserve.tribuo.BuildIrisModel \
  -Dexec.args="models/iris/iris.csv models/iris"
