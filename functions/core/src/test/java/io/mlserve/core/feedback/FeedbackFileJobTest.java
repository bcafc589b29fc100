package io.mlserve.core.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.json.Json;
import io.mlserve.core.model.ModelManifest;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.model.OutputSpec;
import io.mlserve.core.model.Task;
import io.mlserve.core.store.PredictionId;
import io.mlserve.core.testing.InMemoryBlobStore;
import io.mlserve.core.testing.InMemoryFeedbackStore;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.Manifests;
import io.mlserve.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeedbackFileJobTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final ModelRef CHURN = new ModelRef("churn", "1");
    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryFeedbackStore store = new InMemoryFeedbackStore();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore();
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final ModelManifest manifest = manifest();
    private final FeedbackFileJob job = new FeedbackFileJob(new FeedbackService(store, ref -> ref.equals(CHURN) ? Optional.of(manifest)
            : Optional.empty(), Duration.ofDays(30), clock), blobs, jobs, clock, 1 << 20);

    private static ModelManifest manifest() {
        var m = Manifests.mixed("0".repeat(64));
        return new ModelManifest(1, "churn", "1", Task.CLASSIFICATION, null, m.features(), m.input(),
                new OutputSpec(java.util.List.of("no", "yes"), "probabilities", null, null, null), null, null, null, null, null);
    }

    private PredictionId logged(int row) {
        var id = new PredictionId(CHURN, 1, NOW.minusSeconds(600), "req", row);
        store.logged(id);
        return id;
    }

    @Test
    void run_shouldStoreGoodLines_andWriteEveryBadOneToTheErrorsFile() throws Exception {
        // GIVEN 1,500 good lines (two blocks) and four bad ones, a batch output's column name and an extra column
        var csv = new StringBuilder("\uFEFFcustomer,prediction_id,actual,observedAt\n");
        for (int i = 0; i < 1500; i++) {
            csv.append("c").append(i).append(',').append(logged(i).encode()).append(',').append(i % 2 == 0 ? "yes" : "no").append(",\n");
        }
        csv.append("x,").append(logged(2000).encode()).append(",maybe,\n"); // line 1502: INVALID_ACTUAL
        csv.append("x,forged,yes,\n"); // 1503: UNKNOWN_PREDICTION
        csv.append("x,").append(logged(0).encode().replace('A', 'B')).append('\n'); // 1504: too few fields
        csv.append("\n");
        csv.append("x,").append(logged(2001).encode()).append(",yes,last tuesday\n"); // 1506: MALFORMED_ITEM
        blobs.putText("data", "feedback/churn/labels.csv", csv.toString());

        // WHEN
        var ended = job.run("data", "feedback/churn/labels.csv", "\"etag1\"");

        // THEN
        assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(ended.type()).isEqualTo(Job.FEEDBACK);
        assertThat(ended.jobId()).startsWith("f-");
        assertThat(ended.rowsRead()).isEqualTo(1504);
        assertThat(ended.rowsRejected()).isEqualTo(4);
        assertThat(ended.details()).containsEntry(FeedbackFileJob.ROWS_ACCEPTED, 1500L).containsEntry(FeedbackFileJob.ROWS_DUPLICATE, 0L);
        var errorsKey = "feedback-errors/churn/" + ended.jobId() + "/errors.jsonl";
        assertThat(ended.errors()).containsExactly("s3://data/" + errorsKey);
        var lines = blobs.text("data", errorsKey).lines().map(Json::parseRequest).toList();
        assertThat(lines).extracting(l -> l.get("line").asLong() + ":" + l.get("problem").get("code").asText())
                .containsExactly("1502:INVALID_ACTUAL", "1503:UNKNOWN_PREDICTION", "1504:MALFORMED_ITEM", "1506:MALFORMED_ITEM");
        assertThat(store.rows.values().stream().filter(r -> r.actual != null)).hasSize(1500);
    }

    @Test
    void run_shouldRunOnce_perBucketKeyAndEtag() {
        blobs.putText("data", "feedback/churn/a.csv", "predictionId,actual\n" + logged(0).encode() + ",yes\n");

        var first = job.run("data", "feedback/churn/a.csv", "e1");
        var again = job.run("data", "feedback/churn/a.csv", "e1");
        var newBytes = job.run("data", "feedback/churn/a.csv", "e2");

        assertThat(again).isEqualTo(first);
        assertThat(store.calls).isEqualTo(2);
        assertThat(newBytes.jobId()).isNotEqualTo(first.jobId());
        assertThat(newBytes.details()).containsEntry(FeedbackFileJob.ROWS_DUPLICATE, 1L);
        assertThat(newBytes.errors()).isEmpty();
    }

    @Test
    void run_shouldFailWithAReason_whenTheFileCannotBeFeedback() {
        blobs.putText("data", "feedback/churn/noheader.csv", "a,b\n1,2\n");
        blobs.putText("data", "feedback/churn/empty.csv", "predictionId,actual\n");
        blobs.putText("data", "feedback/Bad Model/x.csv", "predictionId,actual\n");

        assertThat(job.run("data", "feedback/churn/noheader.csv", "e").failureReason()).contains("predictionId");
        assertThat(job.run("data", "feedback/churn/empty.csv", "e").failureReason()).contains("no lines");
        var bad = job.run("data", "feedback/Bad Model/x.csv", "e");
        assertThat(bad.status()).isEqualTo(JobStatus.FAILED);
        assertThat(bad.failureReason()).contains("not a model name");
    }
}
