package io.mlserve.core.store;

import io.mlserve.core.model.ModelRef;

/**
 * How many partitions ("shards") a model version's prediction log is spread over, and which shard a row goes to.
 * DynamoDB takes about 1,000 writes/s per partition key, so each version's rows are spread over
 * {@code <model>#<version>#<shard>} keys. The count is fixed per version at registration (the registry's
 * {@code logShards}), so every reader knows exactly which partitions exist; versions registered before sharding
 * count as one shard.
 */
public interface LogShards {
    /** Shards of a version registered without a count, and the smallest count accepted. */
    int MIN = 1;
    /** The largest count accepted at registration. */
    int MAX = 64;

    /**
     * @param version a registered model version
     * @return its shard count, {@value #MIN}..{@value #MAX}
     */
    int shards(ModelRef version);

    /**
     * What model-wide reads (every version, through the {@code <model>#<shard>} index) must cover.
     *
     * @param model model name
     * @return the largest shard count of any of its versions; by default {@value #MAX} (always enough, costs more
     *     queries)
     */
    default int maxShards(String model) {
        return MAX;
    }

    /**
     * @param shards a fixed count, e.g. for tests and benchmarks
     * @return a LogShards giving every version that count
     */
    static LogShards fixed(int shards) {
        if (shards < MIN || shards > MAX) {
            throw new IllegalArgumentException("log shards must be " + MIN + ".." + MAX + ", got " + shards);
        }
        return new LogShards() {
            @Override
            public int shards(ModelRef version) {
                return shards;
            }

            @Override
            public int maxShards(String model) {
                return shards;
            }
        };
    }

    /**
     * The shard of one row: a stable hash of its request id and row index, so a retried or replayed write lands on the
     * same key (writes stay idempotent) and rows spread evenly.
     *
     * @param requestId the request (or batch job range) id
     * @param row the row's index within the request
     * @param shards the version's shard count
     * @return 0..shards-1
     */
    static int shardOf(String requestId, int row, int shards) {
        return shardOf(requestHash(requestId), row, shards);
    }

    /** @return the request id's part of {@link #shardOf}: the same for every row of a request, so hashed once */
    static int requestHash(String requestId) {
        // FNV-1a over the id and the row: cheap, stable across JVMs (String.hashCode is too, but clusters on UUIDs' tails)
        int hash = 0x811C9DC5;
        for (int i = 0; i < requestId.length(); i++) {
            hash = (hash ^ requestId.charAt(i)) * 0x01000193;
        }
        return hash;
    }

    /** @return {@link #shardOf} from the request's {@link #requestHash} */
    static int shardOf(int requestHash, int row, int shards) {
        if (shards <= 1) {
            return 0;
        }
        int hash = (requestHash ^ row) * 0x01000193;
        hash ^= hash >>> 16;
        return Math.floorMod(hash, shards);
    }
}
