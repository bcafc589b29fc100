package io.mlserve.core.batch;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A text file of lines (an errors file) that exists only once a line is written: most batch ranges and feedback files
 * refuse nothing, and then no object is created.
 */
public final class LazyLines {
    private final Supplier<BlobOutput> opener;
    private BlobOutput blob;
    private Writer writer;

    /** @param opener creates the file at the first line */
    public LazyLines(Supplier<BlobOutput> opener) {
        this.opener = opener;
    }

    /**
     * @param line one line, without its newline
     * @throws IOException if writing fails
     */
    public void write(String line) throws IOException {
        if (writer == null) {
            blob = opener.get();
            writer = new BufferedWriter(new OutputStreamWriter(blob, StandardCharsets.UTF_8), 64 * 1024);
        }
        writer.write(line);
        writer.write('\n');
    }

    /** @return whether any line was written (the file exists) */
    public boolean any() {
        return writer != null;
    }

    /**
     * Finishes the file, if there is one.
     *
     * @throws IOException if writing fails
     */
    public void close() throws IOException {
        if (writer != null) {
            writer.close();
        }
    }

    /** Drops a file begun but not finished. */
    public void abort() {
        if (blob != null) {
            blob.abort();
        }
    }
}
