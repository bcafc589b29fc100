package io.mlserve.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mlserve.core.drift.DriftConfig;
import io.mlserve.core.drift.DriftConfigStore;
import io.mlserve.core.drift.DriftReport;
import io.mlserve.core.drift.DriftReportStore;
import io.mlserve.core.drift.DriftSummary;
import io.mlserve.core.json.Json;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The drift adapters against the emulator (skipped when it is not running): configs and summaries in a registry-shaped
 * table, reports in a bucket. Creates and deletes its own table and bucket.
 */
class DriftStoresIT {
    private static final String TABLE = "tmp-drift-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String BUCKET = "tmp-drift-" + UUID.randomUUID().toString().substring(0, 8);
    private static DynamoDbClient dynamoDb;
    private static S3Client s3;

    @BeforeAll
    static void create() {
        var endpoint = EmulatorFixture.endpoint();
        dynamoDb = EmulatorFixture.dynamoDb(endpoint);
        s3 = EmulatorFixture.s3(endpoint);
        EmulatorFixture.createKeyTable(dynamoDb, TABLE);
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void delete() {
        if (dynamoDb != null) {
            dynamoDb.deleteTable(b -> b.tableName(TABLE));
            dynamoDb.close();
        }
        if (s3 != null) {
            s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().forEach(o -> s3.deleteObject(b -> b.bucket(BUCKET).key(o.key())));
            s3.deleteBucket(b -> b.bucket(BUCKET));
            s3.close();
        }
    }

    @Test
    void config_shouldReadBackAsStored_withOverrides() {
        var store = new DynamoDbDriftConfigStore(dynamoDb, TABLE);
        var body = Json.MAPPER.valueToTree(Map.of("minSamples", 200, "window", Map.of("lastRows", 5000),
                "thresholds", Map.of("features", Map.of("tenure", Map.of("ks", 0.2)))));
        var config = DriftConfig.parse(body, List.of("tenure"));

        store.put("churn", new DriftConfigStore.StoredConfig(config, "2026-11-25T10:00:00Z", "key:ops"));

        assertThat(store.find("churn")).get().satisfies(stored -> {
            assertThat(stored.config()).isEqualTo(config);
            assertThat(stored.updatedBy()).isEqualTo("key:ops");
        });
        assertThat(store.find("nobody")).isEmpty();
        assertThat(DriftConfig.parse(JsonNodeFactory.instance.objectNode(), List.of())).isEqualTo(DriftConfig.defaults());
    }

    @Test
    void history_shouldListNewestFirst_andNotMixWithTheConfigItem() {
        var history = new DynamoDbDriftHistory(dynamoDb, TABLE);
        new DynamoDbDriftConfigStore(dynamoDb, TABLE).put("wine",
                new DriftConfigStore.StoredConfig(DriftConfig.defaults(), "2026-11-25T10:00:00Z", "key:ops"));
        var location = new DriftReportStore.Location("s3://b/drift/wine/1/report.json", "s3://b/drift/wine/1/report.html");
        history.record(new DriftSummary("wine", "2", "2026-11-25T10:00:00Z", DriftReport.Verdict.NO_DRIFT, null, 800, List.of(),
                Map.of("alcohol", new DriftSummary.Score("ks", 0.03, 0.4, 0.01, false)), location));
        history.record(new DriftSummary("wine", "2", "2026-11-25T11:00:00.5Z", DriftReport.Verdict.DRIFT, null, 900,
                List.of("alcohol"), Map.of("alcohol", new DriftSummary.Score("ks", 0.3, 1e-20, 0.5, true)), location));
        history.record(new DriftSummary("wine", null, "2026-11-25T09:00:00Z", DriftReport.Verdict.INSUFFICIENT_DATA,
                "the model has no production version", 0, List.of(), Map.of(), location));

        var all = history.list("wine", 10);

        assertThat(all).extracting(DriftSummary::createdAt).containsExactly("2026-11-25T11:00:00.5Z", "2026-11-25T10:00:00Z",
                "2026-11-25T09:00:00Z");
        assertThat(all.get(0).driftedFeatures()).containsExactly("alcohol");
        assertThat(all.get(0).scores().get("alcohol")).isEqualTo(new DriftSummary.Score("ks", 0.3, 1e-20, 0.5, true));
        assertThat(all.get(0).report()).isEqualTo(location);
        assertThat(all.get(2).version()).isNull();
        assertThat(history.latest("wine")).get().extracting(DriftSummary::verdict).isEqualTo(DriftReport.Verdict.DRIFT);
        assertThat(history.list("wine", 1)).hasSize(1);
        assertThat(history.latest("none")).isEmpty();
    }

    @Test
    void reports_shouldWriteJsonAndHtml_andReadTheJsonBack() {
        var store = new S3DriftReportStore(s3, BUCKET);
        var report = new DriftReport("iris", "1", new DriftReport.Window(24, 1000, null, null), 3,
                DriftReport.Verdict.INSUFFICIENT_DATA, "3 rows in the window, fewer than minSamples (500)", List.of(), null,
                "2026-11-25T12:00:00.250Z");

        var location = store.put(report, "<!DOCTYPE html><p>page</p>");

        assertThat(location.json()).isEqualTo("s3://" + BUCKET + "/drift/iris/20261125T120000.250Z/report.json");
        assertThat(location.html()).isEqualTo("s3://" + BUCKET + "/drift/iris/20261125T120000.250Z/report.html");
        assertThat(store.read(location)).contains(report);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("drift/iris/20261125T120000.250Z/report.html")).asUtf8String())
                .isEqualTo("<!DOCTYPE html><p>page</p>");
        assertThat(store.read(new DriftReportStore.Location("s3://" + BUCKET + "/drift/iris/x/report.json", null))).isEmpty();
    }
}
