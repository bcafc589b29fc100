#!/usr/bin/env bash
# Deploys the CDK app to the emulator (runtime provided.al2023 + bootstrap, see DeployTarget.LOCAL),
# makes sure the API keys local-predict (role predict) and local-admin (role admin) exist, and writes
# the stack outputs plus those keys' values (PredictApiKey, AdminApiKey) to $MLSERVE_OUTPUTS
# (localstack/outputs.json). Keys still active are reused across redeploys.
# Needs the jars first (the CLI makes the keys): ./mvnw -B package -DskipTests at the repository root.
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
import hashlib, json, os, subprocess, sys
import boto3
from botocore.exceptions import ClientError

outputs = json.load(open(sys.argv[1]))["MlServe"]
try:
    previous = json.load(open(sys.argv[2]))  # the last deploy's key values, if any
except (OSError, ValueError):
    previous = {}
endpoint = os.environ["AWS_ENDPOINT_URL"].rstrip("/")
# CloudFormation's ApiUrl names AWS's host; on the emulator the same stage answers here
# (MiniStack and LocalStack both serve this form).
outputs["ApiUrl"] = f"{endpoint}/restapis/{outputs['RestApiId']}/prod/_user_request_/"
outputs["Endpoint"] = endpoint
apigw = boto3.client("apigateway", endpoint_url=endpoint)
dynamodb = boto3.client("dynamodb", endpoint_url=endpoint)
table = outputs["KeysTableName"]
cli = [os.path.join(os.environ["JAVA_HOME"], "bin", "java"), "--enable-native-access=ALL-UNNAMED", "-jar",
       os.path.join(os.environ["MLSERVE_ROOT"], "functions", "cli", "target", "mlserve.jar"), "keys"]

def keys(*args):
    run = subprocess.run(cli + list(args), capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"deploy: mlserve keys {args[0]} failed ({run.returncode}): {run.stderr.strip()}")
    return run.stdout

def reusable(value, name, role, plan):
    """The key of that value is still active under that name and role, and its gateway key is
    enabled and in this deployment's usage plan (a redeploy may have replaced the plan)."""
    if not value:
        return False
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()
    item = dynamodb.get_item(TableName=table, Key={"keyHash": {"S": digest}}, ConsistentRead=True).get("Item")
    if not item or item["name"]["S"] != name or item["role"]["S"] != role or item["status"]["S"] != "active":
        return False
    key_id = item.get("apiKeyId", {}).get("S")
    try:
        if not apigw.get_api_key(apiKey=key_id)["enabled"]:
            return False
        try:
            apigw.get_usage_plan_key(usagePlanId=plan, keyId=key_id)
        except ClientError as e:
            if e.response["Error"]["Code"] != "NotFoundException":
                raise
            apigw.create_usage_plan_key(usagePlanId=plan, keyId=key_id, keyType="API_KEY")
    except ClientError:
        return False
    return True

def ensure(name, role, output, plan_output):
    value = previous.get(output)
    if reusable(value, name, role, outputs[plan_output]):
        print(f"== key {name} ({role}): still active, reused")
        return value
    # Only the hash is stored: an active key of that name whose value is lost is replaced.
    if any(k["name"] == name and k["status"] == "active" for k in json.loads(keys("list", "--keys-table", table, "--json"))):
        keys("revoke", "--name", name, "--keys-table", table)
        print(f"== key {name}: value unknown here, revoked")
    created = json.loads(keys("create", "--role", role, "--name", name, "--keys-table", table,
                              "--rest-api-id", outputs["RestApiId"]))
    print(f"== key {name} ({role}): created")
    return created["apiKey"]

outputs["PredictApiKey"] = ensure("local-predict", "predict", "PredictApiKey", "PredictUsagePlanId")
outputs["AdminApiKey"] = ensure("local-admin", "admin", "AdminApiKey", "AdminUsagePlanId")
tmp = sys.argv[2] + ".tmp"
with open(tmp, "w") as f:
    json.dump(outputs, f, indent=2, sort_keys=True)
os.chmod(tmp, 0o600)  # holds key values
os.replace(tmp, sys.argv[2])  # readers never see a half-written file
print(f"== outputs written to {sys.argv[2]} (ApiUrl {outputs['ApiUrl']}; keys PredictApiKey, AdminApiKey)")
PY
