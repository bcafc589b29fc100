package io.mlserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobIds;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.jobs.JobStore;
import io.mlserve.core.jobs.RangeResult;
import io.mlserve.core.testing.InMemoryJobStore;
import io.mlserve.core.testing.MutableClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code batch submit} over an in-memory bucket and jobs table, with a clock the "sleep" moves: each
 * poll runs the next step of a scripted job, as the state machine would between two reads.
 */
class BatchCommandTest {
    private static final String BUCKET = "data";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T09:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore();
    private final Map<String, String> uploaded = new HashMap<>();
    private final List<Consumer<String>> script = new ArrayList<>();
    private String jobId;

    private final BatchServices services = new BatchServices() {
        @Override
        public String upload(String bucket, String key, Path file) {
            uploaded.put(bucket + "/" + key, file.getFileName().toString());
            return "\"5d41402abc4b2a76b9719d911017c592\"";
        }

        @Override
        public JobStore jobs(String jobsTable) {
            return store;
        }
    };

    /** Each sleep moves the clock and runs the script's next step. */
    private final Sleeper sleeper = duration -> {
        clock.advance(duration);
        if (!script.isEmpty()) {
            script.remove(0).accept(jobId);
        }
    };

    private record Run(int exit, String out, String err) {}

    private Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var exit = new CommandLine(new BatchCommand.Submit(services, clock, sleeper)).setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path csv() throws IOException {
        var file = dir.resolve("flowers.csv");
        Files.writeString(file, "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n");
        jobId = JobIds.batch(BUCKET, "batch/input/iris/flowers.csv", "5d41402abc4b2a76b9719d911017c592", null);
        return file;
    }

    private void claim(String id) {
        store.claim(Job.queued(id, Job.BATCH, "iris", null, "s3://data/batch/input/iris/flowers.csv", "2026-11-25T09:00:01.000Z"));
    }

    private RangeResult range(int index, long rows, long rejected) {
        return new RangeResult(index, rows, rows - rejected, rejected, rows, "s3://data/batch/output/iris/" + jobId + "/part-0000" + index
                + ".csv", null);
    }

    @Test
    void submit_shouldUploadUnderTheModelsInputFolder_andPrintTheJobId_whenNotWaiting() throws IOException {
        var run = run(csv().toString(), "--model", "iris", "--bucket", BUCKET, "--jobs-table", "jobs");

        assertThat(run.exit()).isZero();
        assertThat(uploaded).containsOnlyKeys("data/batch/input/iris/flowers.csv");
        assertThat(run.out().strip()).isEqualTo(jobId).matches("b-[0-9a-f]{24}");
    }

    @Test
    void submit_shouldFollowTheJobToTheEnd_andPrintTheOutputLocationAndCounts_whenWaiting() throws IOException {
        // GIVEN a job claimed after one poll, planned into 3 ranges, each finishing on a later poll
        var file = csv();
        script.add(this::claim);
        script.add(id -> store.start(id, "1", 3));
        script.add(id -> store.completeRange(id, range(0, 100, 1)));
        script.add(id -> store.completeRange(id, range(1, 100, 0)));
        script.add(id -> {
            store.completeRange(id, range(2, 100, 2));
            store.finish(id, JobStatus.SUCCEEDED, List.of("s3://data/batch/output/iris/" + id + "/part-00000.csv"),
                    List.of("s3://data/batch/output/iris/" + id + "/errors-00000.jsonl"), null, "2026-11-25T09:00:10.000Z");
        });

        // WHEN
        var run = run(file.toString(), "--model", "iris", "--bucket", BUCKET, "--jobs-table", "jobs", "--wait", "--poll-seconds", "2");

        // THEN the progress was redrawn in place on stderr, and the result went to stdout
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("SUCCEEDED job " + jobId + " (model iris, version 1)")
                .contains("rows read 300, predicted 297, rejected 3; chunks 3/3")
                .contains("output s3://data/batch/output/iris/" + jobId + "/")
                .contains("errors s3://data/batch/output/iris/" + jobId + "/errors-00000.jsonl");
        assertThat(run.err()).contains("\rWAITING   for the job to be claimed… 0:00")
                .contains("\rRUNNING   [######--------------]  33% | rows 100 (1 rejected) | chunks 1/3 | 25 rows/s | ETA 0:08")
                .contains("\rSUCCEEDED [####################] 100% | rows 300 (3 rejected) | chunks 3/3");
        assertThat(script).isEmpty();
    }

    @Test
    void submit_shouldExit1WithTheReason_whenTheJobFails() throws IOException {
        var file = csv();
        script.add(id -> {
            claim(id);
            store.finish(id, JobStatus.FAILED, List.of(), List.of(), "the header has no column 'petal_width'", "2026-11-25T09:00:03.000Z");
        });

        var run = run(file.toString(), "--model", "iris", "--bucket", BUCKET, "--jobs-table", "jobs", "--wait");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("FAILED job " + jobId + ": the header has no column 'petal_width'");
        assertThat(run.out()).doesNotContain("SUCCEEDED");
    }

    @Test
    void submit_shouldExit2_whenTheJobIsStillRunningAtTheTimeout() throws IOException {
        // GIVEN a job that starts and never ends
        var file = csv();
        script.add(this::claim);
        script.add(id -> store.start(id, "1", 10));
        var start = clock.instant();

        // WHEN
        var run = run(file.toString(), "--model", "iris", "--bucket", BUCKET, "--jobs-table", "jobs", "--wait", "--timeout-seconds", "7",
                "--poll-seconds", "2");

        // THEN it gave up at the deadline, not later
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("TIMEOUT job " + jobId + " has not ended after 7 s");
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void submit_shouldRefuseAndUploadNothing_whenTheFileOrModelIsNotUsable() throws IOException {
        var text = dir.resolve("notes.txt");
        Files.writeString(text, "x");

        assertThat(run(text.toString(), "--model", "iris", "--bucket", BUCKET, "--jobs-table", "jobs").exit()).isEqualTo(3);
        assertThat(run(dir.resolve("missing.csv").toString(), "--model", "iris", "--bucket", BUCKET, "--jobs-table", "jobs").exit())
                .isEqualTo(3);
        assertThat(run(csv().toString(), "--model", "Iris!", "--bucket", BUCKET, "--jobs-table", "jobs").exit()).isEqualTo(3);
        assertThat(uploaded).isEmpty();
    }
}
