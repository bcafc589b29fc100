package io.mlserve.core.store;

import io.mlserve.core.model.ModelRef;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The {@link PredictionId}s of one request's logged rows 0..size-1, all of one version and one time: made when read,
 * so an answer written by {@link io.mlserve.core.json.PredictionJson} encodes each id once, straight into its buffer;
 * the request part of the ids is encoded and hashed once per request, and the request id hashed for the shards once.
 * Not for sharing between threads (the request part is made on first use).
 */
public final class PredictionIds extends AbstractList<String> implements RandomAccess {
    private final ModelRef model;
    private final int shards;
    private final Instant timestamp;
    private final String requestId;
    private final int requestHash;
    private final int size;
    private PredictionId.Request request; // made on the first id written

    /**
     * @param model the version that answered
     * @param shards its log shard count
     * @param timestamp the rows' prediction time (kept at millisecond precision, as logged)
     * @param requestId the request id
     * @param size the number of rows
     */
    public PredictionIds(ModelRef model, int shards, Instant timestamp, String requestId, int size) {
        this.model = model;
        this.shards = shards;
        this.timestamp = Instant.ofEpochMilli(timestamp.toEpochMilli());
        this.requestId = requestId;
        this.requestHash = LogShards.requestHash(requestId);
        this.size = size;
    }

    /** @return row {@code row}'s id, the same as {@link PredictionId#of} gives for its logged record */
    public PredictionId id(int row) {
        return new PredictionId(model, LogShards.shardOf(requestHash, row, shards), timestamp, requestId, Objects.checkIndex(row, size));
    }

    @Override
    public String get(int row) {
        return id(row).encode();
    }

    /** @return an upper bound of one id's length in bytes (and characters) */
    public int maxEncodedLength() {
        return request().maxLength();
    }

    /**
     * Writes row {@code row}'s id ({@link #get}'s text, ASCII) into a caller's buffer.
     *
     * @param to the buffer, with room for {@link #maxEncodedLength} bytes from {@code at}
     * @return the position after it
     */
    public int encodeInto(int row, byte[] to, int at) {
        return request().write(LogShards.shardOf(requestHash, Objects.checkIndex(row, size), shards), row, to, at);
    }

    private PredictionId.Request request() {
        if (request == null) {
            request = new PredictionId.Request(model, timestamp.toEpochMilli(), requestId);
        }
        return request;
    }

    @Override
    public int size() {
        return size;
    }
}
