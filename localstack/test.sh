#!/usr/bin/env bash
# The whole test suite: unit, CDK assertion and end-to-end tests against the stack on the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
source localstack/setup.sh
started=$(date +%s)

echo "== unit and CDK tests, and the deployable artifacts"
./mvnw -B install
# the shade filters drop SDK and joda-time classes predict and the authorizer never load: safe only while no
# class left in the jar names one (an SDK upgrade could change that)
python3 bench/jar_refs.py functions/predict/target/predict.jar software/amazon/awssdk/services/dynamodb/ \
  software/amazon/awssdk/services/sqs/ org/joda/
python3 bench/jar_refs.py functions/authorizer/target/authorizer.jar software/amazon/awssdk/services/dynamodb/ org/joda/

localstack/emulator.sh start
localstack/deploy.sh

echo "== end-to-end tests against the deployed stack"
e2e_started=$(date +%s)
# the aws adapters' *IT (registry transactions, log queries on the emulator's DynamoDB), then the *E2ET
./mvnw -B -pl functions/aws,localstack verify -Pe2e
echo "e2e: $(( $(date +%s) - e2e_started )) s; whole suite: $(( $(date +%s) - started )) s"
