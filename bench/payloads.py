"""Writes what both sides of the benchmark send (bench/.work/payloads.json): the request bodies — the peers'
warm.py payloads (same seed, same rounding) plus 100 rows for the classifier — and, under "events", each body in
the API Gateway REST proxy event that carries it to the function (headers twice, as headers and multiValueHeaders,
the authorizer's context, the request context), as the bytes a Lambda runtime reads."""
import json, sys
import numpy as np

rng = np.random.default_rng(1)
n4 = ["f0", "f1", "f2", "f3"]; n20 = [f"x{j:02d}" for j in range(20)]
one4 = {"instances": [dict(zip(n4, rng.normal(size=4).round(3).tolist()))]}
one20 = {"instances": [dict(zip(n20, rng.normal(size=20).round(3).tolist()))]}
hund20 = {"instances": [dict(zip(n20, r)) for r in rng.normal(size=(100, 20)).round(3).tolist()]}
hund4 = {"instances": [dict(zip(n4, r)) for r in rng.normal(size=(100, 4)).round(3).tolist()]}
bodies = {"clf4x1": json.dumps(one4), "clf4x100": json.dumps(hund4), "reg20x1": json.dumps(one20),
          "reg20x100": json.dumps(hund20)}


def event(model, body):
    headers = {"Accept": "*/*", "Content-Type": "application/json", "Host": "abc123.execute-api.us-east-1.amazonaws.com",
               "User-Agent": "python-requests/2.32.3", "X-Amzn-Trace-Id": "Root=1-67891233-abcdef012345678912345678",
               "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Port": "443", "X-Forwarded-Proto": "https",
               "x-api-key": "k" * 40}
    return {
        "resource": "/models/{name}/predict", "path": f"/models/{model}/predict", "httpMethod": "POST",
        "headers": headers, "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": {"name": model}, "stageVariables": None,
        "requestContext": {
            "resourceId": "a1b2c3", "authorizer": {"role": "predict", "keyName": "bench", "principalId": "bench",
                                                   "integrationLatency": 0},
            "resourcePath": "/models/{name}/predict", "httpMethod": "POST", "extendedRequestId": "Fz1abcDEFGhIJ=",
            "requestTime": "04/Dec/2026:18:00:00 +0000", "path": f"/prod/models/{model}/predict",
            "accountId": "123456789012", "protocol": "HTTP/1.1", "stage": "prod", "domainPrefix": "abc123",
            "requestTimeEpoch": 1796493600000, "requestId": "gw-request",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "python-requests/2.32.3", "apiKey": "k" * 40,
                         "apiKeyId": "abcd1234", "accessKey": None, "accountId": None, "caller": None, "user": None,
                         "userArn": None, "cognitoIdentityId": None, "cognitoIdentityPoolId": None,
                         "cognitoAuthenticationType": None, "cognitoAuthenticationProvider": None,
                         "principalOrgId": None, "clientCert": None},
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com", "deploymentId": "dep123", "apiId": "abc123"},
        "body": body, "isBase64Encoded": False}


events = {case: json.dumps(event(case.split("x")[0], body)) for case, body in bodies.items()}
json.dump({**bodies, "events": events}, open(sys.argv[1], "w"))
