package io.mlserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.aws.PredictionLogMigration;
import io.mlserve.core.json.Json;
import io.mlserve.core.store.LogShards;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** {@code mlserve migrate-log}: tables passed through, counts printed as JSON, exit code 1 when rows were left behind. */
class MigrateLogCommandTest {
    /** One legacy item and one sharded one; puts fail when told to. */
    private static final class OneLegacyItem implements DynamoDbClient {
        final List<PutItemRequest> puts = new ArrayList<>();
        final List<DeleteItemRequest> deletes = new ArrayList<>();
        final boolean failPuts;

        OneLegacyItem(boolean failPuts) {
            this.failPuts = failPuts;
        }

        @Override
        public ScanResponse scan(ScanRequest request) {
            var legacy = Map.of("pk", AttributeValue.fromS("iris#1"), "sk", AttributeValue.fromS("2026-11-20T10:00:00.000Z#r#00000"),
                    "model", AttributeValue.fromS("iris"), "requestId", AttributeValue.fromS("r"), "row", AttributeValue.fromN("0"));
            var sharded = Map.of("pk", AttributeValue.fromS("iris#1#0"), "sk", AttributeValue.fromS("2026-11-20T10:00:00.000Z#s#00000"),
                    "shard", AttributeValue.fromN("0"));
            return ScanResponse.builder().items(legacy, sharded).count(2).scannedCount(2).build();
        }

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            if (failPuts) {
                throw DynamoDbException.builder().message("throttled").build();
            }
            puts.add(request);
            return PutItemResponse.builder().build();
        }

        @Override
        public DeleteItemResponse deleteItem(DeleteItemRequest request) {
            deletes.add(request);
            return DeleteItemResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(DynamoDbClient dynamoDb, List<String> tables, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var command = new MigrateLogCommand((predictions, registry) -> {
            tables.add(predictions + "," + registry);
            return new PredictionLogMigration(dynamoDb, predictions, LogShards.fixed(1));
        });
        int exit = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void migrateLog_shouldMoveLegacyItemsAndPrintCounts() throws Exception {
        var dynamoDb = new OneLegacyItem(false);
        var tables = new ArrayList<String>();

        var run = run(dynamoDb, tables, "--predictions-table", "log", "--registry-table", "reg", "--segments", "1");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(tables).containsExactly("log,reg");
        var json = Json.MAPPER.readTree(run.out());
        assertThat(json.get("scanned").asLong()).isEqualTo(2);
        assertThat(json.get("legacy").asLong()).isEqualTo(1);
        assertThat(json.get("migrated").asLong()).isEqualTo(1);
        assertThat(dynamoDb.puts).singleElement().satisfies(p -> {
            assertThat(p.tableName()).isEqualTo("log");
            assertThat(p.item().get("pk").s()).isEqualTo("iris#1#0");
            assertThat(p.item()).doesNotContainKey("model");
        });
        assertThat(dynamoDb.deletes).singleElement().satisfies(d -> assertThat(d.key().get("pk").s()).isEqualTo("iris#1"));
    }

    @Test
    void migrateLog_shouldExit1AndKeepTheOldItem_whenWritesFail() {
        var dynamoDb = new OneLegacyItem(true);

        var run = run(dynamoDb, new ArrayList<>(), "--predictions-table", "log", "--registry-table", "reg", "--segments", "1");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("1 item(s) not migrated").contains("run again");
        assertThat(dynamoDb.deletes).isEmpty();
    }

    @Test
    void migrateLog_shouldRefuseSegmentsOutOfRange() {
        var run = run(new OneLegacyItem(false), new ArrayList<>(), "--predictions-table", "log", "--registry-table", "reg", "--segments", "0");

        assertThat(run.exit()).isEqualTo(2);
    }
}
