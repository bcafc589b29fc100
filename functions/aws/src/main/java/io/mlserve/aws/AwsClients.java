package io.mlserve.aws;

import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.apigateway.ApiGatewayClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The only place SDK clients are built. Region, credentials and endpoint come from the standard
 * chain, so {@code AWS_ENDPOINT_URL} points every client at an emulator without a code branch.
 */
public final class AwsClients {
    private AwsClients() {}

    /** @return an S3 client; path-style so emulators without virtual-host DNS work too */
    public static S3Client s3() {
        return S3Client.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .forcePathStyle(System.getenv("AWS_ENDPOINT_URL") != null)
                .build();
    }

    /** @return an EventBridge client */
    public static software.amazon.awssdk.services.eventbridge.EventBridgeClient eventBridge() {
        return software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** @return a DynamoDB client */
    public static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    /**
     * @param apiCallTimeout the most one call may take with the SDK's retries: a spill sits on the request path
     * @return an SQS client (the prediction log's spill)
     */
    public static software.amazon.awssdk.services.sqs.SqsClient sqs(java.time.Duration apiCallTimeout) {
        return software.amazon.awssdk.services.sqs.SqsClient.builder().httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.apiCallTimeout(apiCallTimeout))
                .build();
    }

    /** @return a Step Functions client (starts batch jobs) */
    public static software.amazon.awssdk.services.sfn.SfnClient stepFunctions() {
        return software.amazon.awssdk.services.sfn.SfnClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** @return an EventBridge Scheduler client (run-time training schedules) */
    public static software.amazon.awssdk.services.scheduler.SchedulerClient scheduler() {
        return software.amazon.awssdk.services.scheduler.SchedulerClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    /**
     * N.B. needs {@code software.amazon.awssdk:apache-client} on the class path (optional in this
     * module; the CLI has it): API Gateway updates are HTTP PATCH, which the URL-connection client
     * cannot send ({@code HttpURLConnection} knows no PATCH).
     *
     * @return an API Gateway (REST API control plane) client: API keys and usage plans
     */
    public static ApiGatewayClient apiGateway() {
        return ApiGatewayClient.builder().httpClient(ApacheHttpClient.create()).build();
    }
}
