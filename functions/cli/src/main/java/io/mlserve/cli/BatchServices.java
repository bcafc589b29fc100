package io.mlserve.cli;

import io.mlserve.aws.AwsClients;
import io.mlserve.aws.DynamoDbJobStore;
import io.mlserve.core.jobs.JobStore;
import java.nio.file.Path;
import software.amazon.awssdk.core.sync.RequestBody;

/** How {@code batch submit} reaches the data bucket and the jobs table; tests pass in-memory ones. */
interface BatchServices {

    /**
     * Uploads a file (one PUT: up to 5 GB).
     *
     * @param bucket the data bucket
     * @param key where to put it
     * @param file the file
     * @return the object's ETag, as S3 answered it
     */
    String upload(String bucket, String key, Path file);

    /**
     * @param jobsTable the jobs table (stack output JobsTableName)
     * @return the jobs, read-only use
     */
    JobStore jobs(String jobsTable);

    /** The deployed stack: S3 and DynamoDB through the standard credential chain. */
    BatchServices AWS = new BatchServices() {
        @Override
        public String upload(String bucket, String key, Path file) {
            var name = file.getFileName().toString();
            var type = name.endsWith(".jsonl") ? "application/x-ndjson" : "text/csv";
            try (var s3 = AwsClients.s3()) {
                return s3.putObject(b -> b.bucket(bucket).key(key).contentType(type), RequestBody.fromFile(file)).eTag();
            }
        }

        @Override
        public JobStore jobs(String jobsTable) {
            // N.B. DynamoDbJobStore is written on the batch branch (functions/aws, issue 7): the CLI's one use of it
            return new DynamoDbJobStore(AwsClients.dynamoDb(), jobsTable);
        }
    };
}
