#!/usr/bin/env bash
# Quick start: build, start the emulator, deploy the stack, publish the iris model, give it a drift baseline from its
# reference data, print a prediction, and train the two trainable examples (models/housing-price, models/telco-churn)
# from their data and specs.
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

echo "== iris drift baseline: models/iris/iris.csv to s3://<data bucket>/reference/iris/, PUT through the API (admin key)"
data_bucket=$(output DataBucketName)
admin_key=$(output AdminApiKey)
iris_version=$(python3 -c 'import json; print(json.load(open("models/iris/manifest.json"))["version"])')
python3 - "$data_bucket" <<'PY'
import boto3, sys
boto3.client("s3").upload_file("models/iris/iris.csv", sys.argv[1], "reference/iris/iris.csv")  # AWS_ENDPOINT_URL: the emulator
PY
curl -sS -f -X PUT "$api_url/models/iris/versions/$iris_version/baseline" -H "Content-Type: application/json" -H "x-api-key: $admin_key" \
  --data "{\"data\": \"s3://$data_bucket/reference/iris/iris.csv\"}" \
  | python3 -c 'import json,sys; b=json.load(sys.stdin); print("   baseline of iris version", b.get("version"), "from", b.get("rows"), "rows:", ", ".join(f["name"] for f in b.get("features", [])))'

echo "== predict"
cmd=(curl -sS -X POST "$api_url/models/iris/predict" -H "Content-Type: application/json" -H "x-api-key: $api_key" --data @models/iris/sample-request.json)
shown=("${cmd[@]}"); shown[8]="x-api-key: <PredictApiKey>"  # the printed command never shows the key value
printf '%q ' "${shown[@]}"; echo
"${cmd[@]}" | python3 -m json.tool

echo "== training examples: data to s3://<data bucket>/training/<model>/, specs set through the API, one job each"
python3 - "$data_bucket" <<'PY'
import boto3, pathlib, sys
s3 = boto3.client("s3")  # AWS_ENDPOINT_URL (setup.sh) points it at the emulator
for model in ("housing-price", "telco-churn"):
    for csv in sorted(pathlib.Path("models", model, "data").glob("*.csv")):
        s3.upload_file(str(csv), sys.argv[1], f"training/{model}/{csv.name}")
PY
train_jobs=()
for model in housing-price telco-churn; do
  sed "s/{dataBucket}/$data_bucket/" "models/$model/training.json" \
    | curl -sS -f -o /dev/null -X PUT "$api_url/models/$model/training" -H "Content-Type: application/json" -H "x-api-key: $admin_key" --data @-
  train_jobs+=("$(curl -sS -f -X POST "$api_url/models/$model/train" -H "x-api-key: $admin_key" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["jobId"])')")
done
echo "   jobs ${train_jobs[*]}: waiting for them (each trains its spec's candidates side by side, then registers the best)"
for job in "${train_jobs[@]}"; do
  for _ in $(seq 1 120); do
    status=$(curl -sS -f "$api_url/jobs/$job" -H "x-api-key: $admin_key" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["status"], j.get("model"), "version", j.get("version"), "promoted", j.get("promoted"), j.get("failureReason") or "")')
    case "$status" in SUCCEEDED*|FAILED*) break ;; esac
    sleep 5
  done
  echo "   $job: $status"
done

echo "== API keys: local-predict (role predict) and local-admin (role admin)"
echo "   values: PredictApiKey and AdminApiKey in $MLSERVE_OUTPUTS (send one as the x-api-key header)"
echo "   more keys: java -jar functions/cli/target/mlserve.jar keys create --role predict|admin --name NAME --keys-table $(output KeysTableName)"
