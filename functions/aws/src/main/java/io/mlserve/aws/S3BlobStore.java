package io.mlserve.aws;

import io.mlserve.core.batch.BlobOutput;
import io.mlserve.core.batch.BlobStore;
import io.mlserve.core.jobs.JobIds;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Streams objects in and out of S3: open-ended ranged GETs, and uploads that buffer one 8 MiB part at a
 * time (a single PutObject when the whole object fits in one part, a multipart upload otherwise), so
 * memory stays flat whatever the object's size.
 */
public final class S3BlobStore implements BlobStore {
    /** Bytes buffered per part (S3's minimum part size is 5 MiB). */
    public static final int PART_BYTES = 8 * 1024 * 1024;

    private final S3Client s3;
    private final int partBytes;

    /** @param s3 client */
    public S3BlobStore(S3Client s3) {
        this(s3, PART_BYTES);
    }

    /**
     * @param s3 client
     * @param partBytes bytes per part, at least 5 MiB on S3 (tests may use less against an emulator)
     */
    public S3BlobStore(S3Client s3, int partBytes) {
        this.s3 = s3;
        this.partBytes = partBytes;
    }

    @Override
    public Optional<BlobInfo> head(String bucket, String key) {
        try {
            var head = s3.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new BlobInfo(head.contentLength(), JobIds.normalizeEtag(head.eTag())));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public InputStream openFrom(String bucket, String key, long from) {
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + from + "-"));
        } catch (NoSuchKeyException e) {
            throw new NoSuchElementException("no object s3://" + bucket + "/" + key);
        } catch (S3Exception e) {
            if (e.statusCode() == 416) { // from is at or past the end: nothing to read
                return InputStream.nullInputStream();
            }
            if (e.statusCode() == 404) {
                throw new NoSuchElementException("no object s3://" + bucket + "/" + key);
            }
            throw e;
        }
    }

    @Override
    public BlobOutput create(String bucket, String key, String contentType) {
        return new Upload(bucket, key, contentType);
    }

    /** One object being written: a buffer, and a multipart upload once more than one part is needed. */
    private final class Upload extends BlobOutput {
        private final String bucket;
        private final String key;
        private final String contentType;
        private final byte[] buffer = new byte[partBytes];
        private int size;
        private String uploadId;
        private final List<CompletedPart> parts = new ArrayList<>();
        private boolean closed;

        Upload(String bucket, String key, String contentType) {
            this.bucket = bucket;
            this.key = key;
            this.contentType = contentType;
        }

        @Override
        public void write(int b) throws IOException {
            if (size == buffer.length) {
                flushPart();
            }
            buffer[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            requireOpen();
            while (len > 0) {
                if (size == buffer.length) {
                    flushPart();
                }
                int n = Math.min(len, buffer.length - size);
                System.arraycopy(b, off, buffer, size, n);
                size += n;
                off += n;
                len -= n;
            }
        }

        private void requireOpen() throws IOException {
            if (closed) {
                throw new IOException("the upload of s3://" + bucket + "/" + key + " is closed");
            }
        }

        private void flushPart() throws IOException {
            requireOpen();
            try {
                if (uploadId == null) {
                    uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
                }
                int number = parts.size() + 1;
                var response = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number).contentLength((long) size),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, size), size));
                parts.add(CompletedPart.builder().partNumber(number).eTag(response.eTag()).build());
                size = 0;
            } catch (RuntimeException e) {
                abort();
                throw new IOException("uploading part of s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            try {
                if (uploadId == null) {
                    s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).contentLength((long) size),
                            RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, size), size));
                } else {
                    if (size > 0) {
                        flushPart();
                    }
                    s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                            .multipartUpload(m -> m.parts(parts)));
                }
                closed = true;
            } catch (RuntimeException e) {
                abort();
                throw new IOException("writing s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void abort() {
            closed = true;
            if (uploadId != null) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                } catch (RuntimeException e) {
                    // a bucket lifecycle rule removes incomplete uploads the abort could not
                }
                uploadId = null;
            }
        }
    }
}
