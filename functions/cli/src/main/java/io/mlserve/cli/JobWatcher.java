package io.mlserve.cli;

import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Follows a job until it ends or the time is up, redrawing one progress line with {@code \r}.
 * A job that does not exist yet is waited for: an upload's job is claimed by the state machine a
 * moment after the upload.
 */
final class JobWatcher {
    private final JobStore jobs;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration pollEvery;
    private final PrintWriter progress;

    /**
     * @param jobs where the job is read
     * @param clock time source
     * @param sleeper waits between reads
     * @param pollEvery time between reads
     * @param progress where the progress line goes (stderr)
     */
    JobWatcher(JobStore jobs, Clock clock, Sleeper sleeper, Duration pollEvery, PrintWriter progress) {
        this.jobs = jobs;
        this.clock = clock;
        this.sleeper = sleeper;
        this.pollEvery = pollEvery;
        this.progress = progress;
    }

    /**
     * @param jobId the job
     * @param timeout how long to follow it
     * @return the ended job, or empty when the time ran out first
     * @throws InterruptedException when interrupted
     */
    Optional<Job> await(String jobId, Duration timeout) throws InterruptedException {
        var start = clock.instant();
        var deadline = start.plus(timeout);
        var line = new JobProgress();
        int drawn = 0;
        while (true) {
            var now = clock.instant();
            var job = jobs.find(jobId);
            var text = job.map(j -> line.line(j, now))
                    .orElse("WAITING   for the job to be claimed… " + JobProgress.clock(Duration.between(start, now)));
            drawn = redraw(text, drawn);
            if (job.isPresent() && job.get().status().finished()) {
                progress.println();
                progress.flush();
                return job;
            }
            if (!now.isBefore(deadline)) {
                progress.println();
                progress.flush();
                return Optional.empty();
            }
            var left = Duration.between(now, deadline);
            sleeper.sleep(left.compareTo(pollEvery) < 0 ? left : pollEvery);
        }
    }

    /** Writes over the last line; pads with spaces when the new one is shorter. */
    private int redraw(String text, int previousLength) {
        progress.print('\r');
        progress.print(text);
        if (text.length() < previousLength) {
            progress.print(" ".repeat(previousLength - text.length()));
        }
        progress.flush();
        return text.length();
    }
}
