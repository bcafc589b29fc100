#!/usr/bin/env bash
# Quick start: build, start the emulator, deploy the stack, publish the iris model, print a prediction.
# Leaves the emulator running; stack outputs and the local API keys are in localstack/outputs.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source localstack/setup.sh

echo "== build (unit tests skipped; ./localstack/test.sh runs everything)"
./mvnw -B -q package -DskipTests

localstack/emulator.sh start
localstack/deploy.sh

output() { python3 -c "import json,sys;print(json.load(open(sys.argv[2])).get(sys.argv[1],''))" "$1" "$MLSERVE_OUTPUTS"; }
bucket=$(output ModelsBucketName)
registry_table=$(output RegistryTableName)
api_url=$(output ApiUrl); api_url=${api_url%/}
api_key=$(output PredictApiKey)

echo "== publish models/iris (checked against its ONNX graph and samples, registered, promoted to production)"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar functions/cli/target/mlserve.jar \
  publish models/iris --bucket "$bucket" --registry-table "$registry_table"

echo "== predict"
cmd=(curl -sS -X POST "$api_url/models/iris/predict" -H "Content-Type: application/json" -H "x-api-key: $api_key" --data @models/iris/sample-request.json)
shown=("${cmd[@]}"); shown[8]="x-api-key: <PredictApiKey>"  # the printed command never shows the key value
printf '%q ' "${shown[@]}"; echo
"${cmd[@]}" | python3 -m json.tool

echo "== API keys: local-predict (role predict) and local-admin (role admin)"
echo "   values: PredictApiKey and AdminApiKey in $MLSERVE_OUTPUTS (send one as the x-api-key header)"
echo "   more keys: java -jar functions/cli/target/mlserve.jar keys create --role predict|admin --name NAME --keys-table $(output KeysTableName)"
