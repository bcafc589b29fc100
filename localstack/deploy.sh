#!/usr/bin/env bash
# Deploys the CDK app to the emulator (runtime provided.al2023 + bootstrap, see DeployTarget.LOCAL)
# and writes the stack outputs, with the API key's value, to localstack/outputs.json.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
state="$MLSERVE_ROOT/localstack/.state"
mkdir -p "$state"
if ! python3 -c "import boto3" 2>/dev/null; then python3 -m pip install -q boto3; fi

cd "$MLSERVE_ROOT/infra"
started=$(date +%s)
echo "== cdklocal bootstrap"
cdklocal bootstrap --quiet >"$state/bootstrap.log" 2>&1 || { tail -30 "$state/bootstrap.log" >&2; exit 1; }
echo "== cdklocal deploy MlServe (target=local)"
cdklocal deploy MlServe -c target=local --require-approval never --progress events \
  --outputs-file "$state/cdk-outputs.json" >"$state/deploy.log" 2>&1 || { tail -40 "$state/deploy.log" >&2; exit 1; }
echo "   deployed in $(( $(date +%s) - started )) s"

python3 - "$state/cdk-outputs.json" "$MLSERVE_ROOT/localstack/outputs.json" <<'PY'
import json, os, sys
import boto3

outputs = json.load(open(sys.argv[1]))["MlServe"]
endpoint = os.environ["AWS_ENDPOINT_URL"].rstrip("/")
# CloudFormation's ApiUrl names AWS's host; on the emulator the same stage answers here.
outputs["ApiUrl"] = f"{endpoint}/restapis/{outputs['RestApiId']}/prod/_user_request_/"
apigw = boto3.client("apigateway", endpoint_url=endpoint)
outputs["ApiKey"] = apigw.get_api_key(apiKey=outputs["ApiKeyId"], includeValue=True)["value"]
outputs["Endpoint"] = endpoint
json.dump(outputs, open(sys.argv[2], "w"), indent=2, sort_keys=True)
print(f"== outputs written to localstack/outputs.json (ApiUrl {outputs['ApiUrl']})")
PY
