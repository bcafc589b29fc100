package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.Task;
import io.mlserve.core.registry.AuditEntry;
import io.mlserve.core.registry.RegisteredVersion;
import io.mlserve.core.registry.VersionStatus;
import io.mlserve.core.training.Algorithm;
import io.mlserve.core.training.Metric;
import io.mlserve.core.training.TrainingSpec;
import io.mlserve.core.training.TrainingSpecStore.StoredSpec;
import io.mlserve.core.training.TrainingSpecs;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Training specs in the registry table against the DynamoDB emulator (e2e phase): round trip, and invisible to the registry's reads. */
class DynamoDbTrainingSpecStoreIT {
    private static final String TABLE = "tmp-specs-" + UUID.randomUUID().toString().substring(0, 8);
    private static DynamoDbClient dynamoDb;
    private static DynamoDbTrainingSpecStore specs;
    private static DynamoDbModelRegistry registry;

    @BeforeAll
    static void createTable() {
        dynamoDb = DynamoDbClient.builder()
                .endpointOverride(URI.create(System.getenv().getOrDefault("AWS_ENDPOINT_URL", "http://localhost:4566")))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        dynamoDb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("sk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build()));
        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(TABLE));
        specs = new DynamoDbTrainingSpecStore(dynamoDb, TABLE, "data");
        registry = new DynamoDbModelRegistry(dynamoDb, TABLE);
    }

    @AfterAll
    static void dropTable() {
        if (dynamoDb != null) {
            dynamoDb.deleteTable(b -> b.tableName(TABLE));
            dynamoDb.close();
        }
    }

    private static TrainingSpec spec(String schedule) {
        return new TrainingSpec("s3://data/training/churn/", "churned",
                List.of(new Feature("tenure", FeatureType.FLOAT, null, null, null, null, null),
                        new Feature("contract", FeatureType.STRING, null, null, null, null, null)),
                Task.CLASSIFICATION, List.of(new TrainingSpec.Candidate(Algorithm.CART, Map.of())), Metric.ACCURACY,
                new TrainingSpec.Split(0.25, 3), new TrainingSpec.Promotion(TrainingSpec.PromotionPolicy.ALWAYS, 0), schedule);
    }

    @Test
    void put_shouldRoundTrip_andReplace() {
        // the stored form is what parse makes of toJson: compare with that, defaults included
        var first = TrainingSpecs.parse(TrainingSpecs.toJson(spec("rate(1 day)")), "data");
        specs.put("churn", new StoredSpec(first, "2026-11-25T09:00:00Z", "key:ops"));
        assertThat(specs.find("churn")).contains(new StoredSpec(first, "2026-11-25T09:00:00Z", "key:ops"));

        var second = TrainingSpecs.parse(TrainingSpecs.toJson(spec(null)), "data");
        specs.put("churn", new StoredSpec(second, "2026-11-25T10:00:00Z", "key:other"));
        assertThat(specs.find("churn")).contains(new StoredSpec(second, "2026-11-25T10:00:00Z", "key:other"));
        assertThat(specs.find("nobody")).isEmpty();
    }

    @Test
    void specItems_shouldBeInvisibleToTheRegistry() {
        // GIVEN a model with a version and a spec, and a model with only a spec
        registry.register(new RegisteredVersion("listed", "1", VersionStatus.CANDIDATE, "s3://b/models/listed/1/", "a".repeat(64),
                "classification", Map.of(), "2026-11-23T10:00:00Z", "it"),
                new AuditEntry("listed", "2026-11-23T10:00:00Z", "REGISTERED", "1", null, null, "it", null));
        var spec = TrainingSpecs.parse(TrainingSpecs.toJson(spec(null)), "data");
        specs.put("listed", new StoredSpec(spec, "2026-11-25T09:00:00Z", "key:ops"));
        specs.put("spec-only", new StoredSpec(spec, "2026-11-25T09:00:00Z", "key:ops"));

        // THEN the registry lists and describes only what it registered
        assertThat(registry.modelNames()).contains("listed").doesNotContain("spec-only");
        assertThat(registry.versions("listed")).hasSize(1);
        assertThat(registry.audit("listed")).hasSize(1);
    }
}
