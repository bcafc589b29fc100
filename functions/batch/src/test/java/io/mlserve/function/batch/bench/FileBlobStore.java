package io.mlserve.function.batch.bench;

import io.mlserve.core.batch.BlobOutput;
import io.mlserve.core.batch.BlobStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.NoSuchElementException;
import java.util.Optional;

/** Buckets as folders on disk: the benchmark streams a file the size of a real job without holding it in memory. */
final class FileBlobStore implements BlobStore {
    private final Path root;

    FileBlobStore(Path root) {
        this.root = root;
    }

    private Path path(String bucket, String key) {
        return root.resolve(bucket).resolve(key);
    }

    @Override
    public Optional<BlobInfo> head(String bucket, String key) {
        var path = path(bucket, key);
        try {
            return Files.isRegularFile(path)
                    ? Optional.of(new BlobInfo(Files.size(path), Long.toHexString(Files.getLastModifiedTime(path).toMillis())))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InputStream openFrom(String bucket, String key, long from) {
        var path = path(bucket, key);
        if (!Files.isRegularFile(path)) {
            throw new NoSuchElementException(bucket + "/" + key);
        }
        try {
            var in = Files.newInputStream(path);
            in.skipNBytes(Math.min(from, Files.size(path)));
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public BlobOutput create(String bucket, String key, String contentType) {
        var target = path(bucket, key);
        try {
            Files.createDirectories(target.getParent());
            var temp = Files.createTempFile(target.getParent(), ".part", ".tmp");
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
            return new BlobOutput() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.close();
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }

                @Override
                public void abort() {
                    try {
                        out.close();
                        Files.deleteIfExists(temp);
                    } catch (IOException ignored) {
                        // nothing left to publish
                    }
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
