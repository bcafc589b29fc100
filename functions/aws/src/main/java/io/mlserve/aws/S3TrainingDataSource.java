package io.mlserve.aws;

import io.mlserve.core.jobs.JobIds;
import io.mlserve.core.training.TrainingDataException;
import io.mlserve.core.training.TrainingDataSource;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Training data in the data bucket: every {@code .csv} object under a prefix, in key order; a read asks S3 for exactly
 * the listed version ({@code If-Match} on the listed ETag) and checks the ETag it got, so a file replaced or deleted
 * while a job runs fails the job instead of training on other bytes than were fingerprinted.
 */
public final class S3TrainingDataSource implements TrainingDataSource {
    private final S3Client s3;
    private final String bucket;

    /**
     * @param s3 client
     * @param bucket the data bucket
     */
    public S3TrainingDataSource(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public List<DataObject> list(String prefix) {
        var out = new ArrayList<DataObject>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(o -> {
            if (o.key().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                out.add(new DataObject(o.key(), JobIds.normalizeEtag(o.eTag()), o.size()));
            }
        });
        out.sort(Comparator.comparing(DataObject::key)); // S3 lists in key order already; emulators may not
        return out;
    }

    @Override
    public InputStream open(DataObject object) {
        try {
            var in = s3.getObject(b -> b.bucket(bucket).key(object.key()).ifMatch("\"" + object.etag() + "\""));
            var etag = JobIds.normalizeEtag(in.response().eTag());
            if (etag != null && !etag.isEmpty() && !etag.equals(object.etag())) {
                in.abort();
                throw changed(object, "was replaced");
            }
            return in;
        } catch (NoSuchKeyException e) {
            throw changed(object, "was deleted");
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw changed(object, "was replaced");
            }
            if (e.statusCode() == 404) {
                throw changed(object, "was deleted");
            }
            throw e;
        }
    }

    private TrainingDataException changed(DataObject object, String what) {
        return new TrainingDataException(List.of("data changed during the job: s3://" + bucket + "/" + object.key() + " " + what
                + " after the job listed it (ETag " + object.etag() + "); start a new job"));
    }
}
