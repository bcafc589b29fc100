package io.mlserve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobProgressTest {
    private static final Instant T0 = Instant.parse("2026-11-25T09:00:00Z");

    private static Job job(JobStatus status, long rows, long rejected, int total, int done) {
        return new Job("b-1", "batch", "iris", "1", status, "s3://d/batch/input/iris/a.csv", rows, rows - rejected, rejected, total, done,
                List.of(), List.of(), "2026-11-25T08:59:59.000Z", null, null, Map.of());
    }

    @Test
    void line_shouldShowBarRowsChunksRateAndEta_whenRangesFinishWhileWatching() {
        // GIVEN a watcher that first saw the job with 1 of 8 ranges done
        var progress = new JobProgress();
        progress.line(job(JobStatus.RUNNING, 1_000_000, 0, 8, 1), T0);

        // WHEN 10 s later 4 ranges and 3,000,000 more rows are done
        var line = progress.line(job(JobStatus.RUNNING, 4_000_000, 12, 8, 4), T0.plusSeconds(10));

        // THEN 3 ranges in 10 s leaves 4 ranges ≈ 13 s
        assertThat(line).isEqualTo("RUNNING   [##########----------]  50% | rows 4,000,000 (12 rejected) | chunks 4/8 | 300,000 rows/s"
                + " | ETA 0:13");
    }

    @Test
    void line_shouldShowUnknownEta_untilARangeFinishes() {
        var progress = new JobProgress();

        assertThat(progress.line(job(JobStatus.QUEUED, 0, 0, 0, 0), T0)).isEqualTo("QUEUED    | rows 0 | chunks 0/0 | ETA --:--");
        assertThat(progress.line(job(JobStatus.RUNNING, 0, 0, 3, 0), T0.plusSeconds(2)))
                .isEqualTo("RUNNING   [--------------------]   0% | rows 0 | chunks 0/3 | ETA --:--");
    }

    @Test
    void line_shouldDropTheEta_whenTheJobHasEnded() {
        var progress = new JobProgress();
        progress.line(job(JobStatus.RUNNING, 0, 0, 2, 0), T0);

        assertThat(progress.line(job(JobStatus.SUCCEEDED, 300, 3, 2, 2), T0.plusSeconds(3)))
                .isEqualTo("SUCCEEDED [####################] 100% | rows 300 (3 rejected) | chunks 2/2 | 100 rows/s");
    }

    @Test
    void clock_shouldWriteMinutesAndSeconds_andHoursFromAnHourOn() {
        assertThat(JobProgress.clock(Duration.ofSeconds(5))).isEqualTo("0:05");
        assertThat(JobProgress.clock(Duration.ofSeconds(754))).isEqualTo("12:34");
        assertThat(JobProgress.clock(Duration.ofSeconds(3 * 3600 + 62))).isEqualTo("3:01:02");
        assertThat(JobProgress.clock(Duration.ofSeconds(-3))).isEqualTo("0:00");
    }

    @Test
    void bar_shouldNeverOverflow_whenMoreRangesAreDoneThanPlanned() {
        assertThat(JobProgress.bar(9, 8)).isEqualTo("[####################]");
        assertThat(JobProgress.percent(9, 8)).isEqualTo(100);
        assertThat(JobProgress.bar(1, 3)).isEqualTo("[######--------------]");
    }
}
