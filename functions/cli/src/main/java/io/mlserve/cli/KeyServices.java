package io.mlserve.cli;

import io.mlserve.aws.ApiGatewayKeys;
import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbKeyStore;
import io.mlserve.core.access.KeyService;
import java.security.SecureRandom;
import java.time.Clock;

/** How a {@code keys} subcommand reaches the keys table and API Gateway; tests pass in-memory ones. */
@FunctionalInterface
interface KeyServices {
    /** The deployed stack: DynamoDB and API Gateway through the standard credential chain. */
    KeyServices AWS = (keysTable, restApiId) -> new KeyService(new DynamoDbKeyStore(AwsClients.dynamoDb(), keysTable),
            new ApiGatewayKeys(AwsClients.apiGateway(), restApiId), new SecureRandom(), Clock.systemUTC());

    /**
     * @param keysTable the keys table (stack output KeysTableName)
     * @param restApiId the REST API whose usage plans to use, or null
     * @return the key service
     */
    KeyService open(String keysTable, String restApiId);
}
