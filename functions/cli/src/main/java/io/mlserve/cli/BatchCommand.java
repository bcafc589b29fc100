package io.mlserve.cli;

import io.mlserve.core.error.InvalidInputException;
import io.mlserve.core.jobs.Job;
import io.mlserve.core.jobs.JobIds;
import io.mlserve.core.jobs.JobStatus;
import io.mlserve.core.model.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mlserve batch submit}: bulk prediction over a CSV or JSONL file. */
@Command(name = "batch", mixinStandardHelpOptions = true, description = "Bulk prediction: upload a CSV or JSONL file and follow its job.",
        subcommands = {BatchCommand.Submit.class})
final class BatchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code batch submit FILE --model NAME --bucket B --jobs-table T [--wait] [--timeout-seconds N]}: uploads
     * FILE to {@code batch/input/<model>/<file name>} (which starts the job) and prints its id, or, with
     * {@code --wait}, follows it and prints where the output is.
     */
    @Command(name = "submit", mixinStandardHelpOptions = true, description = {
        "Upload FILE to s3://<bucket>/batch/input/<model>/<file name>: the upload starts a job.",
        "Prints the job id; with --wait, follows the job (progress on stderr) and prints the output location.",
        "Exit: 0 submitted / succeeded, 1 the job failed, 2 --wait timed out, 3 nothing was submitted."})
    static final class Submit implements Callable<Integer> {
        static final int FAILED = 1;
        static final int TIMED_OUT = 2;
        static final int NOT_SUBMITTED = 3;

        private final BatchServices services;
        private final Clock clock;
        private final Sleeper sleeper;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", description = "a .csv (header row, comma-separated, UTF-8) or .jsonl file")
        Path file;

        @Option(names = "--model", required = true, description = "the model to predict with (its production version when the job starts)")
        String model;

        @Option(names = "--bucket", required = true, description = "the data bucket (stack output DataBucketName)")
        String bucket;

        @Option(names = "--jobs-table", required = true, description = "the jobs table (stack output JobsTableName)")
        String jobsTable;

        @Option(names = "--wait", description = "follow the job until it ends")
        boolean await;

        @Option(names = "--timeout-seconds", defaultValue = "3600", description = "with --wait: give up after this long (default ${DEFAULT-VALUE})")
        long timeoutSeconds;

        @Option(names = "--poll-seconds", defaultValue = "2", hidden = true)
        long pollSeconds;

        Submit() {
            this(BatchServices.AWS, Clock.systemUTC(), Sleeper.SYSTEM);
        }

        Submit(BatchServices services, Clock clock, Sleeper sleeper) {
            this.services = services;
            this.clock = clock;
            this.sleeper = sleeper;
        }

        @Override
        public Integer call() throws InterruptedException {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            var name = file.getFileName() == null ? "" : file.getFileName().toString();
            try {
                ModelRef.checkName(model);
            } catch (InvalidInputException e) {
                err.println("REFUSED " + e.getMessage());
                return NOT_SUBMITTED;
            }
            if (!name.endsWith(".csv") && !name.endsWith(".jsonl")) {
                err.println("REFUSED " + file + ": batch takes .csv and .jsonl files");
                return NOT_SUBMITTED;
            }
            if (!Files.isRegularFile(file)) {
                err.println("REFUSED " + file + " is not a file");
                return NOT_SUBMITTED;
            }
            if (timeoutSeconds < 1 || pollSeconds < 1) {
                err.println("REFUSED --timeout-seconds and --poll-seconds must be at least 1");
                return NOT_SUBMITTED;
            }
            var key = "batch/input/" + model + "/" + name;
            String etag;
            try {
                etag = services.upload(bucket, key, file);
            } catch (RuntimeException e) {
                err.println("UPLOAD FAILED s3://" + bucket + "/" + key + ": " + e.getMessage());
                return NOT_SUBMITTED;
            }
            // the same id the state machine's claim step derives from the upload's event
            var jobId = JobIds.batch(bucket, key, etag, null);
            var output = "s3://" + bucket + "/batch/output/" + model + "/" + jobId + "/";
            err.println("uploaded s3://" + bucket + "/" + key + " -> job " + jobId);
            err.flush();
            if (!await) {
                out.println(jobId);
                out.flush();
                return 0;
            }
            var watcher = new JobWatcher(services.jobs(jobsTable), clock, sleeper, Duration.ofSeconds(pollSeconds), err);
            var ended = watcher.await(jobId, Duration.ofSeconds(timeoutSeconds));
            if (ended.isEmpty()) {
                err.println("TIMEOUT job " + jobId + " has not ended after " + timeoutSeconds + " s; it goes on: follow it with GET /jobs/"
                        + jobId);
                err.flush();
                return TIMED_OUT;
            }
            var job = ended.get();
            if (job.status() == JobStatus.FAILED) {
                err.println("FAILED job " + jobId + ": " + job.failureReason());
                err.println(counts(job));
                err.flush();
                return FAILED;
            }
            out.println("SUCCEEDED job " + jobId + " (model " + job.model() + ", version " + job.version() + ")");
            out.println(counts(job));
            out.println("output " + output);
            job.errors().forEach(e -> out.println("errors " + e));
            out.flush();
            return 0;
        }

        static String counts(Job job) {
            return "rows read " + job.rowsRead() + ", predicted " + job.rowsPredicted() + ", rejected " + job.rowsRejected() + "; chunks "
                    + job.chunksDone() + "/" + job.chunksTotal();
        }
    }
}
