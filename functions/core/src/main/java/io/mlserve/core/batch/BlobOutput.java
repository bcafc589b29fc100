package io.mlserve.core.batch;

import java.io.OutputStream;

/**
 * An object being written. {@link #close()} publishes it (replacing any earlier object under its key);
 * {@link #abort()} drops what was written so a failed attempt leaves nothing half-written behind.
 */
public abstract class BlobOutput extends OutputStream {

    /** Discards the object; the stream must not be used afterwards. Never throws. */
    public abstract void abort();
}
