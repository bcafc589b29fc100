package io.mlserve.cli;

import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * One line of progress for a job, redrawn in place: status, a bar over the byte ranges done, rows
 * (and rejected rows), ranges done/total, rows per second and the time left. Rate and ETA are
 * measured from the first time this watcher saw the job, so a job already half done when the watch
 * began is not credited with the work done before.
 */
final class JobProgress {
    static final int BAR_WIDTH = 20;

    private Instant firstSeen;
    private long firstRows;
    private int firstChunks;

    /**
     * @param job the job as just read
     * @param now the time it was read
     * @return the line, without a line break
     */
    String line(Job job, Instant now) {
        if (firstSeen == null || job.status() == JobStatus.QUEUED) {
            firstSeen = now;
            firstRows = job.rowsRead();
            firstChunks = job.chunksDone();
        }
        var text = new StringBuilder(String.format(Locale.ROOT, "%-9s", job.status().name()));
        if (job.chunksTotal() > 0) {
            text.append(' ').append(bar(job.chunksDone(), job.chunksTotal()))
                    .append(String.format(Locale.ROOT, " %3d%%", percent(job.chunksDone(), job.chunksTotal())));
        }
        text.append(" | rows ").append(number(job.rowsRead()));
        if (job.rowsRejected() > 0) {
            text.append(" (").append(number(job.rowsRejected())).append(" rejected)");
        }
        text.append(" | chunks ").append(job.chunksDone()).append('/').append(job.chunksTotal());
        var seconds = Duration.between(firstSeen, now).toMillis() / 1000.0;
        if (seconds > 0 && job.rowsRead() > firstRows) {
            text.append(" | ").append(number(Math.round((job.rowsRead() - firstRows) / seconds))).append(" rows/s");
        }
        if (!job.status().finished()) {
            text.append(" | ETA ").append(eta(job, seconds));
        }
        return text.toString();
    }

    /** Time left at the pace of the ranges finished while watching; unknown until one has. */
    private String eta(Job job, double seconds) {
        int doneWhileWatching = job.chunksDone() - firstChunks;
        if (job.chunksTotal() == 0 || doneWhileWatching <= 0 || seconds <= 0) {
            return "--:--";
        }
        var left = (job.chunksTotal() - job.chunksDone()) * seconds / doneWhileWatching;
        return clock(Duration.ofMillis(Math.round(left * 1000)));
    }

    static String bar(int done, int total) {
        int filled = (int) ((long) Math.min(done, total) * BAR_WIDTH / total);
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
    }

    static int percent(int done, int total) {
        return (int) ((long) Math.min(done, total) * 100 / total);
    }

    /**
     * @param duration a duration
     * @return {@code m:ss}, or {@code h:mm:ss} from an hour on
     */
    static String clock(Duration duration) {
        long s = Math.max(0, duration.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
