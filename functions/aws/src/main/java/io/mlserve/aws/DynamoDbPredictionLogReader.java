package io.mlserve.aws;

import io.mlserve.core.logquery.LogPage;
import io.mlserve.core.logquery.LoggedRows;
import io.mlserve.core.logquery.PredictionLogReader;
import io.mlserve.core.logquery.PredictionQuery;
import io.mlserve.core.model.ModelRef;
import io.mlserve.core.store.LogShards;
import io.mlserve.core.store.PredictionRecord;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Reads the sharded prediction log written by {@link DynamoDbPredictionLog}, newest first.
 *
 * <p>Every read is a merge of partitions: with a version, its shards {@code <model>#<version>#0..n-1} on the table
 * ({@code n} = its registered count, {@link LogShards#shards}); without, the {@value #BY_MODEL_SHARD_INDEX} GSI's
 * partitions {@code <model>#0..m-1} ({@code m} = the largest count of any version, {@link LogShards#maxShards}). Each
 * partition is one Query newest first ({@code sk BETWEEN fmt(from) AND fmt(to)}, exactly {@code [from, to)} at
 * millisecond precision because every {@code sk} is {@code <time>#…}), read lazily page by page, and the partitions
 * are merged by {@code (sk, pk)} descending — one total order, so pages stitch exactly.
 *
 * <p>A page's cursor keeps the {@code (sk, pk)} of its last item: that is every shard's position at once, because the
 * merge consumed everything above it in every shard. The next page queries each shard with {@code sk BETWEEN fmt(from)
 * AND <that sk>} and skips what is not strictly after it, so the cursor has the same size for 1 or 64 shards.
 *
 * <p>N.B. the index is eventually consistent: items written in the last second may be missing from model-wide reads.
 */
public final class DynamoDbPredictionLogReader implements PredictionLogReader, LoggedRows {
    /** The GSI used when no version is given. */
    public static final String BY_MODEL_SHARD_INDEX = PredictionLogSchema.BY_MODEL_SHARD_INDEX;
    /** Items per Query page of {@link #rows}: DynamoDB's 1 MB page usually ends first (~1–2 KB per item). */
    static final int ROWS_PAGE = 1000;

    /** Newest first: sk descending, then pk descending (ties only across versions in model-wide reads). */
    static final Comparator<Map<String, AttributeValue>> NEWEST_FIRST =
            Comparator.<Map<String, AttributeValue>, String>comparing(item -> item.get(PredictionLogSchema.SK).s())
                    .thenComparing(item -> item.get(PredictionLogSchema.PK).s())
                    .reversed();

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final LogShards shards;

    /**
     * @param dynamoDb client
     * @param table prediction log table name (with the {@value #BY_MODEL_SHARD_INDEX} index)
     * @param shards each version's shard count (the registry's)
     */
    public DynamoDbPredictionLogReader(DynamoDbClient dynamoDb, String table, LogShards shards) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.shards = shards;
    }

    @Override
    public LogPage page(PredictionQuery query) {
        var window = query;
        PredictionLogCursor.Position after = null;
        if (query.cursor() != null) {
            after = PredictionLogCursor.decode(query.cursor(), query);
            window = query.withWindow(after.from(), after.to());
        }
        // +2: one more than the page tells whether a next page exists, one more covers the cut item skipped below
        var requests = requests(window, after == null ? null : after.sk(), query.limit() + 2, null, null);
        var cut = after == null ? null : after.asItem();
        var page = new ArrayList<Map<String, AttributeValue>>(query.limit());
        boolean more;
        // a cursor's query starts at its item (inclusive): what is not strictly after it was on earlier pages
        try (var items = cut == null ? merged(requests) : merged(requests).dropWhile(item -> NEWEST_FIRST.compare(item, cut) <= 0)) {
            var iterator = items.iterator();
            while (page.size() < query.limit() && iterator.hasNext()) {
                page.add(iterator.next());
            }
            more = iterator.hasNext();
        }
        String next = null;
        if (more) {
            var last = page.get(page.size() - 1);
            next = PredictionLogCursor.encode(window, last.get(PredictionLogSchema.SK).s(), last.get(PredictionLogSchema.PK).s());
        }
        return new LogPage(page.stream().map(DynamoDbPredictionLogReader::parse).toList(), next);
    }

    @Override
    public Stream<PredictionRecord> outcomes(PredictionQuery query) {
        // inputs are most of an item's bytes and stats never look at them
        return merged(requests(query, null, null, PredictionLogSchema.OUTCOME_ATTRIBUTES, null))
                .map(DynamoDbPredictionLogReader::parse);
    }

    /**
     * Drift's read: one version's rows (failed requests filtered out by DynamoDB) over all its shards, newest first,
     * the inputs and output projected, page by page until {@code lastRows} rows were seen.
     */
    @Override
    public Stream<PredictionRecord> rows(ModelRef version, Instant from, Instant to, int lastRows) {
        var query = new PredictionQuery(version.name(), version.version(), from, to, PredictionQuery.DEFAULT_LIMIT, null, true, true);
        int count = shards.shards(version);
        // rows spread evenly over the shards: each one's share plus a margin usually takes one page per shard
        int perShard = (int) Math.min(ROWS_PAGE, Math.max(1, (long) lastRows * 5 / (4L * count) + 8));
        return merged(requests(query, null, Math.min(perShard, lastRows), PredictionLogSchema.ROW_ATTRIBUTES, "attribute_not_exists(#error)"))
                .limit(lastRows)
                .map(DynamoDbPredictionLogReader::parse);
    }

    /**
     * One Query per partition the query covers.
     *
     * @param query model, version (or none: the index) and window
     * @param upTo the largest sk to read (a cursor's; inclusive), or null for the window's end
     * @param pageSize items per Query page, or null for DynamoDB's 1 MB pages
     * @param projection attributes to read, or null for all
     * @param filter a filter expression over {@code #error}, or null
     */
    private List<QueryRequest> requests(PredictionQuery query, String upTo, Integer pageSize, List<String> projection, String filter) {
        var names = new LinkedHashMap<String, String>();
        names.put("#sk", PredictionLogSchema.SK);
        if (projection != null) {
            projection.forEach(name -> names.put("#" + name, name));
        }
        if (filter != null) {
            names.put("#error", PredictionLogSchema.ERROR);
        }
        String partitionKey;
        String index;
        List<String> partitions = new ArrayList<>();
        if (query.allVersions()) {
            partitionKey = PredictionLogSchema.MODEL_SHARD;
            index = BY_MODEL_SHARD_INDEX;
            for (int shard = 0; shard < shards.maxShards(query.model()); shard++) {
                partitions.add(PredictionLogSchema.modelShard(query.model(), shard));
            }
        } else {
            partitionKey = PredictionLogSchema.PK;
            index = null;
            for (int shard = 0; shard < shards.shards(new ModelRef(query.model(), query.version())); shard++) {
                partitions.add(PredictionLogSchema.partitionKey(query.model(), query.version(), shard));
            }
        }
        names.put("#partition", partitionKey);
        var requests = new ArrayList<QueryRequest>();
        for (var partition : partitions) {
            var values = new LinkedHashMap<String, AttributeValue>();
            values.put(":partition", AttributeValue.fromS(partition));
            values.put(":from", AttributeValue.fromS(PredictionLogSchema.SORTABLE_TIME.format(query.from())));
            values.put(":to", AttributeValue.fromS(upTo != null ? upTo : PredictionLogSchema.SORTABLE_TIME.format(query.to())));
            var builder = QueryRequest.builder().tableName(table).indexName(index).scanIndexForward(false)
                    .keyConditionExpression("#partition = :partition AND #sk BETWEEN :from AND :to")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .limit(pageSize);
            if (projection != null) {
                builder.projectionExpression(String.join(", ", projection.stream().map(name -> "#" + name).toList()));
            }
            if (filter != null) {
                builder.filterExpression(filter);
            }
            requests.add(builder.build());
        }
        return requests;
    }

    /**
     * @param requests one newest-first Query per partition
     * @return their items merged newest first, each partition read lazily page by page (close to stop reading)
     */
    private Stream<Map<String, AttributeValue>> merged(List<QueryRequest> requests) {
        // the SDK's iterator reads its first page when created: created at the merge's first look, not here
        var sources = requests.stream()
                .<Supplier<Iterator<Map<String, AttributeValue>>>>map(r -> () -> dynamoDb.queryPaginator(r).items().iterator())
                .toList();
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new Merge(sources),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** A k-way merge of newest-first iterators: a heap of each one's next item; a source is read only when needed. */
    private static final class Merge implements Iterator<Map<String, AttributeValue>> {
        private record Head(Map<String, AttributeValue> item, Iterator<Map<String, AttributeValue>> source) {}

        private final List<Supplier<Iterator<Map<String, AttributeValue>>>> unstarted;
        private final PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> NEWEST_FIRST.compare(a.item(), b.item()));

        Merge(List<Supplier<Iterator<Map<String, AttributeValue>>>> sources) {
            this.unstarted = new ArrayList<>(sources);
        }

        @Override
        public boolean hasNext() {
            if (!unstarted.isEmpty()) { // first items, at the first look: building the stream reads nothing
                start();
            }
            return !heads.isEmpty();
        }

        @Override
        public Map<String, AttributeValue> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            var head = heads.poll();
            advance(head.source());
            return head.item();
        }

        /** Every shard's first page at once (one round trip, not one per shard); later pages as each is consumed. */
        private void start() {
            var started = new ArrayList<Iterator<Map<String, AttributeValue>>>();
            if (unstarted.size() == 1) {
                started.add(unstarted.get(0).get());
            } else {
                try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    var firstPages = unstarted.stream().map(source -> pool.submit(() -> {
                        var iterator = source.get();
                        iterator.hasNext(); // reads the first page
                        return iterator;
                    })).toList();
                    for (var firstPage : firstPages) {
                        started.add(firstPage.get());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading the prediction log", e);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            unstarted.clear();
            started.forEach(this::advance);
        }

        private void advance(Iterator<Map<String, AttributeValue>> source) {
            if (source.hasNext()) {
                heads.add(new Head(source.next(), source));
            }
        }
    }

    /**
     * @param item a prediction log item
     * @return it as a prediction record; missing or odd attributes become empty values, not errors
     */
    static PredictionRecord parse(Map<String, AttributeValue> item) {
        var values = new LinkedHashMap<String, Object>();
        item.forEach((name, value) -> values.put(name, AttributeValues.toJava(value)));
        return new PredictionRecord(
                new ModelRef(modelName(values), string(values.get(PredictionLogSchema.VERSION))),
                string(values.get(PredictionLogSchema.REQUEST_ID)),
                values.get(PredictionLogSchema.ROW) instanceof Number n ? n.intValue() : 0,
                timestamp(values),
                map(values.get(PredictionLogSchema.INPUTS), Map.of()),
                map(values.get(PredictionLogSchema.OUTPUT), null),
                values.get(PredictionLogSchema.LATENCY_MS) instanceof Number n ? n.doubleValue() : 0.0,
                string(values.get(PredictionLogSchema.SOURCE)),
                string(values.get(PredictionLogSchema.ERROR)));
    }

    /** Sharded items carry no {@code model}: it is pk up to the first '#' (names cannot hold one). */
    private static String modelName(Map<String, Object> values) {
        if (values.get(PredictionLogSchema.MODEL) instanceof String model) {
            return model;
        }
        if (values.get(PredictionLogSchema.PK) instanceof String pk && pk.indexOf('#') > 0) {
            return pk.substring(0, pk.indexOf('#'));
        }
        return null;
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    private static Map<String, Object> map(Object value, Map<String, Object> absent) {
        if (!(value instanceof Map<?, ?> m)) {
            return absent;
        }
        var out = new LinkedHashMap<String, Object>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static Instant timestamp(Map<String, Object> values) {
        for (var candidate : new Object[] {values.get(PredictionLogSchema.TS), values.get(PredictionLogSchema.SK)}) {
            if (candidate instanceof String s && s.length() >= 24) {
                try {
                    return Instant.parse(s.substring(0, 24));
                } catch (DateTimeParseException e) {
                    // try the next one
                }
            }
        }
        return Instant.EPOCH;
    }
}
