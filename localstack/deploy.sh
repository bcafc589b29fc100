#!/usr/bin/env bash
# Deploys the CDK app to the emulator (runtime provided.al2023 + bootstrap, see DeployTarget.LOCAL)
# and writes the stack outputs, with the API key's value, to $MLSERVE_OUTPUTS (localstack/outputs.json).
# Needs the jars first: ./mvnw -B package -DskipTests at the repository root.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
state="$MLSERVE_STATE_DIR"
mkdir -p "$state"
account=000000000000 # the emulators' default account

started=$(date +%s)
echo "== cdklocal bootstrap"
# From outside infra/ and with an explicit environment: inside it the CLI would first synthesize
# the app (a Maven run) just to learn the account and region. Re-running it is a no-op.
(cd "$state" && cdklocal bootstrap "aws://$account/$AWS_REGION") >"$state/bootstrap.log" 2>&1 \
  || { tail -30 "$state/bootstrap.log" >&2; exit 1; }
echo "   bootstrapped in $(( $(date +%s) - started )) s"

cd "$MLSERVE_ROOT/infra"

started=$(date +%s)
echo "== cdklocal deploy MlServe (target=local)"
# The cloud assembly and the emulator bundles go to the state dir, so two emulators (or a
# concurrent `cdk synth` in infra/) never write the same files. Removal policy destroy: deleting
# the stack on the emulator should leave nothing behind; on AWS the default (retain) holds.
cdklocal deploy MlServe -c target=local -c removalPolicy=destroy -c "bundleDir=$state/bundles" \
  --output "$state/cdk.out" --require-approval never --progress events \
  --outputs-file "$state/cdk-outputs.json" >"$state/deploy.log" 2>&1 || { tail -40 "$state/deploy.log" >&2; exit 1; }
echo "   deployed in $(( $(date +%s) - started )) s"

python3 - "$state/cdk-outputs.json" "$MLSERVE_OUTPUTS" <<'PY'
import json, os, sys
import boto3

outputs = json.load(open(sys.argv[1]))["MlServe"]
endpoint = os.environ["AWS_ENDPOINT_URL"].rstrip("/")
# CloudFormation's ApiUrl names AWS's host; on the emulator the same stage answers here
# (MiniStack and LocalStack both serve this form).
outputs["ApiUrl"] = f"{endpoint}/restapis/{outputs['RestApiId']}/prod/_user_request_/"
apigw = boto3.client("apigateway", endpoint_url=endpoint)
outputs["ApiKey"] = apigw.get_api_key(apiKey=outputs["ApiKeyId"], includeValue=True)["value"]
outputs["Endpoint"] = endpoint
tmp = sys.argv[2] + ".tmp"
json.dump(outputs, open(tmp, "w"), indent=2, sort_keys=True)
os.replace(tmp, sys.argv[2])  # readers never see a half-written file
print(f"== outputs written to {sys.argv[2]} (ApiUrl {outputs['ApiUrl']})")
PY
